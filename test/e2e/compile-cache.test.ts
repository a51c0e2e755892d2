/**
 * bin/tspack.js runs the CLI bundle through a V8 code cache (one file per command and bundle build).
 * The cache must only ever make runs faster: a first run writes it, later runs use it, and a corrupt,
 * foreign or disabled cache still gives the same output.
 */
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  CLI_BUNDLE,
  cleanupTemps,
  demoProject,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  sha256File,
  tempDir,
  writeTree,
} from "./helpers/project.js";

let server: RunningIndexServer;
let project: string;
let cacheDir: string;

beforeAll(async () => {
  requireBuiltCli();
  const demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  project = tempDir("tspack-cc-project-");
  writeTree(project, demo.files);
  cacheDir = tempDir("tspack-cc-cache-");
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

async function buildWith(env: Record<string, string | undefined>): Promise<string> {
  const out = tempDir("tspack-cc-out-");
  const r = await runCliAsync(
    ["build", project, "--out", join(out, "lambda"), "--cache-dir", cacheDir, "--mirror", mirrorArg(server.url), "-q"],
    { env },
  );
  expect([r.status, r.stderr]).toEqual([0, ""]);
  return sha256File(join(out, "lambda", "function.zip"));
}

const bundleHash = () => /^\/\/ tspack-bundle ([0-9a-f]{64})\n/.exec(readFileSync(CLI_BUNDLE, "utf8"))![1]!;

describe("the CLI's code cache", () => {
  it("is written by the first successful run of a command, used by the next, and survives corruption", async () => {
    const dir = tempDir("tspack-cc-");
    const env = { TSPACK_COMPILE_CACHE_DIR: dir, TSPACK_NO_COMPILE_CACHE: undefined };
    const first = await buildWith(env);
    const name = `${process.version}-${process.arch}-${bundleHash().slice(0, 16)}-build.bin`;
    // The first build downloads: undici's bundle got its own cache too.
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    expect(files).toEqual(expect.arrayContaining([name, expect.stringMatching(/-undici\.bin$/)]));
    const size = statSync(join(dir, name)).size;
    expect(size).toBeGreaterThan(10_000);

    expect(await buildWith(env)).toBe(first);
    writeFileSync(join(dir, name), "not V8 code cache data");
    expect(await buildWith(env)).toBe(first);
    // Rejected data is replaced by good data.
    expect(statSync(join(dir, name)).size).toBeGreaterThan(10_000);

    // A cache of another build of the bundle is removed when this build saves its own.
    const stale = `${process.version}-${process.arch}-0000000000000000-build.bin`;
    writeFileSync(join(dir, stale), "old");
    writeFileSync(join(dir, name), "corrupt again");
    expect(await buildWith(env)).toBe(first);
    expect(readdirSync(dir)).not.toContain(stale);
  });

  it("TSPACK_NO_COMPILE_CACHE=1 writes nothing and builds the same bytes", async () => {
    const dir = tempDir("tspack-cc-off-");
    const on = await buildWith({ TSPACK_COMPILE_CACHE_DIR: dir, TSPACK_NO_COMPILE_CACHE: undefined });
    const off = tempDir("tspack-cc-off2-");
    expect(await buildWith({ TSPACK_COMPILE_CACHE_DIR: off, TSPACK_NO_COMPILE_CACHE: "1" })).toBe(on);
    expect(readdirSync(off)).toEqual([]);
  });

  it("a cache folder that other users can write to is never used (V8 trusts code cache data)", async () => {
    const dir = tempDir("tspack-cc-shared-");
    chmodSync(dir, 0o777);
    await buildWith({ TSPACK_COMPILE_CACHE_DIR: dir, TSPACK_NO_COMPILE_CACHE: undefined });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a failing run saves no cache", async () => {
    const dir = tempDir("tspack-cc-fail-");
    const r = await runCliAsync(["plan", join(project, "missing")], { env: { TSPACK_COMPILE_CACHE_DIR: dir } });
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
