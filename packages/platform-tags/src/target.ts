/**
 * A target is explicit data; nothing here reads the host.
 */

/** CPU architecture as Python's platform tags spell it. Lambda's `arm64` is `aarch64`. */
export type Arch = "x86_64" | "aarch64";

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
