import { createHash } from "node:crypto";
import type { CompileJob, PyCompiler } from "./compiler.js";
import { HostPythonCompiler } from "./host-compiler.js";
import type { MemoStore } from "./memo-store.js";
import { type InvalidationMode, PYC_MAGIC, pycBytes, pycPath } from "./pyc.js";
import { PyodideCompiler, type PyodideCompilerOptions } from "./pyodide-compiler.js";

/** A Python file of the artifact: its path inside the artifact root ("pkg/mod.py") and its bytes. */
export interface SourceFile {
  path: string;
  source: Uint8Array;
}

/** A pyc for one source file. */
export interface PycFile {
  /** The source's path ("pkg/mod.py"). */
  source: string;
  /** The pyc's path ("pkg/__pycache__/mod.cpython-313.pyc"). */
  path: string;
  bytes: Uint8Array;
}

/** A file that ships as source only, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** What {@link compileBytecode} produced. */
export interface BytecodeResult {
  /** One pyc per compiled source, in the order of the sources. */
  pycs: PycFile[];
  /** Sources that ship without a pyc (they do not compile, or crashed the compiler). */
  skipped: SkippedFile[];
  /** How many pycs (and skips) came from the memo store, and how many were compiled now. */
  fromMemo: number;
  compiled: number;
}

/** Settings of {@link compileBytecode}. */
export interface BytecodeOptions {
  /** The target's Python minor version (3.X → X). */
  minor: number;
  /** Where the artifact's root is at run time (`/var/task/`, `/opt/python/lib/python3.13/site-packages/`). */
  prefix: string;
  /** `checked-hash` (default) or `unchecked-hash`. */
  mode?: InvalidationMode;
  /** The compiler: one per build, from {@link BytecodeSession}. */
  compiler: PyCompiler;
  /** The warm-path store: pycs (and files that do not compile) are kept under the kind "pyc". */
  memo?: MemoStore;
}

const FAILED = 0x21; // "!": a memo entry for a file that does not compile (a pyc starts with its magic)

function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? `${Buffer.byteLength(p)}:${p}` : p);
  return h.digest("hex");
}

/**
 * The memo key of one pyc: sha256 of the compiler (its exact CPython version), the magic, the
 * invalidation mode, the embedded file name and the source's sha256 — everything a pyc's bytes depend on.
 */
export function pycMemoKey(
  compiler: string,
  minor: number,
  mode: InvalidationMode,
  dfile: string,
  source: Uint8Array,
): string {
  return sha256("tspack-pyc-v1", compiler, PYC_MAGIC[minor] ?? "", mode, dfile, sha256(source));
}

/**
 * Compiles `files` (every `.py` among them; other files are ignored) to hash-based pycs for Python
 * 3.`minor`, with the file names they will have at run time (`prefix + path`). Pycs found in the memo store
 * are used as they are; only the others reach the compiler, so a warm build never starts it. A file that
 * does not compile or crashes the compiler gets no pyc (it ships as source, like uv's compileall), and that
 * outcome is remembered too.
 */
export async function compileBytecode(
  files: ReadonlyArray<SourceFile>,
  options: BytecodeOptions,
): Promise<BytecodeResult> {
  const mode = options.mode ?? "checked-hash";
  const { minor, compiler, memo } = options;
  const sources = files.filter((f) => pycPath(f.path, minor) !== undefined);
  const identity = sources.length > 0 ? await compiler.identity() : "";
  const keys = sources.map((f) => pycMemoKey(identity, minor, mode, options.prefix + f.path, f.source));
  const found = memo ? await Promise.all(keys.map((k) => memo.get("pyc", k))) : keys.map(() => undefined);
  const misses: number[] = [];
  found.forEach((b, i) => {
    if (b === undefined) misses.push(i);
  });
  const jobs: CompileJob[] = misses.map((i) => ({
    source: sources[i]!.source,
    dfile: options.prefix + sources[i]!.path,
  }));
  const outcomes = await compiler.compile(jobs);
  const fresh = new Map<number, Uint8Array>();
  const writes: Promise<void>[] = [];
  misses.forEach((i, j) => {
    const o = outcomes[j]!;
    const bytes =
      "code" in o
        ? pycBytes(minor, mode, sources[i]!.source, o.code)
        : new Uint8Array([FAILED, ...new TextEncoder().encode("error" in o ? o.error : `crash: ${o.crash}`)]);
    fresh.set(i, bytes);
    if (memo) writes.push(memo.put("pyc", keys[i]!, bytes));
  });
  await Promise.all(writes);
  const pycs: PycFile[] = [];
  const skipped: SkippedFile[] = [];
  sources.forEach((f, i) => {
    const bytes = found[i] ?? fresh.get(i)!;
    if (bytes[0] === FAILED) skipped.push({ path: f.path, reason: new TextDecoder().decode(bytes.subarray(1)) });
    else pycs.push({ source: f.path, path: pycPath(f.path, minor)!, bytes });
  });
  return { pycs, skipped, fromMemo: sources.length - misses.length, compiled: misses.length };
}

/** How a build compiles: with tspack's Pyodide (default) or a host interpreter. */
export interface BytecodeSessionOptions extends PyodideCompilerOptions {
  /** A CPython of the target's X.Y on this machine (`--python-interpreter`), instead of Pyodide. */
  pythonInterpreter?: string;
}

/** The one compiler of a build: created without starting anything; {@link PyCompiler.close} it at the end. */
export function createCompiler(minor: number, options: BytecodeSessionOptions = {}): PyCompiler {
  return options.pythonInterpreter !== undefined
    ? new HostPythonCompiler(options.pythonInterpreter, minor)
    : new PyodideCompiler(minor, options);
}
