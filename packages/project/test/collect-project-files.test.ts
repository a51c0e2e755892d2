import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { collectProjectFiles } from "../src/collect-project-files.js";
import { makeTree } from "./_tree.js";

const project = {
  "pyproject.toml": '[project]\nname = "x"\n',
  "uv.lock": "version = 1\n",
  "README.md": "# x\n",
  "lambda_function.py": "def lambda_handler(e, c): pass\n",
  "manage.py": "#!x #!/usr/bin/env python\n",
  "setup.py": "",
  "conftest.py": "",
  "test_app.py": "",
  "app_test.py": "",
  "app/__init__.py": "",
  "app/main.py": "handler = None\n",
  "app/templates/index.html": "<p>hi</p>\n",
  "app/__pycache__/main.cpython-313.pyc": "",
  "app/old.pyc": "",
  "app/.DS_Store": "",
  "app/static/.DS_Store": "",
  "app/build/keep.py": "", // only top-level build/ is excluded
  "lib/__init__.py": "",
  "lib/util.py": "",
  "notes/todo.txt": "", // not a package: not collected by default
  "nspkg/mod.py": "", // no __init__.py: not collected by default
  "tests/__init__.py": "",
  "tests/test_main.py": "",
  "test/__init__.py": "",
  "build/__init__.py": "",
  "dist/__init__.py": "",
  ".venv/__init__.py": "",
  ".venv/lib/site.py": "",
  "venv/__init__.py": "",
  "node_modules/__init__.py": "",
  ".git/__init__.py": "",
  "library/__init__.py": "", // a workspace member: has its own pyproject.toml
  "library/pyproject.toml": '[project]\nname = "library"\n',
  "out/__init__.py": "",
};

describe("collectProjectFiles", () => {
  it("collects package directories and top-level modules by default, sorted, with modes", async () => {
    const dir = makeTree(project);
    const files = await collectProjectFiles(dir, { out: "out" });
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ["app/__init__.py", "644"],
      ["app/build/keep.py", "644"],
      ["app/main.py", "644"],
      ["app/templates/index.html", "644"],
      ["lambda_function.py", "644"],
      ["lib/__init__.py", "644"],
      ["lib/util.py", "644"],
      ["manage.py", "755"],
    ]);
    expect(files[0]?.abs).toBe(join(dir, "app/__init__.py"));
  });

  it("applies exclude globs after the default selection", async () => {
    const dir = makeTree(project);
    const files = await collectProjectFiles(dir, { exclude: ["templates/", "manage.py", "/lib/util.py"], out: "out" });
    expect(files.map((f) => f.path)).toEqual([
      "app/__init__.py",
      "app/build/keep.py",
      "app/main.py",
      "lambda_function.py",
      "lib/__init__.py",
    ]);
  });

  it("replaces the default selection with include globs, still never taking caches, venvs or dist/", async () => {
    const dir = makeTree(project);
    const files = await collectProjectFiles(dir, {
      include: ["app", "nspkg/**/*.py", "notes/", "*.md", "dist", ".venv"],
      exclude: ["**/templates/**"],
    });
    expect(files.map((f) => f.path)).toEqual([
      "README.md",
      "app/__init__.py",
      "app/build/keep.py",
      "app/main.py",
      "notes/todo.txt",
      "nspkg/mod.py",
    ]);
  });

  it("skips the out directory even when include would take it", async () => {
    const dir = makeTree({ "app/__init__.py": "", "artifacts/app/x.py": "" });
    const files = await collectProjectFiles(dir, { include: ["**/*.py"], out: "artifacts" });
    expect(files.map((f) => f.path)).toEqual(["app/__init__.py"]);
  });

  it("follows symlinks to files and directories, once", async () => {
    const dir = makeTree({ "app/__init__.py": "", "shared/util.py": "x = 1\n" });
    symlinkSync(join(dir, "shared"), join(dir, "app", "shared"));
    symlinkSync(join(dir, "app"), join(dir, "app", "loop"));
    symlinkSync(join(dir, "missing"), join(dir, "app", "dangling.py"));
    const files = await collectProjectFiles(dir);
    expect(files.map((f) => f.path)).toEqual(["app/__init__.py", "app/shared/util.py"]);
  });

  it("collects the FastAPI example's app/", async () => {
    const dir = fileURLToPath(new URL("../../../examples/fastapi-lambda/", import.meta.url));
    const files = await collectProjectFiles(dir);
    expect(files.map((f) => f.path)).toEqual(["app/__init__.py", "app/main.py"]);
  });

  it("returns nothing for a project without code", async () => {
    expect(await collectProjectFiles(makeTree({ "pyproject.toml": "" }))).toEqual([]);
  });
});
