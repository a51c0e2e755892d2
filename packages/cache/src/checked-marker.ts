import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CHECKED_BUCKET, isSha256Hex } from "./layout.js";
import { writeFileAtomic } from "./publish.js";

/**
 * The marker of a checked wheel: `<root>/checked-v2/ab/<sha256>` (see {@link readCheckedMarker}).
 */
export function checkedMarkerFor(cacheRoot: string, sha256hex: string): string {
  return join(cacheRoot, CHECKED_BUCKET, sha256hex.slice(0, 2), sha256hex);
}

/**
 * The RECORD warnings of a wheel whose every entry was inflated once and found sound (CRC-32, size)
 * and compared with its RECORD, or undefined when it has not been (or the marker is unreadable: the
 * check runs again). One `stat` for a wheel without warnings (an empty marker).
 */
export function readCheckedMarker(cacheRoot: string, sha256hex: string): string[] | undefined {
  if (!isSha256Hex(sha256hex)) return undefined;
  const marker = checkedMarkerFor(cacheRoot, sha256hex);
  try {
    const st = statSync(marker, { throwIfNoEntry: false });
    if (st === undefined || !st.isFile()) return undefined;
    if (st.size === 0) return [];
    const warnings: unknown = JSON.parse(readFileSync(marker, "utf8"));
    return Array.isArray(warnings) && warnings.every((w) => typeof w === "string") ? warnings : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Marks a wheel as checked, with the RECORD warnings of its check (written whole: temp file + rename).
 * Only for wheels that passed. A cache that cannot be written only costs the check next time.
 */
export async function writeCheckedMarker(
  cacheRoot: string,
  sha256hex: string,
  warnings: readonly string[],
): Promise<void> {
  if (!isSha256Hex(sha256hex)) return;
  try {
    await writeFileAtomic(
      checkedMarkerFor(cacheRoot, sha256hex),
      warnings.length === 0 ? "" : JSON.stringify(warnings),
      {
        temp: { cacheRoot, suffix: ".checked" },
      },
    );
  } catch {
    // only costs the check next time
  }
}
