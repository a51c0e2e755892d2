/**
 * The Pyodide of each other runtime (3.11, 3.12, 3.14) compiles a few real files with that version's
 * magic; a native CPython of the same X.Y, when installed, loads and imports them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkWithNative, nativePython, writeTree } from "../../../test/helpers/native-python.js";
import {
  compileBytecode,
  PYC_MAGIC,
  PYODIDE_RELEASES,
  PyodideCompiler,
  readPycHeader,
  type SourceFile,
} from "../src/index.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FILES: SourceFile[] = [
  { path: "app/__init__.py", source: readFileSync(join(REPO, "examples/layer/app/__init__.py")) },
  { path: "app/main.py", source: readFileSync(join(REPO, "examples/layer/app/main.py")) },
  {
    path: "calc.py",
    source: Buffer.from(
      "import sys\nRESULT = [sum(i * i for i in range(10)), {k: v for k, v in zip('ab', (1.5, 2 ** 70))}, f'{3:>4}|']\n",
    ),
  },
];

describe.each([11, 12, 14])("Pyodide for Python 3.%i", (minor) => {
  it(`compiles with ${PYODIDE_RELEASES[minor]!.package} (Pyodide ${PYODIDE_RELEASES[minor]!.pyodide}) and the 3.${minor} magic`, async () => {
    const compiler = new PyodideCompiler(minor);
    const prefix = `/opt/python/lib/python3.${minor}/site-packages/`;
    let r: Awaited<ReturnType<typeof compileBytecode>>;
    try {
      r = await compileBytecode(FILES, { minor, prefix, compiler, mode: "unchecked-hash" });
    } finally {
      await compiler.close();
    }
    expect(r.skipped).toEqual([]);
    expect(r.pycs.map((p) => p.path)).toEqual([
      `app/__pycache__/__init__.cpython-3${minor}.pyc`,
      `app/__pycache__/main.cpython-3${minor}.pyc`,
      `__pycache__/calc.cpython-3${minor}.pyc`,
    ]);
    for (const p of r.pycs) expect(readPycHeader(p.bytes)).toMatchObject({ magic: PYC_MAGIC[minor], flags: 1 });
    const python = nativePython(minor);
    if (!python) {
      console.warn(`python3.${minor} is not installed: its pycs are not loaded by a real interpreter`);
      return;
    }
    const root = mkdtempSync(join(tmpdir(), "tspack-pyc-"));
    dirs.push(root);
    writeTree(
      root,
      FILES.map((f) => ({ path: f.path, bytes: f.source })),
    );
    writeTree(root, r.pycs);
    const report = checkWithNative(python, root, r.pycs, prefix, ["app", "calc"]);
    expect(report.errors).toEqual([]);
    expect(report.checked).toBe(3);
    expect(report.imported.calc).toBe("[285, {'a': 1.5, 'b': 1180591620717411303424}, '   3|']");
  }, 120_000);
});
