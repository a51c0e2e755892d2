/**
 * tspack/cdk in a real CDK app: the packed tarball (`npm pack` of packages/tspack) unpacked into the
 * node_modules of an app in a temp folder, next to the workspace's aws-cdk-lib and constructs (linked:
 * no registry, no network). The app synthesizes in a child process (tryBundle is synchronous, so the
 * wheels are served from this process, on loopback) with a `docker` first on PATH that records any call
 * and fails.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { type MadeWheel, makeWheel } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  FAKE_HOST,
  pyprojectText,
  REPO_ROOT,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  stableWheel,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const PKG_DIR = join(REPO_ROOT, "packages", "tspack");
const ARCHES = {
  x86_64: "manylinux_2_17_x86_64.manylinux2014_x86_64",
  aarch64: "manylinux_2_17_aarch64.manylinux2014_aarch64",
};

/** A compiled package with one wheel per architecture, whose native file says which. */
function nativeWheels(): MadeWheel[] {
  return Object.entries(ARCHES).map(([arch, platform]) =>
    makeWheel({
      name: "fastmath",
      version: "1.0.0",
      tags: `cp313-cp313-${platform}`,
      rootIsPurelib: false,
      files: {
        "fastmath/__init__.py": "from ._native import add\n",
        [`fastmath/_native.cpython-313-${arch}-linux-gnu.so`]: `ELF for ${arch}\n`,
      },
    }),
  );
}

/** uv.lock of the app: a virtual root, a pure package and the two-wheel compiled one (+ `extra` packages). */
function lock(pure: MadeWheel, native: MadeWheel[], extra: MadeWheel[] = []): string {
  const wheelLine = (w: MadeWheel): string =>
    `    { url = "${FAKE_HOST}files/${w.filename}", hash = "sha256:${w.sha256}", size = ${w.bytes.length} },\n`;
  const pkg = (name: string, wheels: MadeWheel[]): string =>
    `\n[[package]]\nname = "${name}"\nversion = "1.0.0"\nsource = { registry = "${FAKE_HOST}simple" }\nwheels = [\n${wheels.map(wheelLine).join("")}]\n`;
  const deps = ["fastmath", "greet", ...extra.map((w) => w.filename.split("-")[0]!)].sort();
  return (
    'version = 1\nrevision = 3\nrequires-python = ">=3.13"\n' +
    `\n[[package]]\nname = "cdk-app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n${deps.map((d) => `    { name = "${d}" },\n`).join("")}]\n` +
    `\n[package.metadata]\nrequires-dist = [${deps.map((d) => `{ name = "${d}" }`).join(", ")}]\n` +
    pkg("fastmath", native) +
    pkg("greet", [pure]) +
    extra.map((w) => pkg(w.filename.split("-")[0]!, [w])).join("")
  );
}

/** The CDK app: two functions (x86_64, arm64), tspackCode as a directory, a layer; or one that cannot build. */
const APP_JS = `
const cdk = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");
const { TspackFunction, TspackLayer, tspackCode } = require("tspack/cdk");
const app = new cdk.App({ outdir: process.env.CDK_OUTDIR });
const stack = new cdk.Stack(app, "PyStack");
const entry = process.env.ENTRY;
const bundling = {
  cacheDir: process.env.CACHE_DIR,
  mirrors: [{ from: ${JSON.stringify(FAKE_HOST)}, to: process.env.INDEX_URL + "/" }],
};
if (process.env.APP_CASE === "broken") {
  new TspackFunction(stack, "Broken", { entry, bundling });
} else {
  new TspackFunction(stack, "X86", { entry, bundling });
  new TspackFunction(stack, "Arm", { entry, architecture: lambda.Architecture.ARM_64, bundling });
  new lambda.Function(stack, "Custom", {
    runtime: lambda.Runtime.PYTHON_3_13,
    architecture: lambda.Architecture.ARM_64,
    handler: "app.main.handler",
    code: tspackCode(entry, { architecture: lambda.Architecture.ARM_64, bundling: { ...bundling, bundleAs: "directory" } }),
  });
  new TspackLayer(stack, "Deps", { entry, compatibleArchitectures: [lambda.Architecture.ARM_64], bundling });
  // python-alpha's hooks and excludes, and a timestamp set in the props.
  new TspackFunction(stack, "Hooked", {
    entry,
    index: "app/main.py",
    bundling: {
      ...bundling,
      assetExcludes: ["app/local_settings.py"],
      sourceDateEpoch: 1700000000,
      environment: { HOOK_WORD: "hello" },
      commandHooks: {
        beforeBundling: (input, output) => ['echo "before $HOOK_WORD $(basename ' + input + ')" >> "$HOOK_LOG"'],
        afterBundling: (input, output) => ['echo "after $(ls ' + output + ')" >> "$HOOK_LOG"'],
      },
    },
  });
}
app.synth();
`;

interface Synth {
  status: number;
  stderr: string;
  outdir: string;
  template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  /** Logical id prefix (X86, Arm, Custom, Deps) → the asset's hash and path. */
  assets: Record<string, { hash: string; path: string; packaging: string }>;
}

let server: RunningIndexServer;
let appDir: string;
let project: string;
let dockerLog: string;
let binDir: string;
let cacheDir: string;
let pure: MadeWheel;
let native: MadeWheel[];
let cold: Synth;
let warm: Synth;

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env });
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

/** The synth's environment: no proxies, the failing docker first on PATH, and `extra`. */
function synthEnv(outdir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "SOURCE_DATE_EPOCH",
  ])
    delete env[k];
  return {
    ...env,
    PATH: `${binDir}:${process.env.PATH}`,
    DOCKER_LOG: dockerLog,
    HOOK_LOG: join(outdir, "..", "hooks.log"),
    CDK_OUTDIR: outdir,
    ENTRY: project,
    CACHE_DIR: cacheDir,
    INDEX_URL: server.url,
    // CDK's own CloudFormation validation (WebAssembly, several seconds a synth here): not what is tested.
    CDK_VALIDATION: "false",
    ...extra,
  };
}

async function synth(extra: NodeJS.ProcessEnv = {}): Promise<Synth> {
  const outdir = join(tempDir("tspack-cdk-out-"), "cdk.out");
  const r = await run(process.execPath, ["app.js"], appDir, synthEnv(outdir, extra));
  const result: Synth = { status: r.status, stderr: r.stderr, outdir, template: { Resources: {} }, assets: {} };
  if (r.status !== 0) return result;
  result.template = JSON.parse(readFileSync(join(outdir, "PyStack.template.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(join(outdir, "PyStack.assets.json"), "utf8")) as {
    files: Record<string, { source: { path: string; packaging: string } }>;
  };
  for (const [id, res] of Object.entries(result.template.Resources)) {
    const code = (res.Properties.Code ?? res.Properties.Content) as { S3Key?: string } | undefined;
    if (!code?.S3Key) continue;
    const hash = code.S3Key.replace(/\.zip$/, "");
    const source = manifest.files[hash]!.source;
    result.assets[id.replace(/[0-9A-F]{8}$/, "")] = {
      hash,
      path: join(outdir, source.path),
      packaging: source.packaging,
    };
  }
  return result;
}

function zipNames(path: string): string[] {
  return Object.keys(unzipSync(readFileSync(path))).sort();
}

function treeNames(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((n) =>
      statSync(join(dir, n)).isDirectory() ? treeNames(join(dir, n), base) : [relative(base, join(dir, n))],
    )
    .sort();
}

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  requireBuiltCli();
  // The package as npm would install it: the packed tarball, unpacked into node_modules/tspack.
  const packDir = tempDir("tspack-cdk-pack-");
  const pack = await run("npm", ["pack", "--pack-destination", packDir, "--json"], PKG_DIR);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  appDir = tempDir("tspack-cdk-app-");
  mkdirSync(join(appDir, "node_modules"));
  const untar = spawnSync("tar", ["-xzf", join(packDir, info!.filename), "-C", packDir], { encoding: "utf8" });
  expect(untar.status, untar.stderr).toBe(0);
  renameSync(join(packDir, "package"), join(appDir, "node_modules", "tspack"));
  for (const peer of ["aws-cdk-lib", "constructs"])
    symlinkSync(realpathSync(join(PKG_DIR, "node_modules", peer)), join(appDir, "node_modules", peer), "dir");
  writeFileSync(join(appDir, "package.json"), '{ "name": "cdk-app", "private": true }\n');
  writeFileSync(join(appDir, "app.js"), APP_JS);
  // A docker that records its arguments and fails.
  binDir = tempDir("tspack-cdk-bin-");
  dockerLog = join(binDir, "docker-calls.log");
  writeFileSync(join(binDir, "docker"), '#!/bin/sh\necho "docker $*" >> "$DOCKER_LOG"\nexit 1\n', { mode: 0o755 });

  pure = stableWheel("greet", "1.0.0", { "greet/__init__.py": "def hello():\n    return 'hi'\n" });
  native = nativeWheels();
  project = tempDir("tspack-cdk-project-");
  writeTree(project, {
    "pyproject.toml": pyprojectText(
      "cdk-app",
      ["fastmath", "greet"],
      '\n[tool.tspack]\nhandler = "app.main.handler"\narch = "arm64"\nlayout = "layer"\n',
    ),
    "uv.lock": lock(pure, native),
    "app/__init__.py": "",
    "app/main.py": "import fastmath\nimport greet\n\n\ndef handler(event, context):\n    return greet.hello()\n",
    "app/local_settings.py": "SECRET = 'not for Lambda'\n",
  });
  server = await startIndexServer({ files: serverFiles([pure, ...native]) });
  cacheDir = tempDir("tspack-cdk-cache-");
  cold = await synth();
  warm = await synth({ SOURCE_DATE_EPOCH: "1700000000" });
}, 300_000);

afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("tspack/cdk in a CDK app (packed tarball, no Docker)", () => {
  it("synthesizes TspackFunction (x86_64, arm64), tspackCode and TspackLayer", () => {
    expect(cold.status, cold.stderr).toBe(0);
    const fns = Object.entries(cold.template.Resources)
      .filter(([, r]) => r.Type === "AWS::Lambda::Function")
      .map(([id, r]) => [
        id.replace(/[0-9A-F]{8}$/, ""),
        r.Properties.Handler,
        r.Properties.Runtime,
        r.Properties.Architectures,
      ]);
    expect(fns.sort()).toEqual([
      ["Arm", "app.main.handler", "python3.13", ["arm64"]],
      ["Custom", "app.main.handler", "python3.13", ["arm64"]],
      ["Hooked", "app.main.handler", "python3.13", ["x86_64"]],
      ["X86", "app.main.handler", "python3.13", ["x86_64"]],
    ]);
    const layer = Object.values(cold.template.Resources).find((r) => r.Type === "AWS::Lambda::LayerVersion")!;
    expect(layer.Properties.CompatibleRuntimes).toEqual(["python3.13"]);
    expect(layer.Properties.CompatibleArchitectures).toEqual(["arm64"]);
    expect(Object.keys(cold.assets).sort()).toEqual(["Arm", "Custom", "Deps", "Hooked", "X86"]);
  });

  it("each asset holds the app and the dependencies of its own architecture only", () => {
    const own = (arch: string) => [
      "app/__init__.py",
      "app/local_settings.py",
      "app/main.py",
      "fastmath/__init__.py",
      `fastmath/_native.cpython-313-${arch}-linux-gnu.so`,
      "greet/__init__.py",
    ];
    const code = (names: string[]) => names.filter((n) => !n.includes(".dist-info/"));
    expect(cold.assets.X86!.packaging).toBe("file");
    expect(code(zipNames(cold.assets.X86!.path))).toEqual(own("x86_64"));
    expect(code(zipNames(cold.assets.Arm!.path))).toEqual(own("aarch64"));
    // bundleAs "directory": the unzipped tree, which CDK zips itself.
    expect(cold.assets.Custom!.packaging).toBe("zip");
    expect(code(treeNames(cold.assets.Custom!.path))).toEqual(own("aarch64"));
    const arm = unzipSync(readFileSync(cold.assets.Arm!.path));
    expect(new TextDecoder().decode(arm["fastmath/_native.cpython-313-aarch64-linux-gnu.so"])).toBe(
      "ELF for aarch64\n",
    );
  });

  it("the layer holds the dependencies under python/lib/python3.13/site-packages", () => {
    const names = zipNames(cold.assets.Deps!.path);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !n.startsWith("python/lib/python3.13/site-packages/"))).toEqual([]);
    expect(names).toContain("python/lib/python3.13/site-packages/fastmath/_native.cpython-313-aarch64-linux-gnu.so");
    expect(names.some((n) => n.includes("x86_64"))).toBe(false);
    expect(names.some((n) => n.includes("/app/"))).toBe(false);
  });

  it("a zip asset is tspack's zip byte for byte (the deployed CodeSha256 is tspack's)", async () => {
    const out = join(tempDir("tspack-cdk-direct-"), "out");
    const r = await runCliAsync(
      [
        "build",
        project,
        "--runtime",
        "python3.13",
        "--arch",
        "arm64",
        "--layout",
        "zip",
        "--out",
        out,
        "--cache-dir",
        cacheDir,
        "--mirror",
        `${FAKE_HOST}=${server.url}/`,
        "--json",
      ],
      { env: { SOURCE_DATE_EPOCH: undefined } },
    );
    expect(r.status, r.stderr).toBe(0);
    const fn = (JSON.parse(r.stdout) as { artifacts: Array<{ kind: string; sha256: string }> }).artifacts.find(
      (a) => a.kind === "function",
    )!;
    expect(sha256(cold.assets.Arm!.path)).toBe(fn.sha256);
  });

  it("asset hashes are the same with a cold or warm cache and an ambient SOURCE_DATE_EPOCH", async () => {
    expect(warm.status, warm.stderr).toBe(0);
    expect(warm.assets).not.toEqual({});
    const hashes = (s: Synth) => Object.fromEntries(Object.entries(s.assets).map(([k, v]) => [k, v.hash]));
    expect(hashes(warm)).toEqual(hashes(cold));
    expect(new Set(Object.values(hashes(cold))).size).toBe(5);
    // The ambient variable would have changed the bytes: the CLI itself honours it.
    const out = join(tempDir("tspack-cdk-sde-"), "out");
    const r = await runCliAsync(
      [
        "build",
        project,
        "--runtime",
        "python3.13",
        "--arch",
        "arm64",
        "--layout",
        "zip",
        "--out",
        out,
        "--cache-dir",
        cacheDir,
        "--offline",
        "--json",
      ],
      { env: { SOURCE_DATE_EPOCH: "1700000000" } },
    );
    expect(r.status, r.stderr).toBe(0);
    const fn = (JSON.parse(r.stdout) as { artifacts: Array<{ kind: string; sha256: string }> }).artifacts.find(
      (a) => a.kind === "function",
    )!;
    expect(fn.sha256).not.toBe(sha256(cold.assets.Arm!.path));
  });

  it("commandHooks run around tspack with the props' environment; assetExcludes and sourceDateEpoch shape the zip", async () => {
    const log = readFileSync(join(cold.outdir, "..", "hooks.log"), "utf8");
    expect(log).toBe(`before hello ${project.split("/").pop()}\nafter function.zip\n`);
    const names = zipNames(cold.assets.Hooked!.path);
    expect(names).toContain("app/main.py");
    expect(names).not.toContain("app/local_settings.py");
    // The same zip as `tspack build --exclude … ` with SOURCE_DATE_EPOCH set.
    const out = join(tempDir("tspack-cdk-hooked-"), "out");
    const r = await runCliAsync(
      [
        "build",
        project,
        "--runtime",
        "python3.13",
        "--arch",
        "x86_64",
        "--layout",
        "zip",
        "--exclude",
        "app/local_settings.py",
        "--out",
        out,
        "--cache-dir",
        cacheDir,
        "--offline",
        "--json",
      ],
      { env: { SOURCE_DATE_EPOCH: "1700000000" } },
    );
    expect(r.status, r.stderr).toBe(0);
    const fn = (JSON.parse(r.stdout) as { artifacts: Array<{ kind: string; sha256: string }> }).artifacts.find(
      (a) => a.kind === "function",
    )!;
    expect(sha256(cold.assets.Hooked!.path)).toBe(fn.sha256);
    // In the warm synth, the ambient SOURCE_DATE_EPOCH was ignored and the props' one used: same bytes.
    expect(warm.assets.Hooked!.hash).toBe(cold.assets.Hooked!.hash);
  });

  it("docker was never called", () => {
    expect(existsSync(dockerLog) ? readFileSync(dockerLog, "utf8") : "").toBe("");
  });

  it("tspack's errors are synth errors with tspack's code, message and hint", async () => {
    const broken = tempDir("tspack-cdk-broken-");
    const win = makeWheel({ name: "winonly", version: "1.0.0", tags: "cp313-cp313-win_amd64" });
    writeTree(broken, {
      "pyproject.toml": pyprojectText(
        "cdk-app",
        ["fastmath", "greet", "winonly"],
        '\n[tool.tspack]\nhandler = "app.main.handler"\n',
      ),
      "uv.lock": lock(pure, native, [win]),
      "app/main.py": "def handler(event, context):\n    return 1\n",
    });
    const r = await synth({ APP_CASE: "broken", ENTRY: broken });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("error[TSPACK_NO_COMPATIBLE_WHEEL]");
    expect(r.stderr).toMatch(/winonly==1\.0\.0/);
    expect(r.stderr).toMatch(/\n\s+hint: Choose a target/);
  });

  it("a change to uv.lock changes the asset hashes", async () => {
    const extra = stableWheel("extra-pkg", "1.0.0", { "extra_pkg/__init__.py": "X = 1\n" });
    server.addFile(`/files/${extra.filename}`, extra.bytes);
    writeFileSync(join(project, "uv.lock"), lock(pure, native, [extra]));
    const changed = await synth();
    expect(changed.status, changed.stderr).toBe(0);
    for (const id of ["X86", "Arm", "Custom", "Deps"])
      expect(changed.assets[id]!.hash, id).not.toBe(cold.assets[id]!.hash);
    expect(zipNames(changed.assets.X86!.path)).toContain("extra_pkg/__init__.py");
    expect(existsSync(dockerLog) ? readFileSync(dockerLog, "utf8") : "").toBe("");
  });

  it("`import` and `require` of tspack/cdk give the same classes", async () => {
    const r = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { createRequire } from "node:module"; import * as esm from "tspack/cdk"; const cjs = createRequire(process.cwd() + "/app.js")("tspack/cdk"); console.log(Object.keys(esm).sort().join(","), esm.TspackFunction === cjs.TspackFunction);',
      ],
      appDir,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("TspackFunction,TspackLayer,tspackCode true\n");
  });
});
