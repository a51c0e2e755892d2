/**
 * The bytecode stage of `build` (issue 15), between compose and write: adds a hash-based pyc for every `.py` file of an artifact,
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
  hasPyodide,
  type InvalidationMode,
  type MemoStore,
  type PyCompiler,
  PyodideCompiler,
  type SkippedFile,
  type SourceFile,
} from "@tspack/bytecode";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { TspackEvent } from "../events.js";
import { envBool } from "../uv-env.js";
import { readEntry } from "../wheels.js";
import { type Composition, checkLimit, packageSizes } from "./compose.js";

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

/** A build's bytecode settings, once decided: what the recipe key and the stage need. */
export interface BuildBytecode {
  minor: number;
  mode: InvalidationMode;
  bytecodeOnly: boolean;
  compiler: PyCompiler;
  /** Names the compiler and settings, for the zips' recipe key. */
  key(): Promise<string>;
}

/**
 * Whether a build compiles bytecode: `compileBytecode` (the CLI's `--compile-bytecode` /
 * `--no-compile-bytecode`), else `UV_COMPILE_BYTECODE`, else `[tool.tspack] compile-bytecode`, else on for
 * the dir and image layouts (a container image, like the uv guide's Dockerfile) and off for zip and layer (the
 * guide's `--no-compile-bytecode`). `bytecodeOnly` implies it. Without a compiler for the target's Python
 * (3.9, 3.10 and no `pythonInterpreter`), an explicit request is an error and the default is dropped with
 * a warning. Creates the build's one compiler (nothing starts yet); the caller closes it.
 */
export function bytecodeFor(
  options: BuildBytecodeOptions & { compileBytecode?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  config: { compileBytecode?: boolean; invalidationMode?: InvalidationMode; bytecodeOnly?: boolean },
  layout: string,
  python: readonly [number, number],
  warn: (message: string) => void,
): BuildBytecode | undefined {
  const bytecodeOnly = options.bytecodeOnly ?? config.bytecodeOnly ?? false;
  const explicit = options.compileBytecode ?? envBool(env, "UV_COMPILE_BYTECODE") ?? config.compileBytecode;
  if (explicit === false && bytecodeOnly) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      "--bytecode-only ships .pyc files, but bytecode compilation is turned off",
      {
        hint: "Leave out --no-compile-bytecode (or compile-bytecode = false), or leave out --bytecode-only",
      },
    );
  }
  const on = explicit ?? (bytecodeOnly || layout === "dir" || layout === "image");
  if (!on) return undefined;
  const minor = python[1];
  if (options.pythonInterpreter === undefined && !hasPyodide(minor)) {
    if (explicit === true || bytecodeOnly) new PyodideCompiler(minor); // throws TSPACK_USAGE with the fix
    warn(
      `No bytecode for Python 3.${minor}: tspack has no compiler for it (pass --python-interpreter with a CPython 3.${minor}); the ${layout} layout ships sources only`,
    );
    return undefined;
  }
  const mode = options.mode ?? config.invalidationMode ?? "checked-hash";
  const compiler = buildCompiler(minor, options);
  return {
    minor,
    mode,
    bytecodeOnly,
    compiler,
    key: async () => `${await compiler.identity()}|${mode}|${bytecodeOnly ? "pyc-only" : "pyc"}`,
  };
}

/**
 * The bytecode stage: a pyc for every module of every artifact (with its run-time name: `/var/task/…`, or
 * `/opt/…` for the layer), then the per-package sizes counted again with the pycs (which belong to the
 * package of their source) and Lambda's limit checked again for the zips.
 */
export async function compileArtifacts(
  composition: Composition,
  bytecode: BuildBytecode,
  input: {
    layout: string;
    plans: Parameters<typeof packageSizes>[1];
    wheelBytes: ReadonlyMap<string, number>;
    memo: MemoStore | undefined;
    emit: (e: TspackEvent) => void;
  },
): Promise<Composition> {
  const groups = composition.artifacts.map((a) => ({
    files: a.files,
    root: a.kind === "layer" ? LAYER_ROOT : TASK_ROOT,
  }));
  const { groups: files, summary } = await addBytecode(
    groups,
    (f) => (f.raw ? readEntry(f.raw.wheel, f.raw.entry) : f.data!),
    (like, path, data) => ({ path, mode: 0o644, owner: like.owner, data }),
    {
      minor: bytecode.minor,
      compiler: bytecode.compiler,
      mode: bytecode.mode,
      bytecodeOnly: bytecode.bytecodeOnly,
      ...(input.memo === undefined ? {} : { memo: input.memo }),
    },
  );
  for (const s of summary.skipped) input.emit({ type: "bytecode:source-only", path: s.path, reason: s.reason });
  input.emit({
    type: "bytecode",
    pycs: summary.pycs,
    compiled: summary.compiled,
    fromMemo: summary.fromMemo,
    skipped: summary.skipped.length,
  });
  const artifacts = composition.artifacts.map((a, i) => ({ ...a, files: files[i]! }));
  const all = artifacts.flatMap((a) => a.files);
  const packages = packageSizes(all, input.plans, input.wheelBytes);
  // Lambda's limit is for zips (function + layers); a container image (dir) holds up to 10 GB.
  if (input.layout !== "dir")
    checkLimit(
      all,
      packages,
      all.filter((f) => f.owner === "project"),
    );
  return { ...composition, artifacts, packages };
}
