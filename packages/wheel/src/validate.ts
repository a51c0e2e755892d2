import { ERROR_CODES, TspackError } from "@tspack/errors";
import { checkEntryName } from "./entry-path.js";
import { isSymlinkEntry, type WheelZipEntry } from "./wheel-zip-entry.js";

/** A file of a validated wheel: its normalized path and its (first) zip entry. */
export interface WheelFileEntry<E extends WheelZipEntry = WheelZipEntry> {
  /** Normalized posix path inside the wheel (no `.`/`..`/empty segments). */
  path: string;
  entry: E;
}

/** The largest output deflate can produce per input byte (a 1032:1 ratio), plus slack for tiny entries. */
const MAX_DEFLATE_RATIO = 1032;
const RATIO_SLACK = 1024;

const zipError = (wheel: string, entry: string, reason: string) =>
  new TspackError(
    ERROR_CODES.ZIP_INVALID,
    `The wheel "${wheel}" has an invalid entry ${JSON.stringify(entry)}: ${reason}`,
    {
      hint: "The file is corrupt (or hostile). Delete it from the cache and download it again; if it persists, report it to the package's maintainers.",
      details: { wheel, entry },
    },
  );

/**
 * Validates the entries of a wheel archive and returns its files (directories dropped, identical
 * duplicates collapsed), in archive order. Refuses (throws): unsafe names (TSPACK_UNSAFE_PATH),
 * symlink entries (TSPACK_UNSAFE_PATH), compression methods other than stored/deflate, stored entries
 * whose sizes differ, declared sizes beyond deflate's 1032:1 ratio (zip bomb), duplicate names with
 * different content (TSPACK_ZIP_INVALID), and a path that is both a file and a directory
 * (TSPACK_WHEEL_INVALID).
 */
export function validateWheelEntries<E extends WheelZipEntry>(
  wheel: string,
  entries: ReadonlyArray<E>,
): WheelFileEntry<E>[] {
  const files: WheelFileEntry<E>[] = [];
  const byPath = new Map<string, E>();
  const dirs = new Set<string>();
  for (const entry of entries) {
    const path = checkEntryName(wheel, entry.name);
    if (isSymlinkEntry(entry)) {
      throw new TspackError(
        ERROR_CODES.UNSAFE_PATH,
        `The wheel "${wheel}" has a symbolic link entry ${JSON.stringify(entry.name)}: tspack refuses links in wheels`,
        {
          hint: "uv and pip write such entries as regular files containing the link target; tspack refuses them. Report it to the package's maintainers.",
          details: { wheel, entry: entry.name },
        },
      );
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw zipError(
        wheel,
        entry.name,
        `compression method ${entry.method} is not supported (only stored and deflate)`,
      );
    }
    if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
      throw zipError(
        wheel,
        entry.name,
        `it is stored but its sizes differ (${entry.compressedSize} stored, ${entry.uncompressedSize} declared)`,
      );
    }
    if (entry.method === 8 && entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + RATIO_SLACK) {
      throw zipError(
        wheel,
        entry.name,
        `it declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed bytes, more than deflate can produce (zip bomb?)`,
      );
    }
    if (path === "" || path.endsWith("/")) {
      if (path !== "") dirs.add(path.slice(0, -1));
      continue;
    }
    const seen = byPath.get(path);
    if (seen) {
      if (seen.crc32 === entry.crc32 && seen.uncompressedSize === entry.uncompressedSize) continue;
      throw zipError(wheel, entry.name, `the archive has two entries for "${path}" with different content`);
    }
    byPath.set(path, entry);
    files.push({ path, entry });
  }
  for (const { path } of files) {
    for (let i = path.indexOf("/"); i > 0; i = path.indexOf("/", i + 1)) {
      const parent = path.slice(0, i);
      if (byPath.has(parent)) {
        throw new TspackError(
          ERROR_CODES.WHEEL_INVALID,
          `The wheel "${wheel}" is invalid: "${parent}" is both a file and a directory`,
          { hint: "The wheel is malformed; report it to the package's maintainers.", details: { wheel, path: parent } },
        );
      }
    }
  }
  for (const d of dirs) {
    if (byPath.has(d)) {
      throw new TspackError(
        ERROR_CODES.WHEEL_INVALID,
        `The wheel "${wheel}" is invalid: "${d}" is both a file and a directory`,
        {
          hint: "The wheel is malformed; report it to the package's maintainers.",
          details: { wheel, path: d },
        },
      );
    }
  }
  return files;
}
