import { isTspackError } from "@tspack/errors";
import { parsePyproject } from "@tspack/project";
import { describe, expect, it } from "vitest";
import {
  backendKind,
  type MemberTree,
  planMemberLayout,
  readDocstringSummary,
  readVersionAssignment,
} from "../src/member-layout.js";

function tree(files: Record<string, string>): MemberTree {
  return { files: Object.keys(files).sort(), readText: (p) => files[p] };
}

function plan(files: Record<string, string>) {
  const pyproject = parsePyproject(files["pyproject.toml"] ?? "", "pyproject.toml");
  return planMemberLayout(pyproject, tree(files), "library");
}

function errorOf(files: Record<string, string>): { code: string; message: string; hint?: string; details?: unknown } {
  try {
    plan(files);
  } catch (e) {
    if (isTspackError(e)) return e.toJSON();
    throw e;
  }
  throw new Error("expected an error");
}

const hatch =
  '[project]\nname = "library"\nversion = "1"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
const setuptools =
  '[project]\nname = "library"\nversion = "1"\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n';
const uvBuild =
  '[project]\nname = "library"\nversion = "1"\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n';
const pkg = { "src/library/__init__.py": "" };

describe("planMemberLayout", () => {
  it("maps uv_build's module-root and module-name", () => {
    const layout = plan({
      "pyproject.toml": `${uvBuild}[tool.uv.build-backend]\nmodule-root = ""\nmodule-name = "lib_x"\nwheel-exclude = ["*.txt"]\n`,
      "lib_x/__init__.py": "",
      "lib_x/notes.txt": "",
      "lib_x/sub/a.py": "",
    });
    expect(layout).toEqual({
      backend: "uv_build",
      version: "1",
      entries: [
        { path: "lib_x/__init__.py", source: "lib_x/__init__.py" },
        { path: "lib_x/sub/a.py", source: "lib_x/sub/a.py" },
      ],
    });
  });

  it.each([
    [
      "a C extension source",
      { "pyproject.toml": setuptools, "src/library/__init__.py": "", "src/library/_speedups.c": "" },
      'it contains native source code ("src/library/_speedups.c")',
    ],
    [
      "a Cython module",
      { "pyproject.toml": hatch, ...pkg, "src/library/fast.pyx": "" },
      'it contains native source code ("src/library/fast.pyx")',
    ],
    [
      "a compiled binary",
      { "pyproject.toml": hatch, ...pkg, "src/library/_x.cpython-313-x86_64-linux-gnu.so": "" },
      'it contains a compiled binary ("src/library/_x.cpython-313-x86_64-linux-gnu.so")',
    ],
    [
      "a hatch custom build hook",
      { "pyproject.toml": `${hatch}[tool.hatch.build.hooks.custom]\npath = "hatch_build.py"\n`, ...pkg },
      "it uses a hatch build hook (tool.hatch.build.hooks)",
    ],
    [
      "a hatch wheel-target hook",
      { "pyproject.toml": `${hatch}[tool.hatch.build.targets.wheel.hooks.mypyc]\n`, ...pkg },
      "it uses a hatch build hook (tool.hatch.build.targets.wheel.hooks)",
    ],
    [
      "a hatch metadata hook",
      { "pyproject.toml": `${hatch}[tool.hatch.metadata.hooks.fancy-pypi-readme]\n`, ...pkg },
      "it uses a hatch metadata hook (tool.hatch.metadata.hooks)",
    ],
    [
      "hatch force-include",
      { "pyproject.toml": `${hatch}[tool.hatch.build.targets.wheel.force-include]\n"x" = "y"\n`, ...pkg },
      "`tool.hatch.build.targets.wheel.force-include` is not supported",
    ],
    [
      "a hatch vcs version",
      {
        "pyproject.toml":
          hatch.replace('version = "1"', 'dynamic = ["version"]') + '[tool.hatch.version]\nsource = "vcs"\n',
        ...pkg,
      },
      "the hatch version option `tool.hatch.version.source` is not supported",
    ],
    [
      "setuptools cmdclass in pyproject.toml",
      { "pyproject.toml": `${setuptools}[tool.setuptools]\ncmdclass = { build_py = "x:Y" }\n`, ...pkg },
      "tool.setuptools.cmdclass declares custom build commands",
    ],
    [
      "setuptools cmdclass in setup.py",
      { "pyproject.toml": setuptools, "setup.py": "from setuptools import setup\nsetup(cmdclass={})\n", ...pkg },
      "setup.py declares cmdclass (custom build commands)",
    ],
    [
      "ext_modules in setup.py",
      {
        "pyproject.toml": setuptools,
        "setup.py": "from setuptools import Extension, setup\nsetup(ext_modules=[Extension('x', ['x.c'])])\n",
        ...pkg,
      },
      "setup.py declares ext_modules (C extensions)",
    ],
    [
      "setup.py with logic",
      {
        "pyproject.toml": setuptools,
        "setup.py": "import os\nfrom setuptools import setup\nsetup(name=os.environ['N'])\n",
        ...pkg,
      },
      "setup.py contains build logic",
    ],
    [
      "setup.cfg options",
      { "pyproject.toml": setuptools, "setup.cfg": "[options]\npackages = find:\n", ...pkg },
      "setup.cfg configures the build ([metadata]/[options])",
    ],
    [
      "a flat layout with several packages",
      { "pyproject.toml": setuptools, "a/__init__.py": "", "b/__init__.py": "" },
      "setuptools finds several top-level packages in a flat layout (a, b)",
    ],
    [
      "an unknown backend",
      { "pyproject.toml": setuptools.replace("setuptools.build_meta", "poetry.core.masonry.api"), ...pkg },
      'the build backend "poetry.core.masonry.api" is not supported',
    ],
    [
      "maturin",
      { "pyproject.toml": setuptools.replace("setuptools.build_meta", "maturin"), ...pkg },
      'the build backend "maturin" is not supported',
    ],
    [
      "an in-tree backend",
      {
        "pyproject.toml": `${setuptools.replace('requires = ["setuptools"]', 'requires = []\nbackend-path = ["_build"]')}`,
        ...pkg,
      },
      "it uses an in-tree build backend (build-system.backend-path)",
    ],
    [
      "dynamic dependencies",
      { "pyproject.toml": setuptools.replace('version = "1"', 'version = "1"\ndynamic = ["dependencies"]'), ...pkg },
      'the dynamic metadata field "dependencies" is not supported',
    ],
    [
      "a uv_build module that is not where expected",
      { "pyproject.toml": uvBuild, "library/__init__.py": "" },
      'uv_build expects the module at "src/library/__init__.py", which does not exist',
    ],
    [
      "a hatch project without a discoverable package",
      { "pyproject.toml": hatch, "other/__init__.py": "" },
      'hatchling cannot find "library/__init__.py", "src/library/__init__.py" or "library.py"',
    ],
    [
      "a pdm build hook file",
      {
        "pyproject.toml":
          '[project]\nname = "library"\nversion = "1"\n[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n',
        "pdm_build.py": "",
        ...pkg,
      },
      "it uses a pdm build hook (pdm_build.py or tool.pdm.build.custom-hook)",
    ],
    [
      "a dynamic version without a readable assignment",
      {
        "pyproject.toml":
          '[project]\nname = "library"\ndynamic = ["version"]\n[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n',
        "library/__init__.py": "from ._v import v as __version__\n",
      },
      'no `__version__ = "..."` assignment in "library/__init__.py" (flit module)',
    ],
    [
      "a missing version",
      {
        "pyproject.toml":
          '[project]\nname = "library"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        ...pkg,
      },
      "it has no version (project.version is absent and not dynamic)",
    ],
  ])("rejects %s", (_title, files, reason) => {
    const e = errorOf(files as Record<string, string>);
    expect(e.code).toBe("TSPACK_BUILD_UNSUPPORTED");
    expect(e.message).toBe(`The member "library" cannot be built by tspack: ${reason}`);
    expect(e.details).toEqual({ member: "library", reason });
    expect(e.hint).toBeTypeOf("string");
  });

  it("gives the remedy in the hint, not the message", () => {
    const e = errorOf({ "pyproject.toml": setuptools.replace("setuptools.build_meta", "maturin"), ...pkg });
    expect(e.hint).toBe(
      "Build a wheel of it (uv build --wheel) and depend on that file, or keep the member out of the artifact (--no-emit-package).",
    );
  });
});

describe("helpers", () => {
  it.each([
    ["hatchling.build", "hatchling"],
    ["uv_build", "uv_build"],
    [undefined, "setuptools"],
    ["setuptools.build_meta:__legacy__", "setuptools"],
    ["flit_core.buildapi", "flit"],
    ["pdm.backend", "pdm"],
    ["poetry.core.masonry.api", undefined],
  ])("backendKind(%j) = %j", (name, kind) => {
    expect(backendKind(name)).toBe(kind);
  });

  it.each([
    ['__version__ = "1.0"\n', false, "1.0"],
    ["__version__: str = '2.0b1'  # comment\n", false, "2.0b1"],
    ['x = 1\n__version__ = "v3"\n', false, "3"],
    ['VERSION = "4"\n', false, undefined],
    ['VERSION = "4"\n', true, "4"],
    ["__version__ = get()\n", false, undefined],
  ])("readVersionAssignment(%j, %s) = %j", (src, upper, v) => {
    expect(readVersionAssignment(src, upper)).toBe(v);
  });

  it.each([
    ['"""Fast packaging.\n\nMore."""\n', "Fast packaging."],
    ["# coding: utf-8\n'''\n  Summary here\n'''\n", "Summary here"],
    ["x = 1\n", undefined],
  ])("readDocstringSummary(%j) = %j", (src, s) => {
    expect(readDocstringSummary(src)).toBe(s);
  });
});
