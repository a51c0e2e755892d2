import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { Arch, Target } from "./target.js";

/** One AWS Lambda Python runtime and the platform it runs on. */
export interface LambdaRuntime {
  /** Runtime identifier, e.g. `python3.13`. */
  runtime: string;
  /** Python version, e.g. `3.13`. */
  python: string;
  /** Operating system of the execution environment. */
  os: "Amazon Linux 2" | "Amazon Linux 2023";
  /** glibc of that OS: 2.26 on Amazon Linux 2, 2.34 on Amazon Linux 2023. */
  glibc: readonly [number, number];
  /** The interpreter inside the execution environment. */
  interpreter: string;
  /** The AWS base container image. */
  baseImage: string;
}

function runtime(minor: number): LambdaRuntime {
  const al2023 = minor >= 12;
  return Object.freeze({
    runtime: `python3.${minor}`,
    python: `3.${minor}`,
    os: al2023 ? "Amazon Linux 2023" : "Amazon Linux 2",
    glibc: Object.freeze(al2023 ? ([2, 34] as const) : ([2, 26] as const)),
    interpreter: `/var/lang/bin/python3.${minor}`,
    baseImage: `public.ecr.aws/lambda/python:3.${minor}`,
  });
}

/** The Lambda Python runtimes, oldest first: python3.9–3.11 on Amazon Linux 2, 3.12–3.14 on AL2023. */
export const LAMBDA_RUNTIMES: readonly LambdaRuntime[] = Object.freeze([9, 10, 11, 12, 13, 14].map(runtime));

/** Lambda's architecture names (`x86_64`, `arm64`) plus `aarch64`, mapped to the platform-tag spelling. */
export function normalizeArch(arch: string): Arch {
  switch (arch.trim().toLowerCase()) {
    case "x86_64":
      return "x86_64";
    case "arm64":
    case "aarch64":
      return "aarch64";
    default:
      throw new TspackError(
        ERROR_CODES.TARGET_INVALID,
        `The architecture "${arch}" is not supported: AWS Lambda runs x86_64 or arm64`,
        { hint: "Use x86_64 or arm64 (aarch64 is accepted as a synonym for arm64)", details: { arch } },
      );
  }
}

/** Looks up a runtime such as `python3.13`; undefined when Lambda has no such runtime. */
export function findLambdaRuntime(name: string): LambdaRuntime | undefined {
  const key = name.trim().toLowerCase();
  return LAMBDA_RUNTIMES.find((r) => r.runtime === key);
}

/**
 * The target for a Lambda runtime and architecture, e.g. `targetFromRuntime("python3.13", "arm64")`
 * → CPython 3.13.0, aarch64, glibc 2.34. Throws TSPACK_TARGET_INVALID for unknown runtimes.
 */
export function targetFromRuntime(name: string, arch: "x86_64" | "arm64" | "aarch64"): Target {
  const r = findLambdaRuntime(name);
  if (r === undefined) {
    throw new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Lambda runtime "${name}" is not supported: unknown Python runtime`,
      {
        hint: `Supported runtimes: ${LAMBDA_RUNTIMES.map((x) => x.runtime).join(", ")}`,
        details: { runtime: name },
      },
    );
  }
  const minor = Number(r.python.slice(2));
  return {
    implementation: "cpython",
    pythonFullVersion: `3.${minor}.0`,
    python: [3, minor],
    arch: normalizeArch(arch),
    glibc: r.glibc,
    freeThreaded: false,
  };
}
