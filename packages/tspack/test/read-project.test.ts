import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverProject, findWorkspaceRoot, projectPaths } from "../src/read-project.js";
import { removeTemps, tempDir, writeFiles } from "./fixtures/local-project.js";

afterAll(removeTemps);

const member = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\n`;

describe("project discovery like uv", () => {
  const root = tempDir();
  writeFiles(root, {
    "pyproject.toml": `${member("root")}\n[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skip"]\n`,
    "uv.lock": "version = 1\n",
    "packages/a/pyproject.toml": member("a"),
    "packages/skip/pyproject.toml": member("skip"),
    "packages/skip/uv.lock": "version = 1\n",
  });
  mkdirSync(join(root, "app", "util"), { recursive: true });
  mkdirSync(join(root, "packages", "a", "src", "a"), { recursive: true });

  it("the nearest pyproject.toml is the project; the workspace that lists it is the root (exclude honoured)", () => {
    expect(discoverProject(join(root, "app", "util"))).toEqual({ projectDir: root, lockPath: join(root, "uv.lock") });
    expect(discoverProject(join(root, "packages", "a", "src", "a"))).toEqual({
      projectDir: join(root, "packages", "a"),
      lockPath: join(root, "uv.lock"),
    });
    expect(findWorkspaceRoot(join(root, "packages", "skip"))).toBe(join(root, "packages", "skip"));
    // The library's projectPaths finds a member's lock at the root too.
    expect(projectPaths({ projectDir: join(root, "packages", "a") }).lockPath).toBe(join(root, "uv.lock"));
  });

  it("no pyproject.toml above, no uv.lock at the root, or no folder: errors naming the folder and the fix", () => {
    const empty = tempDir();
    expect(() => discoverProject(empty)).toThrowError(`No pyproject.toml found in "${empty}" or any folder above it`);
    // With --lock, a bare lock is allowed (the lock's root project is used).
    expect(discoverProject(empty, { lockPath: join(empty, "uv.lock") }).projectDir).toBe(empty);
    const lone = tempDir();
    writeFiles(lone, { "pyproject.toml": member("lone") });
    expect(() => discoverProject(lone)).toThrowError(
      expect.objectContaining({ code: "TSPACK_FILE_NOT_FOUND", hint: expect.stringContaining("`uv lock`") }),
    );
    expect(() => discoverProject(join(lone, "nope"))).toThrowError(/does not exist/);
  });
});
