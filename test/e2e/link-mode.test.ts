/**
 * The built CLI's link modes (issue 13, item 4): `tspack install` copies out of the unpacked cache by
 * default, so editing an installed file changes nothing else; `--link-mode hardlink` shares the
 * cache's files, and `tspack cache verify` names a file edited through such an install.
 */
import { lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  type DemoProject,
  demoProject,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const CLEAN_ENV = { TSPACK_CACHE_DIR: undefined, TSPACK_LINK_MODE: undefined, UV_LINK_MODE: undefined };
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliAsync(args, { env: { ...CLEAN_ENV, ...env } });

let server: RunningIndexServer;
let demo: DemoProject;
let demoDir: string;

beforeAll(async () => {
  requireBuiltCli();
  demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  demoDir = tempDir("tspack-linkmode-demo-");
  writeTree(demoDir, demo.files);
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

/** Inodes of every file under `root`. */
function inodesUnder(root: string): Set<number> {
  const out = new Set<number>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const st = lstatSync(join(dir, name));
      if (st.isDirectory()) walk(join(dir, name));
      else out.add(st.ino);
    }
  };
  walk(root);
  return out;
}

describe("tspack install --link-mode and cache verify (built CLI)", () => {
  it("copies by default; a hard-linked install's edit reaches the cache and verify names the file and wheel", async () => {
    const box = tempDir("tspack-linkmode-");
    const cache = join(box, "cache");
    const install = (target: string, ...more: string[]) =>
      cli(["install", demoDir, "--target", join(box, target), "--cache-dir", cache, ...more]);
    const first = await install("default", "--mirror", mirrorArg(server.url));
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/ in .+ \[(copy|clone)\]\n/);
    const core = (t: string) => join(box, t, "alpha", "core.py");
    const original = readFileSync(core("default"), "utf8");
    expect(inodesUnder(join(cache, "unpacked-v2")).has(statSync(core("default")).ino)).toBe(false);

    // Editing the default install changes nothing else: the cache verifies, the next install is the original.
    writeFileSync(core("default"), "VALUE = 0\n", { flag: "r+" });
    expect((await cli(["cache", "verify", "--cache-dir", cache, "-q"])).status).toBe(0);
    expect((await install("second", "--offline", "-q")).status).toBe(0);
    expect(readFileSync(core("second"), "utf8")).toBe(original);

    // A hard-linked install shares the cache's file: the edit lands in the cache.
    const linked = await install("linked", "--offline", "--link-mode", "hardlink");
    expect(linked.stderr).toMatch(/ \[hardlink\]\n/);
    expect(inodesUnder(join(cache, "unpacked-v2")).has(statSync(core("linked")).ino)).toBe(true);
    writeFileSync(core("linked"), "VALUE = 0\n", { flag: "r+" });
    const bad = await cli(["cache", "verify", "--cache-dir", cache]);
    expect(bad.status).toBe(1);
    const alpha = demo.wheels[0]!;
    expect(bad.stdout).toMatch(
      new RegExp(
        `^Verified 3 entries and 3 unpacked wheels \\(\\d+ files\\) \\(.+\\) in .+: 1 bad, removed:\\n  unpacked-v2/${alpha.sha256.slice(0, 2)}/${alpha.sha256}/\\d+/\\d+: "alpha/core.py" of ${alpha.filename} changed: expected crc32 [0-9a-f]{8}, ${Buffer.byteLength(original)} bytes, mode 644, found crc32 [0-9a-f]{8}, ${Buffer.byteLength(original)} bytes, mode 644\\nThe next install extracts the removed unpacked wheels again.\\n$`,
      ),
    );
    const json = JSON.parse((await cli(["cache", "verify", "--cache-dir", cache, "--json"])).stdout);
    expect(json).toMatchObject({ checked: 3, unpacked: 2, bad: [] });

    // Re-extracted from the verified .whl: the original bytes again.
    expect((await install("third", "--offline", "-q")).status).toBe(0);
    expect(readFileSync(core("third"), "utf8")).toBe(original);
  });

  it("refuses --link-mode symlink (exit 2) and reads UV_LINK_MODE", async () => {
    const box = tempDir("tspack-linkmode-");
    const r = await cli(["install", demoDir, "--target", join(box, "t"), "--link-mode", "symlink"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^error\[TSPACK_USAGE\]: The link mode "symlink" \(--link-mode\) is not supported by tspack: /,
    );
    const cache = join(box, "cache");
    const uv = await cli(
      ["install", demoDir, "--target", join(box, "uv"), "--cache-dir", cache, "--mirror", mirrorArg(server.url)],
      { UV_LINK_MODE: "hardlink" },
    );
    expect(uv.stderr).toMatch(/ \[hardlink\]\n/);
  });
});
