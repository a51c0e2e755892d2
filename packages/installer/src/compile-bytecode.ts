import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BytecodeResult,
  compileBytecode,
  createCompiler,
  type InvalidationMode,
  type MemoStore,
  type PyCompiler,
  type SourceFile,
} from "@tspack/bytecode";
import { makeDirsSync } from "@tspack/cache";

/** Bytecode compilation settings of an install (`--compile-bytecode`). */
export interface CompileBytecodeOptions {
  /**
   * A CPython of the target's X.Y on this machine (`--python-interpreter`); default: tspack's Pyodide for
   * the target's version, no Python needed.
   */
  python?: string;
  /** `checked-hash` (default) or `unchecked-hash`; never timestamp. */
  mode?: InvalidationMode;
  /** Where pycs are kept between runs (kind "pyc"). */
  memo?: MemoStore;
  /** The compiler to use (a build's one instance); default: one created for this install and closed after. */
  compiler?: PyCompiler;
}

/** The compiler an install uses: the given one, or a new one it closes itself. */
export function installCompiler(
  options: CompileBytecodeOptions,
  minor: number,
): { compiler: PyCompiler; own: boolean } {
  if (options.compiler) return { compiler: options.compiler, own: false };
  return {
    compiler: createCompiler(minor, options.python === undefined ? {} : { pythonInterpreter: options.python }),
    own: true,
  };
}

/** The `.py` files under `dir` (paths relative to it, with `/`), sorted; `skipTop` names top-level entries left out. */
export function pythonFiles(dir: string, skipTop: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (rel === "" && skipTop.has(e.name)) continue;
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "__pycache__") walk(join(abs, e.name), r);
      } else if (e.isFile() && e.name.endsWith(".py")) out.push(r);
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * Compiles every `.py` file under `libDir` (a staging tree) and writes each pyc into the `__pycache__`
 * beside its source, with `prefix + path` as its embedded name (where the file will be: the install's
 * real destination). Files that do not compile get no pyc, like uv.
 */
export async function compileTree(
  libDir: string,
  prefix: string,
  minor: number,
  compiler: PyCompiler,
  options: CompileBytecodeOptions,
  skipTop: ReadonlySet<string> = new Set(),
): Promise<BytecodeResult> {
  const files: SourceFile[] = pythonFiles(libDir, skipTop).map((path) => ({
    path,
    source: readFileSync(join(libDir, path)),
  }));
  const r = await compileBytecode(files, {
    minor,
    prefix,
    compiler,
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.memo === undefined ? {} : { memo: options.memo }),
  });
  for (const p of r.pycs) {
    const abs = join(libDir, p.path);
    makeDirsSync(join(abs, ".."));
    writeFileSync(abs, p.bytes, { mode: 0o644 });
  }
  return r;
}
