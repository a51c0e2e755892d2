import { ERROR_CODES, TspackError } from "@tspack/errors";

/** CPython minor versions (3.X) tspack can target; Lambda offers python3.9 … python3.14. */
export const SUPPORTED_PYTHON_MINORS: readonly number[] = Object.freeze([9, 10, 11, 12, 13, 14]);

/** The Python part of a target, from a request such as `3.13`, `3.13.5` or `3.13t`. */
export interface PythonRequest {
  /** [major, minor]. */
  python: readonly [number, number];
  /** "3.13.0" for `3.13`; the patch as written otherwise. */
  pythonFullVersion: string;
  /** True for a `t` suffix (free-threaded build, PEP 703). */
  freeThreaded: boolean;
}

const REQUEST = /^(?:cpython|cp)?-?(\d+)\.(\d+)(?:\.(\d+))?(t)?$/i;

/**
 * Parses uv-style `--python` values: `3.13` (→ full version "3.13.0"), `3.13.5`, `3.13t`,
 * `3.13.5t`. Only CPython 3.9–3.14 is accepted; free-threading only from 3.13 on.
 */
export function parsePythonRequest(request: string): PythonRequest {
  const m = REQUEST.exec(request.trim());
  if (m === null) {
    throw new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python version "${request}" is invalid: expected a version such as 3.13, 3.13.5 or 3.13t`,
      { hint: `Supported versions: ${supportedList()}`, details: { python: request } },
    );
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  const freeThreaded = m[4] !== undefined;
  if (major !== 3 || !SUPPORTED_PYTHON_MINORS.includes(minor)) {
    throw new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python version "${request}" is not supported: tspack targets CPython ${supportedList()}`,
      { hint: "AWS Lambda offers the runtimes python3.9 to python3.14", details: { python: request } },
    );
  }
  if (freeThreaded && minor < 13) {
    throw new TspackError(
      ERROR_CODES.TARGET_INVALID,
      `The Python version "${request}" is not supported: free-threaded builds exist only for CPython 3.13 and later`,
      { hint: `Use "3.${minor}" (GIL build)`, details: { python: request } },
    );
  }
  return { python: [major, minor], pythonFullVersion: `${major}.${minor}.${patch}`, freeThreaded };
}

function supportedList(): string {
  return SUPPORTED_PYTHON_MINORS.map((m) => `3.${m}`).join(", ");
}
