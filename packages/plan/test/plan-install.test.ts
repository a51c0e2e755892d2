import { isTspackError } from "@tspack/errors";
import { missingWheelsError, planInstall, planToJSON, selectPackages } from "@tspack/plan";
import { DEFAULT_TARGET, targetFromPlatform, targetFromRuntime } from "@tspack/platform-tags";
import { describe, expect, it } from "vitest";
import { EXAMPLE_PROJECT, lockFrom, readExampleLockText } from "./helpers/load.js";
import { lockText, pureWheel } from "./helpers/lock-text.js";

const example = lockFrom(readExampleLockText());
const FILES = "https://files.pythonhosted.org/packages";
const project = (name: string) => ({ name, dependencyGroups: [], optionalDependencies: [] });

describe("planInstall: the real FastAPI + Mangum lock (acceptance)", () => {
  const runtime = selectPackages(example, EXAMPLE_PROJECT, { noDev: true });

  it("x86_64 manylinux2014 cp313: the 10 runtime packages with the wheels uv picks", () => {
    const plan = planInstall(runtime, DEFAULT_TARGET);
    expect(plan.missing).toEqual([]);
    expect(plan.skipped).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.packages.map((p) => `${p.name}==${p.version} ${p.wheel?.filename}`)).toEqual([
      "annotated-types==0.7.0 annotated_types-0.7.0-py3-none-any.whl",
      "anyio==4.7.0 anyio-4.7.0-py3-none-any.whl",
      "fastapi==0.115.6 fastapi-0.115.6-py3-none-any.whl",
      "idna==3.10 idna-3.10-py3-none-any.whl",
      "mangum==0.19.0 mangum-0.19.0-py3-none-any.whl",
      "pydantic==2.10.4 pydantic-2.10.4-py3-none-any.whl",
      "pydantic-core==2.27.2 pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "sniffio==1.3.1 sniffio-1.3.1-py3-none-any.whl",
      "starlette==0.41.3 starlette-0.41.3-py3-none-any.whl",
      "typing-extensions==4.12.2 typing_extensions-4.12.2-py3-none-any.whl",
    ]);
    const core = plan.packages.find((p) => p.name === "pydantic-core");
    expect(core).toEqual({
      name: "pydantic-core",
      version: "2.27.2",
      source: { kind: "registry", url: "https://pypi.org/simple" },
      wheel: {
        filename: "pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        url: `${FILES}/a6/74/d12b2cd841d8724dc8ffb13fc5cef86566a53ed358103150209ecd5d1999/pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
        hash: "sha256:bd8086fa684c4775c27f03f062cbb9eaa6e17f064307e86b21b9e0abc9c0f02e",
        size: 1997025,
      },
      local: false,
      reason: null,
      marker: "",
    });
  });

  it("aarch64 picks the aarch64 wheel", () => {
    const plan = planInstall(runtime, targetFromPlatform("aarch64-manylinux2014", "3.13"));
    expect(plan.missing).toEqual([]);
    expect(plan.packages.find((p) => p.name === "pydantic-core")?.wheel?.filename).toBe(
      "pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    );
  });

  it("with the dev group on linux: no colorama, uvloop and the GIL MarkupSafe wheel", () => {
    const plan = planInstall(selectPackages(example, EXAMPLE_PROJECT), DEFAULT_TARGET);
    expect(plan.missing).toEqual([]);
    expect(plan.packages).toHaveLength(35);
    expect(plan.packages.map((p) => p.name)).not.toContain("colorama");
    expect(plan.skipped).toEqual([{ name: "colorama", version: "0.4.6", marker: "sys_platform == 'win32'" }]);
    const wheel = (n: string) => plan.packages.find((p) => p.name === n)?.wheel?.filename;
    expect(wheel("uvloop")).toBe("uvloop-0.21.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
    expect(wheel("markupsafe")).toBe("MarkupSafe-3.0.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
    expect(wheel("httptools")).toBe(
      "httptools-0.6.4-cp313-cp313-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    expect(plan.packages.map((p) => p.name)).toEqual([...plan.packages.map((p) => p.name)].sort());
  });

  it("a target Python outside requires-python is a warning", () => {
    const plan = planInstall(runtime, targetFromRuntime("python3.12", "x86_64"));
    expect(plan.warnings).toEqual([
      'The target Python 3.12.0 does not satisfy the lock\'s requires-python ">=3.13": markers are evaluated as if it did',
    ]);
  });
});

describe("planInstall: best wheel", () => {
  const lockWith = (wheels: string[]) =>
    lockFrom(
      lockText({
        packages: [
          { name: "project", version: "0.1.0", source: '{ virtual = "." }', deps: ['{ name = "pkg" }'] },
          { name: "pkg", version: "1.0", wheels },
        ],
      }),
    );
  const pick = (wheels: string[], target = DEFAULT_TARGET) =>
    planInstall(selectPackages(lockWith(wheels), project("project")), target).packages[0]?.wheel?.filename;

  it.each([
    [
      "the highest tag priority wins over lock order",
      ["pkg-1.0-py3-none-any.whl", "pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.whl"],
      "pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
    ],
    [
      "abi3 from an older CPython is accepted",
      ["pkg-1.0-cp39-abi3-manylinux2014_x86_64.whl", "pkg-1.0-cp313-cp313-macosx_11_0_arm64.whl"],
      "pkg-1.0-cp39-abi3-manylinux2014_x86_64.whl",
    ],
    [
      "a higher build tag wins on equal priority",
      ["pkg-1.0-1-py3-none-any.whl", "pkg-1.0-2-py3-none-any.whl", "pkg-1.0-py3-none-any.whl"],
      "pkg-1.0-2-py3-none-any.whl",
    ],
    [
      "ties keep the first wheel in lock order",
      ["pkg-1.0-py2.py3-none-any.whl", "pkg-1.0-py3-none-any.whl"],
      "pkg-1.0-py2.py3-none-any.whl",
    ],
    [
      "plain linux_x86_64 is accepted at the lowest platform priority",
      ["pkg-1.0-cp313-cp313-linux_x86_64.whl", "pkg-1.0-cp313-cp313-musllinux_1_2_x86_64.whl"],
      "pkg-1.0-cp313-cp313-linux_x86_64.whl",
    ],
  ])("%s", (_label, wheels, expected) => {
    expect(pick(wheels)).toBe(expected);
  });

  it("manylinux_2_28 needs a newer glibc target", () => {
    const wheels = ["pkg-1.0-cp313-cp313-manylinux_2_28_x86_64.whl"];
    expect(pick(wheels)).toBeUndefined();
    expect(pick(wheels, targetFromRuntime("python3.13", "x86_64"))).toBe(wheels[0]);
  });
});

describe("planInstall: packages without a compatible wheel", () => {
  const lock = lockFrom(
    lockText({
      requiresPython: ">=3.12",
      packages: [
        {
          name: "project",
          version: "0.1.0",
          source: '{ virtual = "." }',
          deps: [
            '{ name = "fine" }',
            '{ name = "macos-only" }',
            '{ name = "new-glibc" }',
            '{ name = "old-python" }',
            '{ name = "sdist-only" }',
            '{ name = "tool", marker = "sys_platform == \'win32\'" }',
          ],
        },
        { name: "fine", version: "1.0", wheels: [pureWheel("fine", "1.0")] },
        {
          name: "macos-only",
          version: "2.0",
          wheels: [
            "macos_only-2.0-cp313-cp313-macosx_11_0_arm64.whl",
            "macos_only-2.0-cp313-cp313-macosx_10_13_x86_64.whl",
          ],
        },
        {
          name: "new-glibc",
          version: "2.3.1",
          wheels: [
            "new_glibc-2.3.1-cp313-cp313-manylinux_2_28_x86_64.whl",
            "new_glibc-2.3.1-cp313-cp313-win_amd64.whl",
          ],
        },
        { name: "old-python", version: "0.5", wheels: ["old_python-0.5-cp311-cp311-manylinux_2_17_x86_64.whl"] },
        { name: "sdist-only", version: "0.1" },
        { name: "tool", version: "1.0" },
      ],
    }),
  );
  const plan = planInstall(selectPackages(lock, project("project")), DEFAULT_TARGET);

  it("reports them all, each with uv's reason and the nearest miss; never builds", () => {
    expect(plan.missing.map((p) => [p.name, p.reason])).toEqual([
      [
        "macos-only",
        "no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`). Wheels are available for `macos-only` (v2.0) on the following platforms: `macosx_10_13_x86_64`, `macosx_11_0_arm64`",
      ],
      [
        "new-glibc",
        "no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`). Wheels are available for `new-glibc` (v2.3.1) on the following platforms: `manylinux_2_28_x86_64`, `win_amd64`. new-glibc 2.3.1 has wheels for manylinux_2_28_x86_64 but the target allows up to manylinux_2_17: the python3.13 runtime supports manylinux_2_34 (try `--runtime python3.13`)",
      ],
      ["old-python", expect.stringMatching(/^no wheels with a matching Python ABI tag \(e\.g\., `cp313`\)/)],
      ["sdist-only", "has only a source distribution"],
    ]);
    expect(plan.packages.map((p) => p.name)).toEqual(["fine", "macos-only", "new-glibc", "old-python", "sdist-only"]);
    expect(plan.skipped.map((p) => p.name)).toEqual(["tool"]);
  });

  it("missingWheelsError lists every package in one TSPACK_NO_COMPATIBLE_WHEEL error", () => {
    const err = missingWheelsError(plan);
    expect(isTspackError(err, "TSPACK_NO_COMPATIBLE_WHEEL")).toBe(true);
    expect(err?.message.split("\n")[0]).toBe(
      'The target "cp313 x86_64 manylinux_2_17" has no compatible wheel for 4 packages:',
    );
    expect(err?.message.split("\n").slice(1)).toEqual(
      plan.missing.map((p) => `  - ${p.name}==${p.version}: ${p.reason}`),
    );
    expect(err?.message.split("\n")[4]).toBe("  - sdist-only==0.1: has only a source distribution");
    expect(err?.details).toMatchObject({
      target: "cp313 x86_64 manylinux_2_17",
      packages: [{ name: "macos-only" }, { name: "new-glibc" }, { name: "old-python" }, { name: "sdist-only" }],
    });
    expect(err?.hint).toContain("--runtime");
    expect(err?.hint).toContain("never builds source distributions");
    expect(missingWheelsError(planInstall(selectPackages(example, EXAMPLE_PROJECT), DEFAULT_TARGET))).toBeUndefined();
  });
});

describe("planInstall: local sources", () => {
  it("directory/editable are local (built by the shell), path wheels are installed from the path", () => {
    const lock = lockFrom(
      lockText({
        members: ["app", "lib"],
        packages: [
          {
            name: "app",
            version: "0.1.0",
            source: '{ editable = "." }',
            deps: ['{ name = "lib" }', '{ name = "vendored" }', '{ name = "wheelfile" }'],
          },
          { name: "lib", version: "0.1.0", source: '{ directory = "packages/lib" }' },
          { name: "vendored", source: '{ directory = "vendor/v" }' },
          {
            name: "wheelfile",
            version: "1.0",
            source: '{ path = "dist/wheelfile-1.0-py3-none-any.whl" }',
            wheels: ["wheelfile-1.0-py3-none-any.whl"],
          },
        ],
      }),
    );
    const plan = planInstall(selectPackages(lock, project("app")), DEFAULT_TARGET);
    expect(plan.missing).toEqual([]);
    expect(plan.packages.map((p) => [p.name, p.version, p.local, p.wheel?.path ?? null])).toEqual([
      ["app", "0.1.0", true, null],
      ["lib", "0.1.0", true, null],
      ["vendored", null, true, null],
      ["wheelfile", "1.0", true, "dist/wheelfile-1.0-py3-none-any.whl"],
    ]);
  });
});

describe("planToJSON", () => {
  it("is a plain object with the documented keys, packages sorted by name then version", () => {
    const lock = lockFrom(
      lockText({
        packages: [
          {
            name: "project",
            version: "0.1.0",
            source: '{ virtual = "." }',
            deps: [
              '{ name = "dup", version = "2.0", source = { registry = "https://pypi.org/simple" }, marker = "sys_platform == \'linux\'" }',
              '{ name = "dup", version = "10.0", source = { registry = "https://pypi.org/simple" }, marker = "sys_platform == \'linux\' and platform_machine == \'x86_64\'" }',
            ],
          },
          { name: "dup", version: "10.0", wheels: [pureWheel("dup", "10.0")] },
          { name: "dup", version: "2.0", wheels: [pureWheel("dup", "2.0")] },
        ],
      }),
    );
    const json = planToJSON(planInstall(selectPackages(lock, project("project")), DEFAULT_TARGET));
    expect(Object.keys(json)).toEqual(["target", "packages", "missing", "skipped", "warnings"]);
    expect(json.packages.map((p) => [p.name, p.version])).toEqual([
      ["dup", "2.0"],
      ["dup", "10.0"],
    ]);
    expect(json.packages[0]).toEqual({
      name: "dup",
      version: "2.0",
      source: { kind: "registry", url: "https://pypi.org/simple" },
      wheel: {
        filename: "dup-2.0-py3-none-any.whl",
        url: "https://files.example.org/dup-2.0-py3-none-any.whl",
        hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        size: 2000,
      },
      reason: null,
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.target).toMatchObject({ python: "3.13" });
  });
});

describe("planInstall: errors name the lock value", () => {
  it("locates a requires-python that cannot be compared with the target", () => {
    const lock = { ...lockFrom(readExampleLockText(), "/p/uv.lock") };
    const selection = selectPackages(lock, EXAMPLE_PROJECT);
    lock.requiresPython = "~=3";
    let error: unknown;
    try {
      planInstall({ ...selection, lock }, DEFAULT_TARGET);
    } catch (e) {
      error = e;
    }
    expect(isTspackError(error, "TSPACK_VERSION_INVALID")).toBe(true);
    expect((error as Error).message.split("\n")[0]).toBe(
      '"uv.lock", requires-python: The version specifier "~=3" is invalid: "~=3" needs at least two release segments',
    );
  });
});
