/**
 * The published package works outside the workspace: `npm pack` of packages/tspack, `npm install` of
 * the tarball into an empty folder (plain npm, registry for the five runtime dependencies), then the
 * `tspack` bin, the library import, and a real build with the installed copy (same golden bytes).
 * Skipped with a reason only when npm cannot reach the registry.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  demoProject,
  mirrorArg,
  REPO_ROOT,
  requireBuiltCli,
  serverFiles,
  sha256File,
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
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "INIT_CWD") env[k] = v;
  return { ...env, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false" };
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: plainEnv(), timeout: timeoutMs });
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
  // Only bin/, dist/ and package.json (+ README/LICENSE when present): no sources, tests or tsbuildinfo.
  expect(paths.filter((p) => !/^(bin\/|dist\/|package\.json$|README|LICENSE)/.test(p))).toEqual([]);
  expect(paths).toEqual(
    expect.arrayContaining([
      "bin/tspack.js",
      "bin/package.json",
      "dist/cli.cjs",
      "dist/undici.cjs",
      "dist/index.js",
      "dist/index.d.ts",
    ]),
  );

  installDir = tempDir("tspack-npm-empty-");
  expect(readdirSync(installDir)).toEqual([]);
  const install = await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", installDir, tarball],
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
  it("installs tspack with only its declared runtime dependencies", (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const pkg = JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8"));
    const installed = readdirSync(join(installDir, "node_modules")).filter((n) => !n.startsWith("."));
    for (const dep of Object.keys(pkg.dependencies)) {
      const top = dep.startsWith("@") ? dep.split("/")[0]! : dep;
      expect(installed).toContain(top);
    }
    expect(installed.filter((n) => n.startsWith("@tspack"))).toEqual([]);
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

  it("the installed copy builds the demo project to the same golden bytes", async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const demo = demoProject();
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const dir = tempDir("tspack-npm-demo-");
      writeTree(dir, demo.files);
      const bin = join(installDir, "node_modules", "tspack", "bin", "tspack.js");
      const r = await run(
        process.execPath,
        [bin, "build", dir, "--cache-dir", tempDir("tspack-npm-cache-"), "--mirror", mirrorArg(server.url), "-q"],
        installDir,
        60_000,
      );
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(sha256File(join(dir, "dist", "lambda", "function.zip"))).toBe(DEMO_ZIP_SHA256);
    } finally {
      await server.close();
    }
  });
});
