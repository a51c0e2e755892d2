import { TspackError } from "@tspack/errors";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DRIVE = /^[A-Za-z]:/;

/** An empty, "." or ".." segment anywhere (checked before splitting: valid paths are the common case). */
const BAD_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/** Why `path` cannot be a zip entry path, or undefined when it is valid. */
function invalidReason(path: string): string | undefined {
  if (path === "") return "it is empty";
  if (!BAD_SEGMENT.test(path) && !CONTROL.test(path) && !path.includes("\\") && !DRIVE.test(path)) {
    return LONE_SURROGATE.test(path) ? "it contains a lone UTF-16 surrogate" : undefined;
  }
  const control = CONTROL.exec(path);
  if (control !== null) {
    return `it contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  }
  if (LONE_SURROGATE.test(path)) return "it contains a lone UTF-16 surrogate";
  if (path.includes("\\")) return "it contains a backslash";
  if (path.startsWith("/")) return "it is absolute";
  if (DRIVE.test(path)) return "it starts with a drive letter";
  for (const segment of path.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (segment === "..") return 'it has a ".." segment';
    if (segment === ".") return 'it has a "." segment';
  }
  return undefined;
}

/**
 * Throws TSPACK_UNSAFE_PATH unless `path` is a relative, normalised, "/"-separated file path:
 * not empty or absolute, no drive letter, no "", "." or ".." segment, no backslash, no control
 * character (C0, DEL, C1) and no lone surrogate.
 */
export function assertZipPath(path: string): void {
  const reason = invalidReason(path);
  if (reason !== undefined) {
    throw new TspackError("TSPACK_UNSAFE_PATH", `The zip entry path ${JSON.stringify(path)} is invalid: ${reason}`, {
      hint: 'Use a relative path with "/" separators and no "." or ".." segments.',
      details: { path },
    });
  }
}
