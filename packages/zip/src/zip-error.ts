import { TspackError, type TspackErrorCode } from "@tspack/errors";

const DEFAULT_HINT = "The archive is damaged or was crafted; download or rebuild it.";

/**
 * A TSPACK_ZIP_INVALID error whose message names the archive (quoted, or "The zip archive") and the
 * entry: `"x.whl": entry "a/b.py": local header name does not match the central directory`.
 */
export function zipError(
  archive: string | undefined,
  entry: string | undefined,
  reason: string,
  options: { hint?: string; details?: Record<string, unknown>; cause?: unknown; code?: TspackErrorCode } = {},
): TspackError {
  const subject = archive === undefined ? "The zip archive" : `"${archive}"`;
  const where = entry === undefined ? "" : `entry "${entry}": `;
  return new TspackError(options.code ?? "TSPACK_ZIP_INVALID", `${subject}: ${where}${reason}`, {
    hint: options.hint ?? DEFAULT_HINT,
    details: {
      ...(archive === undefined ? {} : { archive }),
      ...(entry === undefined ? {} : { entry }),
      ...options.details,
    },
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}

/** `0x0000abcd` style hex for CRCs in messages. */
export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}
