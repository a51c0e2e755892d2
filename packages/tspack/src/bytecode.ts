/**
 * The bytecode stage of `build` (issue 15): adds a hash-based pyc for every `.py` file of an artifact,
 * compiled for the target's Python by @tspack/bytecode (Pyodide in a worker thread, or a host interpreter),
 * with the file name the module has at run time (`/var/task/<path>` for a function or a task root,
 * `/opt/<path>` = `/opt/python/lib/python3.X/site-packages/…` for a layer), like `compileall -d`.
 * Pycs come from the memo store when they can (a warm build never starts the compiler). With
 * `bytecodeOnly`, a compiled module ships as `mod.pyc` in place of `mod.py` (Python's sourceless
 * import). A file that does not compile ships as source only, with a note.
 */
import {
  compileBytecode,
  createCompiler,
  type InvalidationMode,
  type MemoStore,
  type PyCompiler,
  type SkippedFile,
  type SourceFile,
} from "@tspack/bytecode";

/** Where a function's or task root's files are at run time. */
export const TASK_ROOT = "/var/task/";
/** Where a layer's files are at run time (its `python/…` paths are under it). */
export const LAYER_ROOT = "/opt/";

/** What the stage needs of an artifact file. */
export interface StageFile {
  path: string;
  mode: number;
  owner: string;
}

/** One artifact's files and where its root is at run time. */
export interface BytecodeGroup<F extends StageFile> {
  files: F[];
  root: string;
}

/** How a build compiles bytecode (resolved from its options, the CLI and `[tool.tspack]`). */
export interface BuildBytecodeOptions {
  /** `checked-hash` (default) or `unchecked-hash`. */
  mode?: InvalidationMode;
  /** Ship `mod.pyc` instead of `mod.py` (smaller; tracebacks without source lines). */
  bytecodeOnly?: boolean;
  /** A CPython of the target's X.Y on this machine, instead of tspack's Pyodide. */
  pythonInterpreter?: string;
}

/** What the stage did, for the build's events and build.json. */
export interface BytecodeSummary {
  pycs: number;
  compiled: number;
  fromMemo: number;
  skipped: SkippedFile[];
}

/** A dependency's scripts and headers are not modules (uv compiles site-packages only). */
function compiles(f: StageFile): boolean {
  if (!f.path.endsWith(".py")) return false;
  if (f.owner !== "project" && (f.path.startsWith("bin/") || f.path.startsWith("include/"))) return false;
  return !f.path.includes("/__pycache__/") && !f.path.startsWith("__pycache__/");
}

/**
 * Adds the pycs of every group's `.py` files, compiled by one compiler (the build's). `read` gives a
 * file's bytes, `make` a new file like another (its owner and mode) with the given path and bytes.
 * Returns each group's files with pycs added (and, with `bytecodeOnly`, compiled sources removed).
 */
export async function addBytecode<F extends StageFile>(
  groups: ReadonlyArray<BytecodeGroup<F>>,
  read: (f: F) => Uint8Array,
  make: (like: F, path: string, data: Uint8Array) => F,
  settings: { minor: number; compiler: PyCompiler; memo?: MemoStore } & BuildBytecodeOptions,
): Promise<{ groups: F[][]; summary: BytecodeSummary }> {
  const summary: BytecodeSummary = { pycs: 0, compiled: 0, fromMemo: 0, skipped: [] };
  const out: F[][] = [];
  for (const g of groups) {
    const py = g.files.filter(compiles);
    const byPath = new Map(py.map((f) => [f.path, f]));
    const sources: SourceFile[] = py.map((f) => ({ path: f.path, source: read(f) }));
    const r = await compileBytecode(sources, {
      minor: settings.minor,
      prefix: g.root,
      compiler: settings.compiler,
      ...(settings.mode === undefined ? {} : { mode: settings.mode }),
      ...(settings.memo === undefined ? {} : { memo: settings.memo }),
    });
    summary.pycs += r.pycs.length;
    summary.compiled += r.compiled;
    summary.fromMemo += r.fromMemo;
    summary.skipped.push(...r.skipped);
    if (settings.bytecodeOnly) {
      const compiled = new Set(r.pycs.map((p) => p.source));
      const kept = g.files.filter((f) => !compiled.has(f.path));
      // Sourceless modules: `pkg/mod.pyc` beside where `pkg/mod.py` was (importlib's legacy location).
      const pycs = r.pycs.map((p) => {
        const like = byPath.get(p.source)!;
        return make(like, `${p.source}c`, p.bytes);
      });
      out.push([...kept, ...pycs]);
    } else {
      out.push([...g.files, ...r.pycs.map((p) => make(byPath.get(p.source)!, p.path, p.bytes))]);
    }
  }
  return { groups: out, summary };
}

/** The build's one compiler (nothing starts until a file must be compiled); close it when the build ends. */
export function buildCompiler(minor: number, options: BuildBytecodeOptions): PyCompiler {
  return createCompiler(
    minor,
    options.pythonInterpreter === undefined ? {} : { pythonInterpreter: options.pythonInterpreter },
  );
}
