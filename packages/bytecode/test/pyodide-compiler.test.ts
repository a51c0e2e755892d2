/**
 * The Pyodide compiler for Python 3.13 (one instance for the whole file: loading it takes ~2 s), over
 * real files: the examples' code and Debian's pip and setuptools wheels (when present). A native
 * CPython 3.13, when installed, loads every pyc and imports the modules from them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWithNative, nativePython, wheelSources, writeTree } from "../../../test/helpers/native-python.js";
import {
  compileBytecode,
  type MemoStore,
  PyodideCompiler,
  pycMatchesSource,
  readPycHeader,
  type SourceFile,
} from "../src/index.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const WHEELS = "/usr/share/python-wheels";
const PREFIX = "/var/task/";

/** The examples' Python files (the project's own fixtures), as one tree. */
/** A module whose RESULT exercises the compiler (comprehensions, match, f-strings, big ints, frozensets). */
const CALC = `
def f(n):
    match n:
        case 0: return "zero"
        case [a, *rest]: return f"list {a} {len(rest)}"
        case {"k": v}: return f"dict {v!r}"
        case _: return n ** 40
RESULT = [f(0), f([1, 2, 3]), f({"k": 1.5}), f(3), sorted({x % 7 for x in range(50)} & frozenset({1, 2, 3})), [y for y in (i * i for i in range(5)) if y]]
`;
const CALC_RESULT = "['zero', 'list 1 2', 'dict 1.5', 12157665459056928801, [1, 2, 3], [1, 4, 9, 16]]";

function exampleSources(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== ".venv" && e.name !== "node_modules") walk(p);
      else if (e.name.endsWith(".py")) out.push({ path: relative(join(REPO, "examples"), p), source: readFileSync(p) });
    }
  };
  walk(join(REPO, "examples"));
  out.push({ path: "calc.py", source: Buffer.from(CALC) });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Debian's wheels' sources (pip, setuptools), when the folder exists. */
function debianSources(): SourceFile[] {
  if (!existsSync(WHEELS)) return [];
  return readdirSync(WHEELS)
    .filter((n) => n.endsWith(".whl"))
    .sort()
    .flatMap((n) => wheelSources(join(WHEELS, n), (p) => readFileSync(p)));
}

/** An in-memory MemoStore, counting its calls. */
class MapStore implements MemoStore {
  readonly map = new Map<string, Uint8Array>();
  async get(kind: string, key: string) {
    return this.map.get(`${kind}/${key}`);
  }
  async put(kind: string, key: string, bytes: Uint8Array) {
    if (!this.map.has(`${kind}/${key}`)) this.map.set(`${kind}/${key}`, bytes);
  }
}

let starts = 0;
const compiler = new PyodideCompiler(13, { onStart: () => starts++ });
const dirs: string[] = [];
afterAll(async () => {
  await compiler.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const examples = exampleSources();
const debian = debianSources();
const memo = new MapStore();
let first: Awaited<ReturnType<typeof compileBytecode>>;

beforeAll(async () => {
  first = await compileBytecode([...examples, ...debian], { minor: 13, prefix: PREFIX, compiler, memo });
}, 120_000);

describe("PyodideCompiler (Python 3.13)", () => {
  it("compiles every real file to a checked-hash pyc with magic, flags, source hash and run-time name", () => {
    if (debian.length === 0) console.warn(`${WHEELS} is absent: only the examples' files are compiled`);
    expect(examples.length).toBeGreaterThan(3);
    expect(first.skipped).toEqual([]);
    expect(first.pycs.length).toBe(examples.length + debian.length);
    expect(first.compiled).toBe(examples.length + debian.length);
    const byPath = new Map([...examples, ...debian].map((f) => [f.path, f.source]));
    for (const p of first.pycs) {
      const h = readPycHeader(p.bytes);
      expect(h).toMatchObject({ magic: "f30d0d0a", minor: 13, flags: 3, mode: "checked-hash" });
      expect(pycMatchesSource(p.bytes, 13, byPath.get(p.source)!)).toBe(true);
      // co_filename is in the marshalled code: the run-time name, never a path of this machine.
      expect(Buffer.from(p.bytes).includes(Buffer.from(`${PREFIX}${p.source}`))).toBe(true);
    }
    expect(starts).toBe(1);
  });

  it("is deterministic: compiling again gives the same bytes", async () => {
    const again = await compileBytecode(examples, { minor: 13, prefix: PREFIX, compiler });
    const before = new Map(first.pycs.map((p) => [p.path, p.bytes]));
    expect(again.compiled).toBe(examples.length);
    for (const p of again.pycs) expect(Buffer.from(p.bytes).equals(Buffer.from(before.get(p.path)!))).toBe(true);
  });

  it("a warm run takes every pyc from the memo store and never starts the compiler", async () => {
    let warmStarts = 0;
    const cold = new PyodideCompiler(13, { onStart: () => warmStarts++ });
    try {
      const warm = await compileBytecode([...examples, ...debian], { minor: 13, prefix: PREFIX, compiler: cold, memo });
      expect(warmStarts).toBe(0);
      expect(warm.compiled).toBe(0);
      expect(warm.fromMemo).toBe(examples.length + debian.length);
      expect(warm.pycs.map((p) => Buffer.from(p.bytes).toString("base64"))).toEqual(
        first.pycs.map((p) => Buffer.from(p.bytes).toString("base64")),
      );
      // Another embedded name is another key: a layer's pycs are never a function's.
      const layer = await compileBytecode(examples.slice(0, 1), {
        minor: 13,
        prefix: "/opt/python/lib/python3.13/site-packages/",
        compiler,
        memo,
        mode: "unchecked-hash",
      });
      expect(layer.compiled).toBe(1);
      expect(readPycHeader(layer.pycs[0]!.bytes).flags).toBe(1);
    } finally {
      await cold.close();
    }
  });

  it("ships a file that does not compile, or crashes the interpreter, as source only", async () => {
    const deep = `a = 1\nb = ${"a + ".repeat(4000)}a\n`;
    const files: SourceFile[] = [
      { path: "bad_syntax.py", source: Buffer.from("def f(:\n    pass\n") },
      { path: "deep.py", source: Buffer.from(deep) },
      { path: "after.py", source: Buffer.from("x = 1\n") },
    ];
    const r = await compileBytecode(files, { minor: 13, prefix: PREFIX, compiler, memo });
    expect(r.pycs.map((p) => p.source)).toEqual(["after.py"]);
    expect(r.skipped.map((s) => s.path)).toEqual(["bad_syntax.py", "deep.py"]);
    expect(r.skipped[0]!.reason).toMatch(/SyntaxError/);
    // The outcome is remembered: a warm run does not start a compiler for them either.
    let s = 0;
    const fresh = new PyodideCompiler(13, { onStart: () => s++ });
    const warm = await compileBytecode(files, { minor: 13, prefix: PREFIX, compiler: fresh, memo });
    expect(s).toBe(0);
    expect(warm.skipped).toEqual(r.skipped);
  }, 120_000);

  const python = nativePython(13);
  it.skipIf(!python)(
    "native CPython 3.13 loads every pyc and imports the modules from them",
    () => {
      const root = mkdtempSync(join(tmpdir(), "tspack-pyc-"));
      dirs.push(root);
      const sources = [...examples, ...debian];
      writeTree(
        root,
        sources.map((f) => ({ path: f.path, bytes: f.source })),
      );
      writeTree(root, first.pycs);
      const imports = ["layer.app", "workspace.app", "calc"];
      if (debian.length > 0)
        imports.push("pip", "pip._internal.cli.main", "pip._vendor.packaging.version", "setuptools.version");
      const report = checkWithNative(python!, root, first.pycs, PREFIX, imports);
      expect(report.errors).toEqual([]);
      expect(report.checked).toBe(first.pycs.length);
      expect(Object.keys(report.imported)).toEqual(imports);
      expect(report.imported.calc).toBe(CALC_RESULT);
    },
    120_000,
  );
  if (!python) it.skip("native CPython 3.13 is not installed: the pycs are not loaded by a real interpreter", () => {});
});
