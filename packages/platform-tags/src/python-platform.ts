import { ERROR_CODES, TspackError } from "@tspack/errors";
import { parsePythonRequest } from "./python-request.js";
import type { Arch, Target } from "./target.js";

/** One supported `--python-platform` value with its aliases (uv's `TargetTriple`). */
export interface PythonPlatform {
  /** The canonical uv name, e.g. `x86_64-manylinux_2_28`. */
  name: string;
  /** Other accepted spellings, e.g. `manylinux_2_28_x86_64`, `x86_64-unknown-linux-gnu`. */
  aliases: readonly string[];
  arch: Arch;
  /** The manylinux glibc version the platform allows up to. */
  glibc: readonly [number, number];
}

// uv (crates/uv-configuration/src/target_triple.rs) has no manylinux_2_29/_2_30 triples.
const GLIBC_MINORS = [17, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40] as const;

function buildPlatforms(): PythonPlatform[] {
  const out: PythonPlatform[] = [];
  for (const arch of ["x86_64", "aarch64"] as const) {
    const compact = arch === "x86_64" ? "x8664" : "aarch64";
    out.push({
      name: `${arch}-manylinux2014`,
      aliases: arch === "x86_64" ? [`manylinux2014_${arch}`, "x8664-manylinux2014"] : [`manylinux2014_${arch}`],
      arch,
      glibc: [2, 17],
    });
    for (const minor of GLIBC_MINORS) {
      const aliases = [`manylinux_2_${minor}_${arch}`, `${compact}-manylinux2${minor}`];
      if (minor === 28) {
        aliases.push(`${arch}-unknown-linux-gnu`);
        if (arch === "x86_64") aliases.push("x8664-unknown-linux-gnu", "linux");
      }
      out.push({ name: `${arch}-manylinux_2_${minor}`, aliases, arch, glibc: [2, minor] });
    }
  }
  return out;
}

/** Every `--python-platform` value tspack accepts: uv's manylinux triples for x86_64 and aarch64. */
export const PYTHON_PLATFORMS: readonly PythonPlatform[] = Object.freeze(buildPlatforms());

const BY_NAME: ReadonlyMap<string, PythonPlatform> = new Map(
  PYTHON_PLATFORMS.flatMap((p) => [p.name, ...p.aliases].map((n) => [n.toLowerCase(), p] as const)),
);

/**
 * The target for a uv `--python-platform` triple (or alias) and a `--python` request, e.g.
 * `targetFromPlatform("x86_64-manylinux2014", "3.13")`. Throws TSPACK_TARGET_INVALID for musl,
 * non-Linux and unknown platforms and for unsupported Python versions.
 */
export function targetFromPlatform(triple: string, python: string): Target {
  const key = triple.trim().toLowerCase();
  const platform = BY_NAME.get(key);
  if (platform === undefined) throw unsupportedPlatform(triple, key);
  const req = parsePythonRequest(python);
  return {
    implementation: "cpython",
    pythonFullVersion: req.pythonFullVersion,
    python: req.python,
    arch: platform.arch,
    glibc: platform.glibc,
    freeThreaded: req.freeThreaded,
  };
}

function unsupportedPlatform(triple: string, key: string): TspackError {
  const details = { platform: triple };
  if (key.includes("musl")) {
    return new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python platform "${triple}" is not supported: AWS Lambda runs glibc-based Amazon Linux, so musllinux wheels cannot run there`,
      { hint: 'Use a manylinux platform such as "x86_64-manylinux_2_28", or --runtime python3.13', details },
    );
  }
  if (/windows|darwin|apple|macos|ios|android|pyodide|wasm|msvc/.test(key)) {
    return new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python platform "${triple}" is not supported: AWS Lambda runs Linux (x86_64 or arm64)`,
      { hint: 'Use a manylinux platform such as "x86_64-manylinux2014" or "aarch64-manylinux2014"', details },
    );
  }
  if (/^(riscv64|i686|i386|armv7l?|ppc64(le)?|s390x|loongarch64)[-_]|_(riscv64|i686|armv7l|ppc64le|s390x)$/.test(key)) {
    return new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python platform "${triple}" is not supported: AWS Lambda runs only x86_64 and arm64 (aarch64)`,
      { hint: 'Use "x86_64-manylinux2014" or "aarch64-manylinux2014"', details },
    );
  }
  return new TspackError(
    ERROR_CODES.TARGET_INVALID,
    `The Python platform "${triple}" is not supported: unknown platform`,
    {
      hint: `Supported platforms: ${PYTHON_PLATFORMS.map((p) => p.name).join(", ")} (and aliases such as manylinux2014_x86_64, x86_64-unknown-linux-gnu, linux)`,
      details,
    },
  );
}
