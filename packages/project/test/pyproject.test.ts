import { readFileSync } from "node:fs";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { parsePyproject } from "../src/pyproject.js";

const realText = readFileSync(
  new URL("../../../test/fixtures/uv-aws-lambda-example/pyproject.toml", import.meta.url),
  "utf8",
);

function errorOf(text: string): { code: string; message: string; hint?: string; details?: unknown } {
  try {
    parsePyproject(text, "pyproject.toml");
  } catch (e) {
    if (isTspackError(e)) return e.toJSON();
    throw e;
  }
  throw new Error("expected an error");
}

describe("parsePyproject", () => {
  it("reads the uv guide's FastAPI example", () => {
    const info = parsePyproject(realText, "pyproject.toml");
    expect(info.name).toBe("uv-aws-lambda-example");
    expect(info.displayName).toBe("uv-aws-lambda-example");
    expect(info.version).toBe("0.1.0");
    expect(info.requiresPython).toBe(">=3.13");
    expect(info.dependencies).toEqual(["fastapi", "mangum"]);
    expect(info.dependencyGroups).toEqual({ dev: ["fastapi[standard]"] });
    expect(info.optionalDependencies).toEqual({});
    expect(info.buildSystem).toBeUndefined();
    expect(info.uv).toEqual({});
    expect(info.tspack).toEqual({});
  });

  it("normalizes names, extras and groups and expands include-group", () => {
    const info = parsePyproject(
      `
[project]
name = "My_Project"
dynamic = ["version"]
dependencies = ["a"]
[project.optional-dependencies]
Fast_Json = ["orjson"]
cli = ["click; python_version >= '3.8'"]
[project.scripts]
tool = "pkg.cli:main"
[project.entry-points."pkg.plugins"]
x = "pkg.x"
[dependency-groups]
Test = ["pytest", { include-group = "lint" }]
lint = ["ruff"]
dev = [{ include-group = "test" }, "ipython"]
`,
      "pyproject.toml",
    );
    expect(info.name).toBe("my-project");
    expect(info.displayName).toBe("My_Project");
    expect(info.version).toBeUndefined();
    expect(info.dynamic).toEqual(["version"]);
    expect(Object.keys(info.optionalDependencies)).toEqual(["cli", "fast-json"]);
    expect(info.dependencyGroups).toEqual({
      dev: ["pytest", "ruff", "ipython"],
      lint: ["ruff"],
      test: ["pytest", "ruff"],
    });
    expect(info.scripts).toEqual({ tool: "pkg.cli:main" });
    expect(info.entryPoints).toEqual({ "pkg.plugins": { x: "pkg.x" } });
  });

  it("reads tool.uv: default-groups, dev-dependencies, workspace, package, sources", () => {
    const info = parsePyproject(
      `
[project]
name = "root"
version = "1"
[dependency-groups]
lint = ["ruff"]
[tool.uv]
dev-dependencies = ["pytest"]
default-groups = ["dev", "Lint"]
package = false
[tool.uv.workspace]
members = ["packages/*"]
exclude = ["packages/skip"]
[tool.uv.sources]
Library = { workspace = true }
torch = [{ index = "cpu", marker = "sys_platform == 'linux'" }]
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
`,
      "pyproject.toml",
    );
    expect(info.uv).toEqual({
      devDependencies: ["pytest"],
      defaultGroups: ["dev", "lint"],
      package: false,
      workspace: { members: ["packages/*"], exclude: ["packages/skip"] },
      sources: { library: { workspace: true }, torch: [{ index: "cpu", marker: "sys_platform == 'linux'" }] },
    });
    expect(info.buildSystem).toEqual({ requires: ["hatchling"], buildBackend: "hatchling.build" });
  });

  it('accepts default-groups = "all" and a project-less workspace root', () => {
    const info = parsePyproject(`[tool.uv]\ndefault-groups = "all"\n[tool.uv.workspace]\nmembers = ["a"]\n`, "p");
    expect(info.name).toBeUndefined();
    expect(info.uv.defaultGroups).toBe("all");
    expect(info.uv.workspace).toEqual({ members: ["a"], exclude: [] });
  });

  it("reports TOML syntax errors with line, column and an excerpt", () => {
    const e = errorOf('[project]\nname = "x"\ndependencies = [\n  "a",\n  b\n]\n');
    expect(e.code).toBe("TSPACK_TOML_SYNTAX");
    expect(e.details).toEqual({ file: "pyproject.toml", line: 5, column: 3 });
    expect(e.message).toMatchInlineSnapshot(`
      "The file "pyproject.toml" is not valid TOML: invalid value at line 5, column 3
      5 |   b
            ^"
    `);
  });

  it.each([
    [
      '[project]\nversion = "1"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `project.name`: the project has no name',
    ],
    [
      '[project]\nname = "-x"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `project.name`: "-x" is not a valid project name',
    ],
    [
      '[project]\nname = "x"\ndependencies = ["a", 3]\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `project.dependencies[1]`: expected a string, found an integer',
    ],
    [
      '[project]\nname = "x"\nversion = "1"\ndynamic = ["version"]\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `project.dynamic`: "version" is both static and dynamic',
    ],
    [
      '[project]\nname = "x"\n[project.entry-points.console_scripts]\na = "b:c"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `project.entry-points.console_scripts`: the group "console_scripts" is not allowed here',
    ],
    [
      '[dependency-groups]\na = [{ include-group = "b" }]\nb = [{ include-group = "a" }]\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `dependency-groups.b[0].include-group`: including "a" makes a cycle: a -> b -> a',
    ],
    [
      '[dependency-groups]\na = [{ include-group = "zz" }]\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `dependency-groups.a[0].include-group`: the group "zz" is not defined',
    ],
    [
      "[dependency-groups]\na = [{ other = 1 }]\n",
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `dependency-groups.a[0]`: expected a requirement string or a table `{ include-group = "name" }`',
    ],
    [
      "[dependency-groups]\nA_b = []\na-B = []\n",
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `dependency-groups.a-B`: the group "a-B" has the same normalized name as "A_b"',
    ],
    [
      '[tool.uv]\ndefault-groups = ["docs"]\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `tool.uv.default-groups[0]`: the default group "docs" is not defined in the project\'s `dependency-groups` table',
    ],
    [
      '[tool.uv]\ndefault-groups = "dev"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `tool.uv.default-groups`: expected an array of group names or "all", found "dev"',
    ],
    [
      '[tool.uv]\npackage = "yes"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `tool.uv.package`: expected a boolean, found a string',
    ],
    [
      '[tool.uv.workspace]\nmembers = "a"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `tool.uv.workspace.members`: expected an array, found a string',
    ],
    [
      "[tool.uv.sources]\na = 1\n",
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `tool.uv.sources.a`: expected a table, found an integer',
    ],
    [
      '[build-system]\nrequires = "x"\n',
      "TSPACK_PYPROJECT_INVALID",
      'The file "pyproject.toml" is invalid at `build-system.requires`: expected an array, found a string',
    ],
  ])("rejects %j", (text, code, message) => {
    const e = errorOf(text);
    expect(e.code).toBe(code);
    // The position (checked below) aside.
    expect((e.message.split("\n")[0] as string).replace(/, line \d+, column \d+,/, "")).toBe(message);
  });

  it("gives the line and column of the value (or of its table when the key is missing) and an excerpt", () => {
    const e = errorOf('[project]\nname = "x"\ndependencies = [\n  "a",\n  3,\n]\n');
    expect(e.message).toMatchInlineSnapshot(`
      "The file "pyproject.toml", line 5, column 3, is invalid at \`project.dependencies[1]\`: expected a string, found an integer
      5 |   3,
            ^"
    `);
    expect(e.details).toEqual({ file: "pyproject.toml", path: "project.dependencies[1]", line: 5, column: 3 });
    expect(errorOf('[project]\nversion = "1"\n').details).toEqual({
      file: "pyproject.toml",
      path: "project.name",
      line: 1,
      column: 1,
    });
  });

  it.each([
    [
      'requires-python = ">=3.12.[X]"',
      "project.requires-python",
      '">=3.12.[X]" is not a valid PEP 440 specifier set: "3.12.[X]" is not a PEP 440 version',
      "TSPACK_VERSION_INVALID",
    ],
    [
      'requires-python = "~=3"',
      "project.requires-python",
      '"~=3" is not a valid PEP 440 specifier set: "~=3" needs at least two release segments',
      "TSPACK_VERSION_INVALID",
    ],
    [
      'dependencies = ["requests >="]',
      "project.dependencies[0]",
      '"requests >=" is not a valid requirement: Expected a version after ">=" (at character 12)',
      "TSPACK_MARKER_SYNTAX",
    ],
    [
      'dependencies = ["a==1.*.2"]',
      "project.dependencies[0]",
      '"a==1.*.2" is not a valid requirement: The version specifier "==1.*.2" is invalid: "1.*.2" is not a PEP 440 version (at character 2)',
      "TSPACK_MARKER_SYNTAX",
    ],
    [
      `dependencies = ["a ; python_versio > '3'"]`,
      "project.dependencies[0]",
      `"a ; python_versio > '3'" is not a valid requirement: Expected a marker variable or quoted string, found the unknown name "python_versio" (at character 5)`,
      "TSPACK_MARKER_SYNTAX",
    ],
    [
      `dependencies = ["a ; ${"(".repeat(5000)}os_name == 'nt'${")".repeat(5000)}"]`,
      "project.dependencies[0]",
      "is not a valid requirement: The marker is nested more than 200 parentheses deep (at character 205)",
      "TSPACK_MARKER_SYNTAX",
    ],
    [
      'optional-dependencies = { aws = ["boto3", "x[y"] }',
      "project.optional-dependencies.aws[1]",
      '"x[y" is not a valid requirement: ',
      "TSPACK_MARKER_SYNTAX",
    ],
  ])("rejects %s with its location", (body, path, reason, code) => {
    const e = errorOf(`[project]\nname = "x"\n${body}\n`);
    expect(e.code).toBe("TSPACK_PYPROJECT_INVALID");
    expect(e.details).toMatchObject({ file: "pyproject.toml", path, line: 3, code });
    expect(e.message.split("\n")[0]).toMatch(
      new RegExp(
        `^The file "pyproject.toml", line 3, column \\d+, is invalid at \`${path.replace(/[[\].]/g, "\\$&")}\`: `,
      ),
    );
    expect(e.message.split("\n")[0]).toContain(reason);
  });

  it("checks dependency groups and tool.uv.dev-dependencies", () => {
    expect(errorOf('[dependency-groups]\ndev = ["ok", "bad ;"]\n').details).toMatchObject({
      path: "dependency-groups.dev[1]",
      line: 2,
    });
    expect(errorOf('[tool.uv]\ndev-dependencies = ["pytest>="]\n').details).toMatchObject({
      path: "tool.uv.dev-dependencies[0]",
      line: 2,
    });
  });

  it("reads the license forms", () => {
    expect(parsePyproject('[project]\nname = "x"\nlicense = "MIT"\n', "p").license).toEqual({ expression: "MIT" });
    expect(parsePyproject('[project]\nname = "x"\nlicense = { text = "BSD" }\n', "p").license).toEqual({ text: "BSD" });
  });
});
