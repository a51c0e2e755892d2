import { spawnSync } from "node:child_process";
import { ERROR_CODES, TspackError } from "@tspack/errors";

/** Bytecode compilation settings. */
export interface CompileBytecodeOptions {
  /** The interpreter to run (`python3.13`, `/usr/bin/python3`); its X.Y must be the target's. */
  python: string;
}

/** What {@link compileBytecode} did. */
export interface CompileBytecodeResult {
  /** Paths (dirs and files) handed to compileall. */
  roots: number;
  /** compileall's exit status (1 when some file has a syntax error; such files are skipped, like uv). */
  status: number;
  /** compileall's output (errors only, `-q`). */
  output: string;
}

/**
 * Checks that `python` runs and is the target's X.Y (`python -c "import sys;print(sys.version_info[:2])"`),
 * else TSPACK_TOOL_FAILED.
 */
export function checkInterpreter(python: string, target: readonly [number, number]): void {
  const r = spawnSync(python, ["-c", "import sys;print(sys.version_info[:2])"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new TspackError(
      ERROR_CODES.TOOL_FAILED,
      `The interpreter "${python}" for bytecode compilation cannot run: ${r.error?.message ?? r.stderr.trim() ?? `exit ${r.status}`}`,
      {
        hint: `Install Python ${target[0]}.${target[1]} or pass its path, or turn off bytecode compilation.`,
        cause: r.error,
      },
    );
  }
  const m = /\((\d+), (\d+)\)/.exec(r.stdout);
  if (!m || Number(m[1]) !== target[0] || Number(m[2]) !== target[1]) {
    throw new TspackError(
      ERROR_CODES.TOOL_FAILED,
      `The interpreter "${python}" is Python ${m ? `${m[1]}.${m[2]}` : r.stdout.trim()}, but the target is ${target[0]}.${target[1]}`,
      {
        hint: `Bytecode must be compiled by the target's Python: pass a python${target[0]}.${target[1]} interpreter.`,
        details: { python, got: m ? `${m[1]}.${m[2]}` : r.stdout.trim(), expected: `${target[0]}.${target[1]}` },
      },
    );
  }
}

/**
 * Runs `python -m compileall -q -j 0 --invalidation-mode unchecked-hash -s <stageDir> -p <finalDir>`
 * on `roots` (absolute paths inside `stageDir`): `.pyc` files land next to the sources in
 * `__pycache__/` and record `finalDir/...` as their source path, so they are deterministic and valid
 * once the tree is moved to `finalDir`. Files that fail to compile are skipped (status 1), like uv.
 */
export function compileBytecode(
  python: string,
  roots: ReadonlyArray<string>,
  stageDir: string,
  finalDir: string,
): CompileBytecodeResult {
  if (roots.length === 0) return { roots: 0, status: 0, output: "" };
  const args = [
    "-m",
    "compileall",
    "-q",
    "-j",
    "0",
    "--invalidation-mode",
    "unchecked-hash",
    "-s",
    stageDir,
    "-p",
    finalDir,
    ...roots,
  ];
  const r = spawnSync(python, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    throw new TspackError(
      ERROR_CODES.TOOL_FAILED,
      `Bytecode compilation with "${python}" failed: ${r.error?.message ?? (r.stderr.trim() || `exit ${r.status ?? r.signal}`)}`,
      { hint: "Run without bytecode compilation, or check the interpreter.", cause: r.error },
    );
  }
  return { roots: roots.length, status: r.status ?? 0, output: `${r.stdout}${r.stderr}`.trim() };
}
