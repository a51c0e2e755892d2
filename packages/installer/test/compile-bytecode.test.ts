import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { nativePython } from "../../../test/helpers/native-python.js";
import { installWheels, pythonFiles } from "../src/index.js";
import { errorOf, removeSandboxes, sandbox, wheelInputs } from "./fs-fixture.js";

// A host interpreter keeps this test fast; the Pyodide default is the same code path after the compiler
// (packages/bytecode tests it, and test/e2e installs with it).
const python = nativePython(13);

afterAll(removeSandboxes);

const wheel = makeWheel({
  name: "comp",
  version: "1.0",
  files: { "comp/__init__.py": "X = 1\n", "comp/broken.py": "def (:\n" },
  entryPoints: { console_scripts: { comp: "comp:main" } },
  data: { scripts: { "tool.py": "#!python\nprint(1)\n" } },
});

describe("pythonFiles", () => {
  it("lists .py files, leaving out __pycache__ and the top-level entries asked", () => {
    const box = sandbox("pyfiles");
    for (const p of ["a.py", "pkg/b.py", "pkg/__pycache__/c.py", "bin/d.py", "pkg/e.txt"]) {
      mkdirSync(join(box, p, ".."), { recursive: true });
      writeFileSync(join(box, p), "");
    }
    expect(pythonFiles(box, new Set(["bin"]))).toEqual(["a.py", "pkg/b.py"]);
  });
});

describe.skipIf(!python)("install --compile-bytecode with a host python3.13", () => {
  it("writes checked-hash pycs that name the final path, skipping broken files and bin/", async () => {
    const box = sandbox("pyc");
    const dest = join(box, "t");
    const r = await installWheels(wheelInputs(box, [wheel]), {
      dest,
      layout: "target",
      python: [3, 13],
      compileBytecode: { python: python! },
    });
    expect(readdirSync(join(dest, "comp/__pycache__"))).toEqual(["__init__.cpython-313.pyc"]);
    expect(readdirSync(join(dest, "bin"))).toEqual(["comp", "tool.py"]);
    const pyc = readFileSync(join(dest, "comp/__pycache__/__init__.cpython-313.pyc"));
    expect(pyc.subarray(0, 4).toString("hex")).toBe("f30d0d0a");
    expect(pyc.readUInt32LE(4)).toBe(0b11); // hash-based, check_source on (checked-hash)
    expect(pyc.includes(Buffer.from(join(dest, "comp/__init__.py")))).toBe(true);
    expect(pyc.includes(Buffer.from(".tspack"))).toBe(false);
    expect(r.bytecode).toMatchObject({ pycs: 1, compiled: 2, skipped: [{ path: "comp/broken.py" }] });
    expect(r.warnings.join("\n")).toContain("broken.py");
    // RECORD does not list .pyc (like uv and pip)
    expect(readFileSync(join(dest, "comp-1.0.dist-info/RECORD"), "utf8")).not.toContain(".pyc");
  });

  it("unchecked-hash on request", async () => {
    const box = sandbox("pyc");
    const dest = join(box, "t");
    await installWheels(wheelInputs(box, [wheel]), {
      dest,
      layout: "prefix",
      python: [3, 13],
      compileBytecode: { python: python!, mode: "unchecked-hash" },
    });
    const pyc = readFileSync(join(dest, "lib/python3.13/site-packages/comp/__pycache__/__init__.cpython-313.pyc"));
    expect(pyc.readUInt32LE(4)).toBe(0b01);
  });

  it("refuses an interpreter whose X.Y is not the target's, before writing anything", async () => {
    const box = sandbox("pyc");
    const e = await errorOf(() =>
      installWheels(wheelInputs(box, [wheel]), {
        dest: join(box, "t"),
        layout: "target",
        python: [3, 12],
        compileBytecode: { python: python! },
      }),
    );
    expect(e).toContain("TSPACK_TOOL_FAILED");
    expect(e).toContain("but the target is 3.12");
    expect(readdirSync(box)).toEqual(["wheels"]);
  });
});
if (!python)
  describe.skip("python3.13 is not installed: install --compile-bytecode with a host interpreter is not tested", () => {});
