/** A host interpreter (`--python-interpreter`): the same pycs through the same code, checked the same way. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkWithNative, nativePython, writeTree } from "../../../test/helpers/native-python.js";
import { compileBytecode, HostPythonCompiler, readPycHeader, type SourceFile } from "../src/index.js";

const python = nativePython(13);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FILES: SourceFile[] = [
  { path: "pkg/__init__.py", source: Buffer.from("from .mod import VALUE\nRESULT = VALUE * 2\n") },
  { path: "pkg/mod.py", source: Buffer.from("VALUE = 21\n") },
  { path: "py2.py", source: Buffer.from('print "python 2"\n') },
  { path: "nul.py", source: Buffer.from("x = 1\0\n") },
];

describe.skipIf(!python)("HostPythonCompiler (python3.13)", () => {
  it("compiles with the host's CPython; files that do not compile ship as source", async () => {
    const compiler = new HostPythonCompiler(python!, 13);
    expect(await compiler.identity()).toMatch(/^cpython 3\.13\.\d+ f30d0d0a$/);
    const r = await compileBytecode(FILES, { minor: 13, prefix: "/var/task/", compiler });
    expect(r.pycs.map((p) => p.source)).toEqual(["pkg/__init__.py", "pkg/mod.py"]);
    expect(r.skipped.map((s) => s.path)).toEqual(["py2.py", "nul.py"]);
    expect(r.skipped[0]!.reason).toMatch(/^SyntaxError/);
    for (const p of r.pycs) expect(readPycHeader(p.bytes)).toMatchObject({ minor: 13, mode: "checked-hash" });
    const root = mkdtempSync(join(tmpdir(), "tspack-pyc-"));
    dirs.push(root);
    writeTree(
      root,
      FILES.map((f) => ({ path: f.path, bytes: f.source })),
    );
    writeTree(root, r.pycs);
    const report = checkWithNative(python!, root, r.pycs, "/var/task/", ["pkg"]);
    expect(report.errors).toEqual([]);
    expect(report.imported.pkg).toBe("42");
  });

  it("refuses an interpreter of another version, or one that does not run", async () => {
    await expect(new HostPythonCompiler(python!, 12).identity()).rejects.toMatchObject({
      code: "TSPACK_TOOL_FAILED",
      message: expect.stringContaining("but the target is 3.12"),
    });
    await expect(new HostPythonCompiler("/nonexistent/python3.13", 13).identity()).rejects.toMatchObject({
      code: "TSPACK_TOOL_FAILED",
    });
  });
});
if (!python) describe.skip("python3.13 is not installed: the host-interpreter compiler is not tested", () => {});
