import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  DEFAULT_TARGET,
  normalizeArch,
  parsePythonRequest,
  type Target,
  targetFromPlatform,
  targetFromRuntime,
} from "@tspack/platform-tags";

/**
 * How a caller names a target; the CLI flags `--runtime`, `--arch`, `--platform` and `--python`.
 * Everything is optional: the default is {@link DEFAULT_TARGET} (x86_64, CPython 3.13, manylinux2014 —
 * the uv Lambda guide's `--python-platform x86_64-manylinux2014 --python 3.13`).
 */
export interface TargetOptions {
  /** Lambda runtime, e.g. `python3.13`: the runtime's Python and glibc (2.34 on AL2023, 2.26 on AL2). */
  runtime?: string;
  /** `x86_64` or `arm64` (`aarch64`). */
  arch?: string;
  /** uv's `--python-platform` triple, e.g. `x86_64-manylinux2014`, `aarch64-manylinux_2_28`. */
  platform?: string;
  /** `3.13` (markers see 3.13.0), `3.13.5`, or `3.13t`. */
  python?: string;
}

/** True when `t` is already a resolved {@link Target} rather than CLI-style {@link TargetOptions}. */
export function isTarget(t: TargetOptions | Target): t is Target {
  return typeof (t as Target).implementation === "string" && Array.isArray((t as Target).glibc);
}

/**
 * Turns target options into an explicit {@link Target}. Never looks at the host.
 * @throws TSPACK_TARGET_INVALID for unknown or contradictory spellings.
 */
export function resolveTarget(options: TargetOptions = {}): Target | Readonly<Target> {
  const { runtime, arch, platform, python } = options;
  if (runtime !== undefined) {
    if (platform !== undefined) {
      throw new TspackError(
        ERROR_CODES.TARGET_INVALID,
        `The options --runtime "${runtime}" and --platform "${platform}" both name a target`,
        {
          hint: "Use --runtime (Lambda's glibc) or --platform (a uv triple), not both",
        },
      );
    }
    const target = targetFromRuntime(runtime, (arch ?? "x86_64") as "x86_64");
    if (python === undefined) return target;
    const req = parsePythonRequest(python);
    if (req.python[0] !== target.python[0] || req.python[1] !== target.python[1]) {
      throw new TspackError(
        ERROR_CODES.TARGET_INVALID,
        `The Python "${python}" does not match the runtime "${runtime}"`,
        {
          hint: `Drop --python, or give a ${target.python.join(".")}.x version (e.g. --python ${target.python.join(".")}.5)`,
        },
      );
    }
    return { ...target, pythonFullVersion: req.pythonFullVersion, freeThreaded: req.freeThreaded };
  }
  if (platform !== undefined) {
    const target = targetFromPlatform(platform, python ?? "3.13");
    if (arch !== undefined && normalizeArch(arch) !== target.arch) {
      throw new TspackError(
        ERROR_CODES.TARGET_INVALID,
        `The architecture "${arch}" contradicts --platform "${platform}"`,
        {
          hint: "Drop --arch: the platform triple already names the architecture",
        },
      );
    }
    return target;
  }
  if (arch === undefined && python === undefined) return DEFAULT_TARGET;
  const a = normalizeArch(arch ?? "x86_64");
  return targetFromPlatform(`${a}-manylinux2014`, python ?? "3.13");
}
