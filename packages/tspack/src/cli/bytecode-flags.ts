/**
 * Bytecode flags of `install`, `pip install` and `build`: `--compile-bytecode` / `--no-compile-bytecode`
 * (the last one given wins), else `UV_COMPILE_BYTECODE`; `--invalidation-mode`; `--python-interpreter`,
 * else `UV_PYTHON` when it is a path. `build` passes only the flags: the library reads the variable and
 * `[tool.tspack]` itself, and decides the layout's default (on for dir).
 */
import { INVALIDATION_MODES, type InvalidationMode } from "@tspack/bytecode";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { envBool } from "../uv-env.js";
import { flagString } from "./args.js";
import type { CommandContext } from "./context.js";

/** What the flags ask for: `compile` undefined when neither a flag nor (when read) the variable says. */
export interface BytecodeFlags {
  compile: boolean | undefined;
  mode?: InvalidationMode;
  python?: string;
}

/** Parses `--invalidation-mode` (never `timestamp`: such pycs are stale in a zip with fixed dates). */
export function parseInvalidationMode(value: string, what: string): InvalidationMode {
  if ((INVALIDATION_MODES as readonly string[]).includes(value)) return value as InvalidationMode;
  throw new TspackError(ERROR_CODES.USAGE, `${what} "${value}" is not an invalidation mode tspack writes`, {
    hint:
      value === "timestamp"
        ? "Timestamp pycs are stale in an artifact whose dates are fixed (Python recompiles them); use checked-hash or unchecked-hash"
        : `Use one of: ${INVALIDATION_MODES.join(", ")}`,
  });
}

/** `readEnv` false: UV_COMPILE_BYTECODE is left to the library (build). */
export function bytecodeFlags(ctx: CommandContext, readEnv = true): BytecodeFlags {
  const flag = ctx.flags["compile-bytecode"];
  const mode = flagString(ctx.flags, "invalidation-mode");
  const uvPython = ctx.env.UV_PYTHON;
  const python =
    flagString(ctx.flags, "python-interpreter") ??
    (uvPython && (uvPython.includes("/") || uvPython.includes("\\")) ? uvPython : undefined);
  return {
    compile: typeof flag === "boolean" ? flag : readEnv ? envBool(ctx.env, "UV_COMPILE_BYTECODE") : undefined,
    ...(mode === undefined ? {} : { mode: parseInvalidationMode(mode, "--invalidation-mode") }),
    ...(python === undefined ? {} : { python }),
  };
}
