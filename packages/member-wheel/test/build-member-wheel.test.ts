import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasPython, makeTree, python } from "../../project/test/_tree.js";
import { type BuiltWheel, buildMemberWheel } from "../src/build-member-wheel.js";

const UNZIP_AND_INSPECT = `
import sys, zipfile, json, hashlib, base64, csv, io
whl, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    z.testzip()
    z.extractall(dest)
    names = z.namelist()
    record = [n for n in names if n.endswith(".dist-info/RECORD")][0]
    rows = list(csv.reader(io.StringIO(z.read(record).decode())))
    ok = True
    for path, h, size in rows:
        if path == record:
            ok = ok and h == "" and size == ""
            continue
        data = z.read(path)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        ok = ok and h == "sha256=" + digest and int(size) == len(data)
    ok = ok and sorted(r[0] for r in rows) == sorted(names)
    modes = sorted({(i.external_attr >> 16) & 0o777 for i in z.infolist()})
print(json.dumps({"names": names, "recordOk": ok, "modes": modes}))
`;

/** Extracts the wheel with Python's zipfile and checks RECORD against the files. */
function inspect(wheel: BuiltWheel): { dir: string; names: string[]; recordOk: boolean; modes: number[] } {
  const dir = mkdtempSync(join(tmpdir(), "tspack-wheel-"));
  const file = join(dir, wheel.filename);
  writeFileSync(file, wheel.bytes);
  const out = JSON.parse(python(UNZIP_AND_INSPECT, {}, [file, join(dir, "x")]));
  return { dir: join(dir, "x"), ...out };
}

function entryText(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}

const uvLib = {
  "pyproject.toml": `[project]
name = "Library"
version = "0.1.0"
description = "Add your description here"
readme = "README.md"
requires-python = ">=3.13"
license = "MIT"
dependencies = ["sniffio>=1.3", "idna; python_version >= '3.8'"]

[project.optional-dependencies]
fast = ["orjson", "ujson; sys_platform == 'linux'"]

[project.scripts]
library = "library:main"

[project.entry-points."library.plugins"]
b = "library:b"
a = "library:a"

[build-system]
requires = ["uv_build>=0.8.4,<0.9.0"]
build-backend = "uv_build"
`,
  "README.md": "# library\n",
  "src/library/__init__.py":
    'def hello() -> str:\n    return "Hello from library!"\n\ndef main() -> None:\n    print(hello())\n',
  "src/library/py.typed": "",
  "src/library/__pycache__/x.cpython-313.pyc": "junk",
  "tests/test_library.py": "",
  ".venv/lib/x.py": "",
};

describe("buildMemberWheel", () => {
  it("builds a uv_build library (uv init --lib) with exact METADATA, WHEEL, entry points and RECORD", async () => {
    const dir = makeTree(uvLib);
    const wheel = await buildMemberWheel(dir, { name: "library", version: "0.1.0" });
    expect(wheel.filename).toBe("library-0.1.0-py3-none-any.whl");
    expect(wheel.backend).toBe("uv_build");
    expect(wheel.sha256).toBe(createHash("sha256").update(wheel.bytes).digest("hex"));
    if (!hasPython) return; // the oracle below needs python3
    const z = inspect(wheel);
    expect(z.recordOk).toBe(true);
    expect(z.modes).toEqual([0o644]);
    expect([...z.names].sort()).toEqual([
      "library-0.1.0.dist-info/METADATA",
      "library-0.1.0.dist-info/RECORD",
      "library-0.1.0.dist-info/WHEEL",
      "library-0.1.0.dist-info/entry_points.txt",
      "library/__init__.py",
      "library/py.typed",
    ]);
    expect(entryText(z.dir, "library-0.1.0.dist-info/METADATA")).toBe(`Metadata-Version: 2.4
Name: Library
Version: 0.1.0
Summary: Add your description here
License-Expression: MIT
Requires-Python: >=3.13
Requires-Dist: sniffio>=1.3
Requires-Dist: idna; python_version >= '3.8'
Requires-Dist: orjson; extra == "fast"
Requires-Dist: ujson; (sys_platform == 'linux') and extra == "fast"
Provides-Extra: fast
`);
    expect(entryText(z.dir, "library-0.1.0.dist-info/WHEEL")).toBe(
      "Wheel-Version: 1.0\nGenerator: tspack\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    );
    expect(entryText(z.dir, "library-0.1.0.dist-info/entry_points.txt")).toBe(
      "[console_scripts]\nlibrary = library:main\n\n[library.plugins]\na = library:a\nb = library:b\n",
    );
    const record = entryText(z.dir, "library-0.1.0.dist-info/RECORD").split("\n");
    expect(record.slice(-2)).toEqual(["library-0.1.0.dist-info/RECORD,,", ""]);
    expect(record[0]).toMatch(/^library\/__init__\.py,sha256=[A-Za-z0-9_-]{43},\d+$/);
    // Python imports the package and reads the metadata through importlib.
    const out = python(
      "import library, importlib.metadata as m; print(library.hello()); print(m.version('library')); print(sorted(e.name for e in m.entry_points(group='library.plugins')))",
      { PYTHONPATH: z.dir },
    );
    expect(out).toBe("Hello from library!\n0.1.0\n['a', 'b']\n");
  });

  it("is deterministic: the same input gives the same bytes", async () => {
    const a = await buildMemberWheel(makeTree(uvLib), { name: "library" });
    const b = await buildMemberWheel(makeTree(uvLib), { name: "library" });
    expect(b.sha256).toBe(a.sha256);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
  });

  it("builds the examples/workspace member", async () => {
    const dir = fileURLToPath(new URL("../../../examples/workspace/library/", import.meta.url));
    const wheel = await buildMemberWheel(dir, { name: "library", version: "0.1.0" });
    expect(wheel.filename).toBe("library-0.1.0-py3-none-any.whl");
    if (!hasPython) return;
    const z = inspect(wheel);
    expect(z.recordOk).toBe(true);
    expect([...z.names].sort()).toEqual([
      "library-0.1.0.dist-info/METADATA",
      "library-0.1.0.dist-info/RECORD",
      "library-0.1.0.dist-info/WHEEL",
      "library/__init__.py",
      "library/py.typed",
    ]);
  });

  // One case per backend layout: files, the module to import, and what it prints.
  const backends: Array<{
    title: string;
    files: Record<string, string>;
    name: string;
    wheelFiles: string[];
    check: string;
    expected: string;
  }> = [
    {
      title: "hatchling src layout with a dynamic version from a file",
      name: "hpkg",
      files: {
        "pyproject.toml": `[project]\nname = "hpkg"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "src/hpkg/__about__.py"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`,
        "src/hpkg/__init__.py": "from .__about__ import __version__\n",
        "src/hpkg/__about__.py": '__version__ = "1.2.3"\n',
        "src/hpkg/data/table.json": "{}\n",
      },
      wheelFiles: ["hpkg/__about__.py", "hpkg/__init__.py", "hpkg/data/table.json"],
      check: "import hpkg; print(hpkg.__version__)",
      expected: "1.2.3\n",
    },
    {
      title: "hatchling with tool.hatch.build.targets.wheel.packages and exclude",
      name: "h2",
      files: {
        "pyproject.toml": `[project]\nname = "h2"\nversion = "2.0"\n[tool.hatch.build.targets.wheel]\npackages = ["lib/h2"]\nexclude = ["*.md"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`,
        "lib/h2/__init__.py": "X = 2\n",
        "lib/h2/NOTES.md": "",
      },
      wheelFiles: ["h2/__init__.py"],
      check: "import h2; print(h2.X)",
      expected: "2\n",
    },
    {
      title: "setuptools src layout (auto-discovery) with subpackage, py.typed and attr version",
      name: "spkg",
      files: {
        "pyproject.toml": `[project]\nname = "spkg"\ndynamic = ["version"]\n[tool.setuptools]\ninclude-package-data = false\n[tool.setuptools.package-data]\nspkg = ["*.txt"]\n[tool.setuptools.dynamic]\nversion = { attr = "spkg.__version__" }\n[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n`,
        "setup.py": "from setuptools import setup\n\nsetup()\n",
        "src/spkg/__init__.py": '__version__ = "3.1"\nfrom .sub import mod\n',
        "src/spkg/py.typed": "",
        "src/spkg/words.txt": "w\n",
        "src/spkg/skip.json": "{}\n",
        "src/spkg/sub/__init__.py": "",
        "src/spkg/sub/mod.py": "V = 'sub'\n",
      },
      wheelFiles: ["spkg/__init__.py", "spkg/py.typed", "spkg/sub/__init__.py", "spkg/sub/mod.py", "spkg/words.txt"],
      check: "import spkg; print(spkg.mod.V, spkg.__version__)",
      expected: "sub 3.1\n",
    },
    {
      title: "setuptools explicit packages with package-dir and py-modules",
      name: "s2",
      files: {
        "pyproject.toml": `[project]\nname = "s2"\nversion = "1"\n[tool.setuptools]\npackages = ["s2"]\npackage-dir = { "" = "lib" }\npy-modules = ["s2_helper"]\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n`,
        "lib/s2/__init__.py": "from s2_helper import H\n",
        "lib/s2_helper.py": "H = 'helper'\n",
        "lib/other/__init__.py": "",
      },
      wheelFiles: ["s2/__init__.py", "s2_helper.py"],
      check: "import s2; print(s2.H)",
      expected: "helper\n",
    },
    {
      title: "setuptools flat layout, no build-system (legacy backend), packages.find absent",
      name: "flatpkg",
      files: {
        "pyproject.toml": `[project]\nname = "flatpkg"\nversion = "0.0.1"\n`,
        "flatpkg/__init__.py": "OK = True\n",
        "flatpkg/res/logo.svg": "<svg/>\n",
        "tests/__init__.py": "",
        "docs/conf.py": "",
      },
      wheelFiles: ["flatpkg/__init__.py", "flatpkg/res/logo.svg"],
      check: "import flatpkg; print(flatpkg.OK)",
      expected: "True\n",
    },
    {
      title: "setuptools packages.find with where/include/exclude",
      name: "findpkg",
      files: {
        "pyproject.toml": `[project]\nname = "findpkg"\nversion = "1"\n[tool.setuptools.packages.find]\nwhere = ["src"]\ninclude = ["findpkg*"]\nexclude = ["findpkg.tests*"]\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n`,
        "src/findpkg/__init__.py": "from . import core\n",
        "src/findpkg/core.py": "C = 1\n",
        "src/findpkg/tests/__init__.py": "",
        "src/findpkg/tests/test_core.py": "",
        "src/otherpkg/__init__.py": "",
      },
      wheelFiles: ["findpkg/__init__.py", "findpkg/core.py"],
      check: "import findpkg; print(findpkg.core.C)",
      expected: "1\n",
    },
    {
      title: "flit with version and description from the module",
      name: "fpkg",
      files: {
        "pyproject.toml": `[project]\nname = "fpkg"\ndynamic = ["version", "description"]\n[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n`,
        "fpkg/__init__.py": '"""Fast packaging."""\n\n__version__ = "0.9"\n',
        "fpkg/static/app.js": "1;\n",
      },
      wheelFiles: ["fpkg/__init__.py", "fpkg/static/app.js"],
      check: "import fpkg, importlib.metadata as m; print(fpkg.__version__, m.metadata('fpkg')['Summary'])",
      expected: "0.9 Fast packaging.\n",
    },
    {
      title: "pdm src layout with excludes and a file version",
      name: "ppkg",
      files: {
        "pyproject.toml": `[project]\nname = "ppkg"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "file"\npath = "src/ppkg/__init__.py"\n[tool.pdm.build]\nexcludes = ["**/*.bak"]\n[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n`,
        "src/ppkg/__init__.py": '__version__ = "4.0.0"\n',
        "src/ppkg/old.bak": "",
        "src/ppkg_extra.py": "E = 1\n",
      },
      wheelFiles: ["ppkg/__init__.py", "ppkg_extra.py"],
      check: "import ppkg, ppkg_extra; print(ppkg.__version__, ppkg_extra.E)",
      expected: "4.0.0 1\n",
    },
  ];

  it.each(backends)("$title", async ({ files, name, wheelFiles, check, expected }) => {
    const wheel = await buildMemberWheel(makeTree(files), { name });
    if (!hasPython) return;
    const z = inspect(wheel);
    expect(z.recordOk).toBe(true);
    expect(z.names.filter((n) => !n.includes(".dist-info/")).sort()).toEqual(wheelFiles);
    expect(python(check, { PYTHONPATH: z.dir })).toBe(expected);
  });

  it("rejects a pyproject whose name differs from the lock's", async () => {
    await expect(buildMemberWheel(makeTree(uvLib), { name: "other" })).rejects.toMatchObject({
      code: "TSPACK_PYPROJECT_INVALID",
      message: expect.stringContaining('is named "Library" in its pyproject.toml'),
    });
  });

  it("rejects a version that disagrees with the lock", async () => {
    await expect(buildMemberWheel(makeTree(uvLib), { name: "library", version: "0.2.0" })).rejects.toMatchObject({
      code: "TSPACK_PYPROJECT_INVALID",
      message: 'The member "library" has version "0.1.0" but the lock says "0.2.0"',
      hint: "The lock is out of date: run `uv lock`.",
    });
  });
});
