/**
 * A target is explicit data; nothing here reads the host.
 */

/** CPU architecture as Python's platform tags spell it. Lambda's `arm64` is `aarch64`. */
export type Arch = "x86_64" | "aarch64";

/** The interpreter and platform wheels are chosen for (uv's `--python` + `--python-platform`). */
export interface Target {
  /** Only CPython is supported (Lambda runs CPython). */
  implementation: "cpython";
  /** Full interpreter version for markers, e.g. "3.13.0" (from `--python 3.13`) or "3.13.5". */
  pythonFullVersion: string;
  /** [major, minor], e.g. [3, 13]; derived from pythonFullVersion. */
  python: readonly [number, number];
  arch: Arch;
  /** Highest glibc the target runs, e.g. [2, 17] for manylinux2014, [2, 34] for Lambda python3.13. */
  glibc: readonly [number, number];
  /** Free-threaded build (`cp313t`); false for Lambda. */
  freeThreaded: boolean;
}

/**
 * The conservative default of uv's AWS Lambda guide: CPython 3.13 on `x86_64-manylinux2014`
 * (glibc 2.17), GIL build.
 */
export const DEFAULT_TARGET: Target = Object.freeze({
  implementation: "cpython",
  pythonFullVersion: "3.13.0",
  python: Object.freeze([3, 13] as const),
  arch: "x86_64",
  glibc: Object.freeze([2, 17] as const),
  freeThreaded: false,
});
