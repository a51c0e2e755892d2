/**
 * The published package works outside the workspace: `npm pack` of packages/tspack, `npm install
 * --prefer-offline` of the tarball into an empty folder (plain npm; tspack's only runtime dependencies are
 * the pinned Pyodide versions of the bytecode compiler, which npm takes from its cache or the registry), then the `tspack` bin, the library from an ES module and from a CommonJS project
 * (the docs' examples as written), the environment and paths the library reads like the CLI, the types
 * in a CommonJS TypeScript project, and a real build with the installed copy (same golden bytes).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  demoProject,
  FAKE_HOST,
  lockText,
  mirrorArg,
  pyprojectText,
  REPO_ROOT,
  requireBuiltCli,
  serverFiles,
  sha256File,
  stableWheel,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const PKG_DIR = join(REPO_ROOT, "packages", "tspack");
/** function.zip of the demo project (pinned in determinism.test.ts). */
const DEMO_ZIP_SHA256 = "585e324d9900c7b1ddd4ec9cb22d53a2f9c25ad8d4df6a5ae1539d43eb5613dc";
const NETWORK_ERROR =
  /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|getaddrinfo|network|socket hang up|request to .* failed|proxy|403 Forbidden/i;

/** The environment without the npm_* variables a pnpm/npm script run sets (they would steer npm). */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // (and NODE_PATH, which a test runner may set to the workspace's modules)
  for (const [k, v] of Object.entries(process.env))
    if (
      !/^npm_/i.test(k) &&
      k !== "INIT_CWD" &&
      k !== "NODE_PATH" &&
      k !== "SOURCE_DATE_EPOCH" &&
      !k.startsWith("TSPACK_")
    )
      env[k] = v;
  return { ...env, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false" };
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...plainEnv(), ...env }, timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Every file under `dir`. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

let tarball: string;
let installDir: string;
/** Set when npm could not reach the registry: the tests that need the install skip with it. */
let skipReason: string | undefined;

beforeAll(async () => {
  requireBuiltCli();
  const packDir = tempDir("tspack-pack-");
  const pack = await run("npm", ["pack", "--pack-destination", packDir, "--json"], PKG_DIR, 120_000);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(packDir, info!.filename);
  const paths = info!.files.map((f) => f.path);
  // Only bin/, dist/, package.json, README.md and LICENSE: no sources, tests or tsbuildinfo.
  expect(paths.filter((p) => !/^(bin\/|dist\/|package\.json$|README\.md$|LICENSE$)/.test(p))).toEqual([]);
  expect(paths).toEqual(
    expect.arrayContaining([
      "README.md",
      "LICENSE",
      "bin/tspack.js",
      "bin/package.json",
      "dist/cli.cjs",
      "dist/undici.cjs",
      "dist/s3.cjs",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/index.cjs",
      "dist/cjs/index.d.ts",
      "dist/cdk.cjs",
      "dist/cjs/cdk/index.d.ts",
      "dist/cdk.js",
      "dist/cdk/index.d.ts",
      "dist/THIRD-PARTY-LICENSES.txt",
      "dist/pool-worker.cjs",
    ]),
  );

  installDir = tempDir("tspack-npm-empty-");
  expect(readdirSync(installDir)).toEqual([]);
  const install = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", installDir, tarball],
    installDir,
    240_000,
  );
  if (install.status !== 0) {
    if (NETWORK_ERROR.test(install.stderr))
      skipReason = `npm install could not reach the registry: ${install.stderr.trim().split("\n")[0]}`;
    else expect.fail(`npm install ${tarball} failed (status ${install.status}):\n${install.stderr}`);
  }
}, 300_000);
afterAll(() => cleanupTemps());

describe("npm pack → npm install in an empty folder", () => {
  it("installs tspack and the pinned Pyodides only, one copy of undici (bundled)", (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const pkg = JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8"));
    // The bytecode compilers (one CPython-in-WebAssembly per runtime, exact versions) and nothing else.
    expect(pkg.dependencies).toEqual({
      "pyodide-py311": "npm:pyodide@0.25.1",
      "pyodide-py312": "npm:pyodide@0.27.8",
      "pyodide-py313": "npm:pyodide@0.29.5",
      "pyodide-py314": "npm:pyodide@314.0.8",
    });
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["aws-cdk-lib", "constructs"]);
    expect(pkg.peerDependenciesMeta["aws-cdk-lib"].optional).toBe(true);
    const installed = readdirSync(join(installDir, "node_modules")).filter((n) => !n.startsWith("."));
    // Besides tspack: the Pyodides and what they need themselves, nothing tspack asks for.
    const modules = join(installDir, "node_modules");
    const needed = new Set<string>();
    const visit = (name: string): void => {
      if (needed.has(name)) return;
      needed.add(name);
      const manifest = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
      for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
    };
    for (const alias of Object.keys(pkg.dependencies)) visit(alias);
    const scoped = installed.flatMap((n) =>
      n.startsWith("@") ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n],
    );
    expect(scoped.filter((n) => !needed.has(n))).toEqual(["tspack"]);
    // undici's code is in dist/undici.cjs only (the CLI and the library both load it from there).
    const root = join(installDir, "node_modules", "tspack");
    const withUndici = walk(join(root, "dist"))
      .filter((f) => /\.(c?js)$/.test(f) && readFileSync(f, "utf8").includes("undici:request:create"))
      .map((f) => f.slice(root.length + 1));
    expect(withUndici).toEqual(["dist/undici.cjs"]);
    // Likewise the AWS SDK's S3 client (the remote cache): in dist/s3.cjs only, loaded on demand.
    const withSdk = walk(join(root, "dist"))
      .filter((f) => /\.(c?js)$/.test(f) && readFileSync(f, "utf8").includes("class _S3ServiceException"))
      .map((f) => f.slice(root.length + 1));
    expect(withSdk).toEqual(["dist/s3.cjs"]);
  });

  it("ships README.md, the MIT LICENSE and the bundled packages' licenses", (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const root = join(installDir, "node_modules", "tspack");
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toBe(readFileSync(join(REPO_ROOT, "LICENSE"), "utf8"));
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).license).toBe("MIT");
    expect(readFileSync(join(root, "README.md"), "utf8")).toMatch(/^# tspack\n/);
    const notices = readFileSync(join(root, "dist", "THIRD-PARTY-LICENSES.txt"), "utf8");
    for (const name of ["undici", "fflate", "smol-toml", "p-limit", "@renovatebot/pep440"])
      expect(notices).toMatch(new RegExp(`^${name.replace("/", "\\/")}@\\d`, "m"));
  });

  it("`require('tspack')` works in a CommonJS project; `tspack/cdk` without aws-cdk-lib says what is missing", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const dir = tempDir("tspack-npm-cjs-");
    writeFileSync(join(dir, "package.json"), '{ "name": "cjs-app", "version": "1.0.0" }\n');
    symlinkSync(join(installDir, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(
      join(dir, "check.js"),
      [
        'const t = require("tspack");',
        "console.log([t.build, t.plan, t.install, t.TspackError].map((f) => typeof f).join(' '));",
        'try { require("tspack/cdk"); } catch (e) { console.log(e.message); }',
      ].join("\n"),
    );
    const r = await run(process.execPath, ["check.js"], dir, 60_000);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "function function function function\ntspack/cdk needs aws-cdk-lib in your app (aws-cdk-lib ^2, constructs ^10): npm install aws-cdk-lib constructs\n",
    );
  });

  it("`npx tspack --help` works", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const r = await run("npx", ["--no-install", "tspack", "--help"], installDir, 60_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tspack \d+\.\d+\.\d+ — package a uv project for AWS Lambda/);
    expect(r.stdout).toContain("Commands:\n  build ");
  });

  it("`import { build } from 'tspack'` gives a function (ESM, no workspace)", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const r = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "import { build, plan, fetchWheels, exportRequirements, readProject, resolveTarget, TspackError } from 'tspack'; console.log([build, plan, fetchWheels, exportRequirements, readProject, resolveTarget, TspackError].map((f) => typeof f).join(' '))",
      ],
      installDir,
      60_000,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("function function function function function function function\n");
  });

  it("the docs' library examples run as written, ESM and CommonJS, reading TSPACK_CACHE_DIR and paths like the CLI", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const api = readFileSync(join(REPO_ROOT, "docs", "api.md"), "utf8");
    const esm = /```js\n(\/\/ ES module[\s\S]*?)```/.exec(api)?.[1];
    const cjs = /```js\n(\/\/ CommonJS[\s\S]*?)```/.exec(api)?.[1];
    expect(esm, "docs/api.md: the ESM example").toBeDefined();
    expect(cjs, "docs/api.md: the CommonJS example").toBeDefined();
    const demo = demoProject();
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const app = tempDir("tspack-npm-docs-");
      writeFileSync(join(app, "package.json"), '{ "name": "docs-app", "version": "1.0.0" }\n');
      symlinkSync(join(installDir, "node_modules"), join(app, "node_modules"), "dir");
      writeTree(join(app, "services", "api"), demo.files);
      // Fill a cache with the CLI; the examples then find the wheels through TSPACK_CACHE_DIR alone.
      const cache = tempDir("tspack-npm-docs-cache-");
      const bin = join(installDir, "node_modules", "tspack", "bin", "tspack.js");
      const fill = await run(
        process.execPath,
        [
          bin,
          "fetch",
          "services/api",
          "--runtime",
          "python3.13",
          "--arch",
          "arm64",
          "--cache-dir",
          cache,
          "--mirror",
          mirrorArg(server.url),
          "-q",
        ],
        app,
        60_000,
      );
      expect([fill.status, fill.stderr]).toEqual([0, ""]);
      writeFileSync(join(app, "example.mjs"), esm!);
      writeFileSync(join(app, "example.js"), cjs!);
      for (const file of ["example.mjs", "example.js"]) {
        const r = await run(process.execPath, [file], app, 60_000, { TSPACK_CACHE_DIR: cache, TSPACK_OFFLINE: "1" });
        expect(r.stderr, file).toBe("");
        expect(r.stdout, file).toBe(
          `${join(realpathSync(app), "services", "api", "dist", "lambda", "function.zip")} ${r.stdout.split(" ")[1]}`,
        );
        expect(r.stdout.trim().split(" ")[1], file).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      }
    } finally {
      await server.close();
    }
  });

  it("the library downloads through the bundled undici from ESM and CommonJS", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const demo = demoProject();
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const dir = tempDir("tspack-npm-lib-");
      writeTree(dir, demo.files);
      const code = (cache: string) =>
        `build({ projectDir: ${JSON.stringify(dir)}, cacheDir: ${JSON.stringify(cache)}, outDir: ${JSON.stringify(join(tempDir("tspack-npm-out-"), "out"))}, env: {}, mirrors: [{ from: ${JSON.stringify(FAKE_HOST)}, to: ${JSON.stringify(`${server.url}/`)} }] }).then((r) => console.log(r.fetch.requests, r.artifacts[0].sha256))`;
      const esm = await run(
        process.execPath,
        ["--input-type=module", "-e", `import { build } from "tspack"; ${code(tempDir("tspack-npm-c1-"))}`],
        installDir,
        60_000,
      );
      const cjs = await run(
        process.execPath,
        ["-e", `const { build } = require("tspack"); ${code(tempDir("tspack-npm-c2-"))}`],
        installDir,
        60_000,
      );
      for (const r of [esm, cjs]) {
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe(`3 ${DEMO_ZIP_SHA256}\n`);
      }
    } finally {
      await server.close();
    }
  });

  it("the library (ESM and CommonJS) and the CLI find the worker pool's file, dist/pool-worker.cjs, which runs a job", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    // 17 MiB unzipped: the build's once-per-wheel check runs in the pool's worker (a missing worker file
    // is TSPACK_INTERNAL, never silently worked around).
    const big = stableWheel("big", "1.0", { "big/__init__.py": "", "big/zeros.bin": "\0".repeat(17 * 1024 * 1024) });
    const lock = lockText({
      roots: [{ name: "big-app", version: "0.1.0", deps: ["big"] }],
      packages: [{ name: "big", version: "1.0", wheel: big }],
    });
    const server = await startIndexServer({ files: serverFiles([big]) });
    try {
      const dir = tempDir("tspack-npm-pool-");
      writeTree(dir, {
        "pyproject.toml": pyprojectText("big-app", ["big"], '\n[tool.tspack]\nruntime = "python3.13"\n'),
        "uv.lock": lock,
        "app.py": "",
      });
      const code = (cache: string) =>
        `build({ projectDir: ${JSON.stringify(dir)}, cacheDir: ${JSON.stringify(cache)}, outDir: ${JSON.stringify(join(tempDir("tspack-npm-out-"), "out"))}, env: {}, mirrors: [{ from: ${JSON.stringify(FAKE_HOST)}, to: ${JSON.stringify(`${server.url}/`)} }] }).then((r) => console.log(r.artifacts[0].sha256))`;
      const esm = await run(
        process.execPath,
        ["--input-type=module", "-e", `import { build } from "tspack"; ${code(tempDir("tspack-npm-p1-"))}`],
        installDir,
        60_000,
      );
      const cjs = await run(
        process.execPath,
        ["-e", `const { build } = require("tspack"); ${code(tempDir("tspack-npm-p2-"))}`],
        installDir,
        60_000,
      );
      expect([esm.stderr, cjs.stderr]).toEqual(["", ""]);
      expect(esm.stdout).toMatch(/^[0-9a-f]{64}\n$/);
      expect(cjs.stdout).toBe(esm.stdout);
      const bin = join(installDir, "node_modules", "tspack", "bin", "tspack.js");
      const out = join(tempDir("tspack-npm-out-"), "out");
      const cli = await run(
        process.execPath,
        [
          bin,
          "build",
          dir,
          "--cache-dir",
          tempDir("tspack-npm-p3-"),
          "--mirror",
          mirrorArg(server.url),
          "--out",
          out,
          "-q",
        ],
        installDir,
        60_000,
      );
      expect([cli.status, cli.stderr]).toEqual([0, ""]);
      expect(sha256File(join(out, "function.zip"))).toBe(esm.stdout.trim());
      // The worker file itself answers a verify job for the wheel (the digests of its entries).
      const whl = join(dir, big.filename);
      writeFileSync(whl, big.bytes);
      const worker = join(installDir, "node_modules", "tspack", "dist", "pool-worker.cjs");
      const job = await run(
        process.execPath,
        [
          "-e",
          `const { Worker } = require("node:worker_threads"); const w = new Worker(${JSON.stringify(worker)}); w.on("message", (r) => { console.log(r.kind, r.id, r.bad, r.digests.length); w.terminate(); }); w.postMessage({ kind: "verify", id: 7, path: ${JSON.stringify(whl)}, filename: "big-1.0-py3-none-any.whl", rows: new Float64Array(0) });`,
        ],
        installDir,
        60_000,
      );
      expect([job.stderr, job.stdout]).toEqual(["", "verified 7 -1 0\n"]);
    } finally {
      await server.close();
    }
  });

  it("the library loads the bundled AWS SDK for a remote cache from ESM and CommonJS (unreachable: a warning, then the index)", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const demo = demoProject();
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const dir = tempDir("tspack-npm-remote-");
      writeTree(dir, demo.files);
      // Port 1 on loopback refuses connections: the remote cache warns once and the index serves the build.
      const code = (cache: string) =>
        `const warnings = []; build({ projectDir: ${JSON.stringify(dir)}, cacheDir: ${JSON.stringify(cache)}, outDir: ${JSON.stringify(join(tempDir("tspack-npm-out-"), "out"))}, env: { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret-example-123", AWS_REGION: "us-east-1" }, remoteCache: "s3://tspack-ci", remoteCacheEndpoint: "http://127.0.0.1:1", onEvent: (e) => e.type === "warning" && warnings.push(e.message), mirrors: [{ from: ${JSON.stringify(FAKE_HOST)}, to: ${JSON.stringify(`${server.url}/`)} }] }).then(async (r) => { await r.remoteCache.flush(); console.log(JSON.stringify({ sha: r.artifacts[0].sha256, warnings })); })`;
      const esm = await run(
        process.execPath,
        ["--input-type=module", "-e", `import { build } from "tspack"; ${code(tempDir("tspack-npm-c3-"))}`],
        installDir,
        60_000,
      );
      const cjs = await run(
        process.execPath,
        ["-e", `const { build } = require("tspack"); ${code(tempDir("tspack-npm-c4-"))}`],
        installDir,
        60_000,
      );
      for (const r of [esm, cjs]) {
        expect(r.stderr).toBe("");
        const { sha, warnings: list } = JSON.parse(r.stdout) as { sha: string; warnings: string[] };
        expect(sha).toBe(DEMO_ZIP_SHA256);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatch(/^remote cache s3:\/\/tspack-ci: cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED/);
      }
    } finally {
      await server.close();
    }
  });

  it("the types work in a CommonJS TypeScript project (node16 and node10 resolution), tspack/cdk included", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const dir = tempDir("tspack-npm-ts-");
    writeFileSync(join(dir, "package.json"), '{ "name": "ts-app", "version": "1.0.0" }\n');
    mkdirSync(join(dir, "node_modules"));
    // A copy: TypeScript resolves a symlink's imports from where it points (which has no aws-cdk-lib).
    cpSync(join(installDir, "node_modules", "tspack"), join(dir, "node_modules", "tspack"), { recursive: true });
    for (const peer of ["aws-cdk-lib", "constructs"])
      symlinkSync(
        realpathSync(join(REPO_ROOT, "packages", "tspack", "node_modules", peer)),
        join(dir, "node_modules", peer),
        "dir",
      );
    symlinkSync(realpathSync(join(REPO_ROOT, "node_modules", "@types")), join(dir, "node_modules", "@types"), "dir");
    writeFileSync(
      join(dir, "app.ts"),
      [
        'import { App, Stack } from "aws-cdk-lib/core";',
        'import * as lambda from "aws-cdk-lib/aws-lambda";',
        'import { build, type BuildResult } from "tspack";',
        'import { TspackFunction, TspackLayer, tspackCode } from "tspack/cdk";',
        'const stack = new Stack(new App(), "S");',
        'const fn: lambda.Function = new TspackFunction(stack, "F", { entry: "svc", architecture: lambda.Architecture.ARM_64, bundling: { bundleAs: "zip", extras: ["x"] } });',
        'const layer: lambda.LayerVersion = new TspackLayer(stack, "L", { entry: "svc" });',
        'const code: lambda.AssetCode = tspackCode("svc", { artifact: "code" });',
        'const result: Promise<BuildResult> = build({ projectDir: "svc", exclude: ["tests/**"], remoteCache: "s3://ci-cache/tspack", remoteCacheMode: "read" });',
        "export { fn, layer, code, result };",
        "",
      ].join("\n"),
    );
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    for (const [module, resolution] of [
      ["nodenext", "nodenext"],
      ["commonjs", "node10"],
    ]) {
      const r = await run(
        process.execPath,
        [
          tsc,
          "--noEmit",
          "--strict",
          "--types",
          "node",
          "--target",
          "es2022",
          "--module",
          module,
          "--moduleResolution",
          resolution,
          "app.ts",
        ],
        dir,
        120_000,
      );
      expect(`${r.stdout}${r.stderr}`, `${module}/${resolution}`).toBe("");
      expect(r.status).toBe(0);
    }
  }, 300_000);

  it("the installed copy builds the demo project to the same golden bytes", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const demo = demoProject();
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const dir = tempDir("tspack-npm-demo-");
      writeTree(dir, demo.files);
      const bin = join(installDir, "node_modules", "tspack", "bin", "tspack.js");
      const cache = tempDir("tspack-npm-cache-");
      const r = await run(
        process.execPath,
        [bin, "build", dir, "--cache-dir", cache, "--mirror", mirrorArg(server.url), "-q"],
        installDir,
        60_000,
      );
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(sha256File(join(dir, "dist", "lambda", "function.zip"))).toBe(DEMO_ZIP_SHA256);
      // The task root compiles its bytecode with the installed Pyodide, in the packed worker file.
      const out = tempDir("tspack-npm-dir-");
      const d = await run(
        process.execPath,
        [bin, "build", dir, "--layout", "dir", "--offline", "--cache-dir", cache, "--out", out, "-q"],
        installDir,
        120_000,
      );
      expect([d.status, d.stderr]).toEqual([0, ""]);
      const pycs = walk(join(out, "task")).filter((f) => f.endsWith(".pyc"));
      expect(pycs.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 180_000);
});
