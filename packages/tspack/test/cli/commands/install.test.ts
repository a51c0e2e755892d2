import { existsSync } from "node:fs";
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
