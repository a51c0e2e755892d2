import { isTspackError, type TspackError } from "@tspack/errors";
import { type ProjectInfo, type SelectOptions, selectPackages } from "@tspack/plan";
import { parseUvLock } from "@tspack/uv-lock";
import { describe, expect, it } from "vitest";
import { EXAMPLE_PROJECT, lockFrom, readExampleLockText, readExportFixture } from "./helpers/load.js";
import { lockText, pureWheel } from "./helpers/lock-text.js";

const example = lockFrom(readExampleLockText());
const P = (name: string | undefined, groups: string[] = [], extras: string[] = []): ProjectInfo => ({
  ...(name === undefined ? {} : { name }),
  dependencyGroups: groups,
  optionalDependencies: extras,
});
const names = (lock = example, project = EXAMPLE_PROJECT, options: SelectOptions = {}) =>
  selectPackages(lock, project, options).packages.map((p) => p.package.name);
const markers = (lock = example, project = EXAMPLE_PROJECT, options: SelectOptions = {}) =>
  Object.fromEntries(
    selectPackages(lock, project, options)
      .packages.filter((p) => p.markerText !== "")
      .map((p) => [p.package.name, p.markerText]),
  );
function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isTspackError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a TspackError");
}

const RUNTIME = [
  "annotated-types",
  "anyio",
  "fastapi",
  "idna",
  "mangum",
  "pydantic",
  "pydantic-core",
  "sniffio",
  "starlette",
  "typing-extensions",
];

describe("selectPackages on the real FastAPI + Mangum lock", () => {
  it("--no-dev keeps exactly the 10 runtime packages (+ the virtual project), without markers", () => {
    const sel = selectPackages(example, EXAMPLE_PROJECT, { noDev: true });
    expect(sel.packages.map((p) => p.package.name)).toEqual([...RUNTIME, "uv-aws-lambda-example"]);
    expect(sel.packages.every((p) => p.markerText === "")).toBe(true);
    expect(sel.roots).toEqual(["uv-aws-lambda-example"]);
    expect(sel.projectName).toBe("uv-aws-lambda-example");
    const byName = Object.fromEntries(sel.packages.map((p) => [p.package.name, p]));
    expect(byName["typing-extensions"]?.dependents).toEqual(["fastapi", "mangum", "pydantic", "pydantic-core"]);
    expect(byName.fastapi?.dependents).toEqual(["uv-aws-lambda-example"]);
    expect(byName["uv-aws-lambda-example"]).toMatchObject({ root: true, member: true, dependents: [] });
    expect(byName.fastapi).toMatchObject({ root: false, member: false });
  });

  it("the default `dev` group adds fastapi[standard]'s closure with the lock's markers", () => {
    const all = names();
    expect(all).toHaveLength(37);
    expect(all).toEqual(expect.arrayContaining(["uvicorn", "httpx", "uvloop", "colorama", "watchfiles", "rich"]));
    expect(markers()).toEqual({
      colorama: "sys_platform == 'win32'",
      uvloop: "platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'",
    });
    // fastapi is reached from the project and from the dev group (no `# via` for group edges)
    const fastapi = selectPackages(example, EXAMPLE_PROJECT).packages.find((p) => p.package.name === "fastapi");
    expect(fastapi?.dependents).toEqual(["uv-aws-lambda-example"]);
  });

  it("--only-dev drops the project and its production closure", () => {
    const sel = names(example, EXAMPLE_PROJECT, { onlyDev: true });
    expect(sel).not.toContain("uv-aws-lambda-example");
    expect(sel).not.toContain("mangum");
    expect(sel).toContain("fastapi");
  });

  it("default-groups = [] behaves like --no-dev; --group dev brings it back", () => {
    const noDefaults = { ...EXAMPLE_PROJECT, defaultGroups: [] };
    expect(names(example, noDefaults)).toEqual([...RUNTIME, "uv-aws-lambda-example"]);
    expect(names(example, noDefaults, { groups: ["dev"] })).toHaveLength(37);
    expect(names(example, { ...EXAMPLE_PROJECT, defaultGroups: "all" })).toHaveLength(37);
    expect(names(example, EXAMPLE_PROJECT, { noDefaultGroups: true })).toHaveLength(11);
  });

  it("--prune removes a package and what is only reachable through it", () => {
    expect(names(example, EXAMPLE_PROJECT, { noDev: true, prune: ["starlette"] })).toEqual([
      "annotated-types",
      "fastapi",
      "mangum",
      "pydantic",
      "pydantic-core",
      "typing-extensions",
      "uv-aws-lambda-example",
    ]);
    expect(names(example, EXAMPLE_PROJECT, { noDev: true, prune: ["uv-aws-lambda-example"] })).toEqual([]);
  });

  it("emit filters run after the graph: dependencies and `# via project` stay", () => {
    const sel = selectPackages(example, EXAMPLE_PROJECT, { noDev: true, noEmitProject: true });
    expect(sel.packages.map((p) => p.package.name)).toEqual(RUNTIME);
    expect(sel.packages.find((p) => p.package.name === "mangum")?.dependents).toEqual(["uv-aws-lambda-example"]);
    expect(names(example, EXAMPLE_PROJECT, { noDev: true, noEmitWorkspace: true })).toEqual(RUNTIME);
    expect(names(example, EXAMPLE_PROJECT, { noDev: true, noEmitLocal: true })).toEqual(RUNTIME);
    expect(names(example, EXAMPLE_PROJECT, { noDev: true, noEmitPackages: ["Pydantic_Core", "idna"] })).toEqual(
      RUNTIME.filter((n) => n !== "pydantic-core" && n !== "idna").concat("uv-aws-lambda-example"),
    );
  });
});

describe("selectPackages: uv's error texts (TSPACK_SELECTION_INVALID)", () => {
  const cases: Array<[string, SelectOptions, ProjectInfo, string]> = [
    [
      "unknown extra of the project",
      { extras: ["aws"] },
      EXAMPLE_PROJECT,
      "Extra `aws` is not defined in the `optional-dependencies` table for `uv-aws-lambda-example`",
    ],
    [
      "unknown group",
      { groups: ["docs"] },
      EXAMPLE_PROJECT,
      "Group `docs` is not defined in the project's `dependency-groups` table",
    ],
    [
      "--no-group of an unknown group",
      { allGroups: true, noGroups: ["baz"] },
      EXAMPLE_PROJECT,
      "Group `baz` is not defined in the project's `dependency-groups` table",
    ],
    ["unknown --package", { packages: ["nope"] }, EXAMPLE_PROJECT, "Package `nope` not found in workspace"],
  ];
  it.each(cases)("%s", (_label, options, project, message) => {
    expect(errorOf(() => selectPackages(example, project, options))).toEqual({
      code: "TSPACK_SELECTION_INVALID",
      message,
    });
  });

  it("--no-dev and --dev never fail when no dev group exists", () => {
    const { lock, project } = readExportFixture("dependency");
    expect(() => selectPackages(lock, project, { noDev: true })).not.toThrow();
    expect(() => selectPackages(lock, project, { dev: true })).not.toThrow();
  });

  it("several --package members report extras against all of them", () => {
    const { lock, project } = readExportFixture("no-editable");
    expect(errorOf(() => selectPackages(lock, project, { packages: ["child", "project"], extras: ["x"] }))).toEqual({
      code: "TSPACK_SELECTION_INVALID",
      message: "Extra `x` is not defined in any project's `optional-dependencies` table",
    });
  });
});

describe("selectPackages: workspaces and roots", () => {
  const { lock, project } = readExportFixture("no-editable");

  it("--package child exports only the member's closure", () => {
    expect(names(lock, project, { packages: ["child"] })).toEqual(["child", "iniconfig"]);
  });

  it("--no-emit-workspace drops the root and the members", () => {
    expect(names(lock, project, { noEmitWorkspace: true })).toEqual(["anyio", "idna", "iniconfig", "sniffio"]);
    expect(names(lock, project, { noEmitProject: true })).toEqual(["child", "anyio", "idna", "iniconfig", "sniffio"]);
  });

  it("a project-less workspace root exports every member (--all-packages too)", () => {
    const virtualRoot = P(undefined);
    expect(names(lock, virtualRoot)).toEqual(["project", "child", "anyio", "idna", "iniconfig", "sniffio"]);
    expect(names(lock, project, { allPackages: true })).toEqual(names(lock, virtualRoot));
  });
});

describe("selectPackages: markers", () => {
  it("several versions of one name: each version keeps its own marker, shared deps are OR-ed", () => {
    const { lock, project } = readExportFixture("conflicting-markers");
    const { trio: _trio, ...others } = markers(lock, project);
    expect(others).toEqual({
      "async-generator": "sys_platform == 'win32'",
      attrs: "sys_platform == 'darwin' or sys_platform == 'win32'",
      cffi: "os_name == 'nt' and sys_platform == 'win32'",
      idna: "sys_platform == 'darwin' or sys_platform == 'win32'",
      outcome: "sys_platform == 'darwin' or sys_platform == 'win32'",
      pycparser: "os_name == 'nt' and sys_platform == 'win32'",
      sniffio: "sys_platform == 'darwin' or sys_platform == 'win32'",
      sortedcontainers: "sys_platform == 'darwin' or sys_platform == 'win32'",
    });
    const trios = selectPackages(lock, project).packages.filter((p) => p.package.name === "trio");
    expect(trios.map((t) => [t.package.version, t.markerText])).toEqual([
      ["0.10.0", "sys_platform == 'win32'"],
      ["0.25.0", "sys_platform == 'darwin'"],
    ]);
  });

  const extrasLock = lockFrom(
    lockText({
      packages: [
        {
          name: "project",
          version: "0.1.0",
          source: '{ virtual = "." }',
          deps: [`{ name = "typing-extensions", marker = "extra == 'foo' or extra == 'bar'" }`],
          optional: { aws: ['{ name = "boto", marker = "sys_platform == \'linux\'" }'], bar: [], foo: [] },
          tail: '[package.metadata]\nrequires-dist = []\nprovides-extras = ["aws", "bar", "foo"]\n',
        },
        { name: "boto", version: "1.0", wheels: [pureWheel("boto", "1.0")], deps: ['{ name = "jmespath" }'] },
        { name: "jmespath", version: "1.0", wheels: [pureWheel("jmespath", "1.0")] },
        { name: "typing-extensions", version: "4.10.0", wheels: [pureWheel("typing_extensions", "4.10.0")] },
      ],
    }),
  );
  const extrasProject = P("project", [], ["aws", "bar", "foo"]);

  it("extras of the root are resolved with the activated set (uv's resolve_activated_extras)", () => {
    expect(names(extrasLock, extrasProject)).toEqual(["project"]);
    expect(markers(extrasLock, extrasProject, { allExtras: true })).toEqual({
      boto: "sys_platform == 'linux'",
      jmespath: "sys_platform == 'linux'",
    });
    expect(names(extrasLock, extrasProject, { extras: ["foo"] })).toEqual(["project", "typing-extensions"]);
    expect(names(extrasLock, extrasProject, { allExtras: true, noExtras: ["aws"] })).toEqual([
      "project",
      "typing-extensions",
    ]);
  });

  it("an extra activated under a marker only propagates under that marker", () => {
    // a --(win32)--> lib[fast]; lib (always, via b) --[fast]--> speedups: speedups only on win32
    const lock = lockFrom(
      lockText({
        packages: [
          {
            name: "a",
            version: "1",
            wheels: [pureWheel("a", "1")],
            deps: [`{ name = "lib", extra = ["fast"], marker = "sys_platform == 'win32'" }`],
          },
          { name: "b", version: "1", wheels: [pureWheel("b", "1")], deps: ['{ name = "lib" }'] },
          { name: "lib", version: "1", wheels: [pureWheel("lib", "1")], optional: { fast: ['{ name = "speedups" }'] } },
          {
            name: "project",
            version: "0.1.0",
            source: '{ virtual = "." }',
            deps: ['{ name = "a" }', '{ name = "b" }'],
          },
          { name: "speedups", version: "1", wheels: [pureWheel("speedups", "1")] },
        ],
      }),
    );
    expect(markers(lock, P("project"))).toEqual({ speedups: "sys_platform == 'win32'" });
  });

  it("a package whose marker is impossible is dropped", () => {
    const lock = lockFrom(
      lockText({
        requiresPython: ">=3.12",
        packages: [
          {
            name: "project",
            version: "0.1.0",
            source: '{ virtual = "." }',
            deps: [`{ name = "a", marker = "sys_platform == 'linux'" }`],
          },
          {
            name: "a",
            version: "1",
            wheels: [pureWheel("a", "1")],
            deps: [`{ name = "never", marker = "sys_platform == 'win32'" }`],
          },
          { name: "never", version: "1", wheels: [pureWheel("never", "1")] },
        ],
      }),
    );
    expect(markers(lock, P("project"))).toEqual({ a: "sys_platform == 'linux'" });
    expect(names(lock, P("project"))).not.toContain("never");
  });

  it("groups of the project: markers on group edges, no `# via` from the root", () => {
    const { lock, project } = readExportFixture("group");
    const sel = selectPackages(lock, project, { groups: ["foo"] });
    const anyio = sel.packages.find((p) => p.package.name === "anyio");
    expect(anyio).toMatchObject({ markerText: "sys_platform == 'darwin'", dependents: [] });
    const sniffio = sel.packages.find((p) => p.package.name === "sniffio");
    expect(sniffio).toMatchObject({ markerText: "", dependents: ["anyio"] });
  });
});

describe("selectPackages: declared conflicts (encoded conflict markers)", () => {
  const reg = 'source = { registry = "https://pypi.org/simple" }';
  const lock = lockFrom(
    `${lockText({
      packages: [
        {
          name: "common",
          version: "1.0",
          wheels: [pureWheel("common", "1.0")],
          deps: [
            `{ name = "lib", version = "1.0", ${reg}, marker = "extra == 'extra-7-project-cpu'" }`,
            `{ name = "lib", version = "2.0", ${reg}, marker = "extra == 'extra-7-project-gpu'" }`,
          ],
        },
        {
          name: "lib",
          version: "1.0",
          wheels: [pureWheel("lib", "1.0")],
          resolutionMarkers: ["extra == 'extra-7-project-cpu'"],
        },
        {
          name: "lib",
          version: "2.0",
          wheels: [pureWheel("lib", "2.0")],
          resolutionMarkers: ["extra == 'extra-7-project-gpu'"],
        },
        {
          name: "project",
          version: "0.1.0",
          source: '{ virtual = "." }',
          deps: ['{ name = "common" }'],
          optional: {
            cpu: [`{ name = "lib", version = "1.0", ${reg} }`],
            gpu: [`{ name = "lib", version = "2.0", ${reg} }`],
          },
          tail: '[package.metadata]\nrequires-dist = []\nprovides-extras = ["cpu", "gpu"]\n',
        },
      ],
    }).replace(
      'requires-python = ">=3.12"\n',
      'requires-python = ">=3.12"\nconflicts = [[\n    { package = "project", extra = "cpu" },\n    { package = "project", extra = "gpu" },\n]]\n',
    )}`,
  );
  const project = P("project", [], ["cpu", "gpu"]);
  const versions = (options: SelectOptions) =>
    selectPackages(lock, project, options)
      .packages.filter((p) => p.package.name === "lib")
      .map((p) => [p.package.version, p.markerText]);

  it("the activated extra selects its version, unmarked; the other one disappears", () => {
    expect(versions({ extras: ["cpu"] })).toEqual([["1.0", ""]]);
    expect(versions({ extras: ["gpu"] })).toEqual([["2.0", ""]]);
    expect(versions({})).toEqual([]);
  });

  it("selecting two conflicting extras is an error with uv's wording", () => {
    expect(errorOf(() => selectPackages(lock, project, { allExtras: true }))).toEqual({
      code: "TSPACK_SELECTION_INVALID",
      message: "Extras `cpu` and `gpu` are incompatible with the declared conflicts: {`project[cpu]`, `project[gpu]`}",
    });
  });
});

describe("selectPackages: project-less workspace root with manifest groups", () => {
  const lock = lockFrom(
    lockText({
      members: ["app"],
      manifestTail:
        '\n[manifest.dependency-groups]\nlint = [{ name = "ruff", marker = "sys_platform == \'linux\'" }]\n',
      packages: [
        { name: "app", version: "0.1.0", source: '{ editable = "app" }', deps: ['{ name = "idna" }'] },
        { name: "idna", version: "3.6", wheels: [pureWheel("idna", "3.6")] },
        { name: "ruff", version: "0.4.0", wheels: ["ruff-0.4.0-py3-none-manylinux_2_17_x86_64.whl"] },
      ],
    }),
  );
  const root = P(undefined);

  it("exports every member; root groups only when selected, with their marker and no `# via`", () => {
    expect(names(lock, root)).toEqual(["app", "idna"]);
    const sel = selectPackages(lock, root, { groups: ["lint"] });
    expect(sel.packages.map((p) => [p.package.name, p.markerText, p.dependents])).toEqual([
      ["app", "", []],
      ["idna", "", ["app"]],
      ["ruff", "sys_platform == 'linux'", []],
    ]);
    expect(sel.roots).toEqual(["app"]);
    expect(sel.projectName).toBeUndefined();
  });

  it("an unknown group of a project-less root names any project", () => {
    expect(errorOf(() => selectPackages(lock, root, { groups: ["docs"] }))).toEqual({
      code: "TSPACK_SELECTION_INVALID",
      message: "Group `docs` is not defined in any project's `dependency-groups` table",
    });
  });
});

describe("selectPackages: errors about lock values name the file, the key, the line and the package", () => {
  const caught = (f: () => unknown): TspackError => {
    try {
      f();
    } catch (e) {
      if (isTspackError(e)) return e;
      throw e;
    }
    throw new Error("expected a TspackError");
  };
  // A marker that parses but whose diagram is exponential in its length (variables a0 < a1 < ... < b0 < ...).
  const huge = Array.from({ length: 40 }, (_, i) => `(extra == 'a${i}' or extra == 'b${i}')`).join(" and ");
  const text = lockText({
    packages: [
      { name: "project", version: "0.1.0", source: '{ virtual = "." }', deps: ['{ name = "lib" }'] },
      {
        name: "lib",
        version: "1.0",
        wheels: [pureWheel("lib", "1.0")],
        deps: [`{ name = "dep", marker = "${huge}" }`],
      },
      { name: "dep", version: "1.0", wheels: [pureWheel("dep", "1.0")] },
    ],
  });
  const project: ProjectInfo = { name: "project", dependencyGroups: [], optionalDependencies: [] };

  it("locates a marker that is too complex to use, found while selecting", () => {
    const lock = parseUvLock(text, { path: "/p/uv.lock" }).lock;
    const e = caught(() => selectPackages(lock, project));
    expect(e.code).toBe("TSPACK_MARKER_SYNTAX");
    const line = text.split("\n").findIndex((l) => l.includes("extra == 'a0'")) + 1;
    expect(e.message.split("\n")[0]).toMatch(
      new RegExp(
        `^"/p/uv.lock", line ${line}, column \\d+, package\\[1\\]\\.dependencies\\[0\\]\\.marker \\(lib==1\\.0\\): The marker is too complex`,
      ),
    );
    expect(e.details).toMatchObject({
      file: "/p/uv.lock",
      path: "package[1].dependencies[0].marker",
      line,
      package: { name: "lib" },
    });
  });

  it("locates a requires-python that cannot be used in a lock built in code (no text: no line)", () => {
    const lock = {
      ...parseUvLock(lockText({ packages: [{ name: "project", version: "0.1.0", source: '{ virtual = "." }' }] })).lock,
    };
    lock.requiresPython = ">=3.12.[X]";
    lock.resolutionMarkers = ["sys_platform == 'linux'"];
    const e = caught(() => selectPackages(lock, project));
    expect(e.code).toBe("TSPACK_VERSION_INVALID");
    expect(e.message.split("\n")[0]).toBe(
      '"uv.lock", requires-python: The version specifier ">=3.12.[X]" is invalid: "3.12.[X]" is not a PEP 440 version',
    );
    const bad = { ...lock, resolutionMarkers: ["sys_platform =="] };
    expect(caught(() => selectPackages(bad, project)).details).toMatchObject({
      file: "uv.lock",
      path: "resolution-markers[0]",
    });
  });

  it("names the lock in selection errors the lock causes", () => {
    const lock = parseUvLock(text, { path: "/p/uv.lock" }).lock;
    const e = caught(() => selectPackages(lock, { ...project, name: "other" }));
    expect(e.code).toBe("TSPACK_SELECTION_INVALID");
    expect(e.details).toEqual({ package: "other", file: "/p/uv.lock", path: "package" });
  });
});
