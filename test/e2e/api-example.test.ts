/**
 * docs/examples/deploy.ts, the library example of docs/api.md, run against the generated demo project on
 * the loopback index: it must build the same golden function.zip as the CLI and report its CodeSha256.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../docs/examples/deploy.js";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  demoProject,
  FAKE_HOST,
  REPO_ROOT,
  serverFiles,
  sha256File,
  tempDir,
  writeTree,
} from "./helpers/project.js";

/** Pinned in determinism.test.ts: the demo's function.zip. */
const GOLDEN = {
  sha256: "585e324d9900c7b1ddd4ec9cb22d53a2f9c25ad8d4df6a5ae1539d43eb5613dc",
  codeSha256: "WF4yTZkAx7Hd1Oycsi1TovnCWtjU32pa4VOdQ+tWE9w=",
};
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const STRIPS_TYPES = major > 22 || (major === 22 && minor >= 6);

let server: RunningIndexServer;
let projectDir: string;
let cacheDir: string;

beforeAll(async () => {
  const demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  projectDir = tempDir("tspack-api-");
  writeTree(projectDir, demo.files);
  cacheDir = tempDir("tspack-api-cache-");
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("docs/examples/deploy.ts", () => {
  it("builds function.zip and returns its CodeSha256 (the golden bytes the CLI writes)", async () => {
    const lines: string[] = [];
    const r = await main({
      projectDir,
      cacheDir,
      mirror: { from: FAKE_HOST, to: `${server.url}/` },
      log: (l) => lines.push(l),
    });
    expect(r).toEqual({
      zipPath: join(projectDir, "dist", "lambda", "function.zip"),
      codeSha256: GOLDEN.codeSha256,
      sha256: GOLDEN.sha256,
      bytes: expect.any(Number),
      runtime: "python3.13",
      architecture: "x86_64",
      changed: true,
    });
    expect(sha256File(r.zipPath)).toBe(GOLDEN.sha256);
    expect(lines).toEqual([
      `built ${r.zipPath} for cp313 x86_64 manylinux_2_34: ${r.bytes} bytes, CodeSha256 ${GOLDEN.codeSha256}`,
    ]);
    expect(server.totalRequests()).toBe(3);
  });

  it("an unchanged project against the deployed CodeSha256: changed=false, no downloads", async () => {
    const before = server.totalRequests();
    const r = await main({ projectDir, cacheDir, deployedCodeSha256: GOLDEN.codeSha256 });
    expect(r.changed).toBe(false);
    expect(r.codeSha256).toBe(GOLDEN.codeSha256);
    expect(server.totalRequests()).toBe(before);
  });

  it.skipIf(!STRIPS_TYPES)(
    `runs as a script with node --experimental-strip-types${STRIPS_TYPES ? "" : ` — skipped: Node ${process.versions.node} cannot strip types (needs ≥ 22.6)`}`,
    () => {
      // The installed `tspack` (node_modules/tspack → packages/tspack, the built bundle); the cache is warm.
      expect(existsSync(join(REPO_ROOT, "packages", "tspack", "dist", "index.js"))).toBe(true);
      const r = spawnSync(
        process.execPath,
        ["--experimental-strip-types", join(REPO_ROOT, "docs", "examples", "deploy.ts"), projectDir, "unknown"],
        { encoding: "utf8", env: { ...process.env, TSPACK_CACHE_DIR: cacheDir } },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        `upload ${join(projectDir, "dist", "lambda", "function.zip")} (CodeSha256 ${GOLDEN.codeSha256})\n`,
      );
    },
  );
});
