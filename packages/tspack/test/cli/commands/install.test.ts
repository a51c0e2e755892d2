import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args.js";
import { runInstall } from "../../../src/cli/commands/install.js";
import type { CommandContext } from "../../../src/cli/context.js";
import type { Output } from "../../../src/cli/output.js";
import { removeTemps, tempDir, virtualAppProject } from "../../fixtures/local-project.js";

afterAll(removeTemps);

function ctx(argv: string[], cwd: string, env: Record<string, string> = {}): CommandContext {
  const parsed = parseArgs(["install", ...argv, "-q"]);
  if (parsed.kind !== "command") throw new Error("expected a command");
  const output: Output = {
    json: false,
    quiet: true,
    verbose: false,
    isTTY: false,
    out: () => {},
    err: () => {},
    outVerbatim: () => {},
  };
  return {
    argv,
    flags: parsed.flags,
    positionals: parsed.positionals,
    output,
    signal: new AbortController().signal,
    env,
    cwd,
  };
}

describe("tspack install: relative paths are relative to the current folder, like uv pip install", () => {
  it.each(["--target", "--prefix"])(
    "PROJECT_DIR %s pkgs installs into <cwd>/pkgs, not <PROJECT_DIR>/pkgs",
    async (flag) => {
      const { dir, cacheDir } = virtualAppProject();
      const cwd = tempDir();
      await runInstall(ctx([dir, flag, "pkgs", "--cache-dir", cacheDir], cwd));
      const site = flag === "--target" ? "" : "lib/python3.13/site-packages/";
      expect(existsSync(join(cwd, "pkgs", ...`${site}idna/__init__.py`.split("/")))).toBe(true);
      expect(existsSync(join(dir, "pkgs"))).toBe(false);
    },
  );

  it("--lock is relative to the current folder too", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = join(dir, "..");
    await runInstall(ctx([dir, "--lock", "project/uv.lock", "--target", "t", "--cache-dir", cacheDir], cwd));
    expect(existsSync(join(cwd, "t", "idna", "__init__.py"))).toBe(true);
  });

  it("-r: a missing requirements file names the file first, then the reason", async () => {
    const cwd = tempDir();
    await expect(runInstall(ctx(["-r", "req.txt", "--target", "t"], cwd))).rejects.toMatchObject({
      code: "TSPACK_FILE_NOT_FOUND",
      message: `The requirements file "${join(cwd, "req.txt")}" does not exist`,
      hint: "Write it with `uv export --frozen --no-dev --no-editable -o requirements.txt` (or `tspack export`)",
    });
  });
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

describe("tspack install --link-mode: copies by default, hard links only when asked", () => {
  const installed = (cwd: string, t: string) => join(cwd, t, "idna", "__init__.py");

  it("shares no inode with the cache by default; --link-mode hardlink does", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = tempDir();
    await runInstall(ctx([dir, "--target", "a", "--cache-dir", cacheDir], cwd)); // cold
    await runInstall(ctx([dir, "--target", "b", "--cache-dir", cacheDir], cwd)); // warm
    await runInstall(ctx([dir, "--target", "h", "--cache-dir", cacheDir, "--link-mode", "hardlink"], cwd));
    const cache = inodesUnder(join(cacheDir, "unpacked-v2"));
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.has(statSync(installed(cwd, "a")).ino)).toBe(false);
    expect(cache.has(statSync(installed(cwd, "b")).ino)).toBe(false);
    expect(statSync(installed(cwd, "b")).nlink).toBe(1);
    expect(cache.has(statSync(installed(cwd, "h")).ino)).toBe(true);
    expect(readFileSync(installed(cwd, "h"), "utf8")).toBe(readFileSync(installed(cwd, "a"), "utf8"));
  });

  it("takes the flag, else TSPACK_LINK_MODE, else UV_LINK_MODE", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = tempDir();
    await runInstall(ctx([dir, "--target", "cold", "--cache-dir", cacheDir], cwd));
    const cache = inodesUnder(join(cacheDir, "unpacked-v2"));
    const linked = async (t: string, argv: string[], env: Record<string, string>) => {
      await runInstall(ctx([dir, "--target", t, "--cache-dir", cacheDir, ...argv], cwd, env));
      return cache.has(statSync(installed(cwd, t)).ino);
    };
    expect(await linked("uv", [], { UV_LINK_MODE: "hardlink" })).toBe(true);
    expect(await linked("tspack", [], { TSPACK_LINK_MODE: "copy", UV_LINK_MODE: "hardlink" })).toBe(false);
    expect(await linked("flag", ["--link-mode", "copy"], { TSPACK_LINK_MODE: "hardlink" })).toBe(false);
    expect(await linked("empty", [], { TSPACK_LINK_MODE: "", UV_LINK_MODE: "hardlink" })).toBe(true);
  });

  it("refuses symlink (flag or environment) and unknown modes with a usage error, before installing", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = tempDir();
    await expect(
      runInstall(ctx([dir, "--target", "t", "--cache-dir", cacheDir, "--link-mode", "symlink"], cwd)),
    ).rejects.toMatchObject({
      code: "TSPACK_USAGE",
      message: expect.stringMatching(/^The link mode "symlink" \(--link-mode\) is not supported by tspack: /),
    });
    await expect(
      runInstall(ctx([dir, "--target", "t", "--cache-dir", cacheDir], cwd, { UV_LINK_MODE: "symlink" })),
    ).rejects.toMatchObject({
      code: "TSPACK_USAGE",
      message: expect.stringContaining('"symlink" (UV_LINK_MODE=symlink)'),
    });
    await expect(
      runInstall(ctx([dir, "--target", "t", "--cache-dir", cacheDir], cwd, { TSPACK_LINK_MODE: "fast" })),
    ).rejects.toMatchObject({
      code: "TSPACK_USAGE",
      message: 'The link mode "fast" (TSPACK_LINK_MODE=fast) is not one of clone, copy, hardlink',
    });
    expect(existsSync(join(cwd, "t"))).toBe(false);
    expect(existsSync(cacheDir)).toBe(false);
  });
});
