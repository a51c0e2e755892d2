/**
 * The fields of a zip central-directory entry the install plan needs. `ZipEntry` from @tspack/zip
 * satisfies it; the plan is generic over the caller's entry type so ops carry the caller's objects.
 */
export interface WheelZipEntry {
  /** Member name as stored. */
  name: string;
  /** Compression method (0 stored, 8 deflate). */
  method: number;
  /** CRC-32 of the uncompressed data. */
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** External attributes; the Unix mode (with file type) is in the high 16 bits. */
  externalAttributes: number;
}

/** File mode of an installed file: 0o644, or 0o755 for executables. */
export type FileMode = 0o644 | 0o755;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** The Unix mode stored in the entry's external attributes (0 when none). */
export function entryUnixMode(entry: Pick<WheelZipEntry, "externalAttributes">): number {
  return (entry.externalAttributes >>> 16) & 0xffff;
}

/** True when the entry's Unix mode has the symlink file type. */
export function isSymlinkEntry(entry: Pick<WheelZipEntry, "externalAttributes">): boolean {
  return (entryUnixMode(entry) & S_IFMT) === S_IFLNK;
}

/**
 * pip's rule: 0o755 when the entry's Unix mode is a regular file (S_IFREG) with any exec bit, else
 * 0o644. (uv ignores the file type, so `0o777` without a type is executable there, not here.)
 */
export function entryFileMode(entry: Pick<WheelZipEntry, "externalAttributes">): FileMode {
  const mode = entryUnixMode(entry);
  return (mode & S_IFMT) === S_IFREG && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}
