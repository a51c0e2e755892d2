import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, writeFileSync, writeSync } from "node:fs";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { isStreamedEntry, readZipEntries, type ZipEntry } from "@tspack/zip";
import { readEntry, streamWheelEntry, streamWheelEntrySync } from "./wheel-reader.js";

export { checkWheelEntry, NODE_ZLIB, wheelEntryHead } from "./wheel-reader.js";

/** A wheel archive read into memory, with its verified central directory. */
export interface WheelArchive {
  filename: string;
  /** The whole file, in a SharedArrayBuffer (worker threads inflate from it without a copy). */
  bytes: Uint8Array;
  entries: ZipEntry[];
}

/** Reads a whole file into shared memory (as fast as readFileSync; a worker can read it too). */
function readShared(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let off = 0;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? bytes : bytes.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a cached `.whl`, checks its sha256 (lowercase hex) and parses its central directory with
 * @tspack/zip (zip64, data descriptors, local/central consistency). Throws TSPACK_INTEGRITY_MISMATCH
 * when the bytes do not hash to `sha256`, TSPACK_ZIP_INVALID when the archive is malformed.
 */
export function openWheelArchive(path: string, filename: string, sha256: string | undefined): WheelArchive {
  let bytes: Uint8Array;
  try {
    bytes = readShared(path);
  } catch (e) {
    throw new TspackError(ERROR_CODES.FILE_NOT_FOUND, `The wheel "${filename}" cannot be read from "${path}"`, {
      cause: e,
      hint: "Download it again (the cache entry may have been removed).",
    });
  }
  if (sha256 !== undefined) {
    const got = createHash("sha256").update(bytes).digest("hex");
    if (got !== sha256.toLowerCase()) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The wheel "${filename}" at "${path}" has sha256 ${got}, expected ${sha256}`,
        {
          hint: "The cached file is corrupt: run `tspack cache verify` or delete it and download again.",
          details: { path, got, expected: sha256 },
        },
      );
    }
  }
  return wheelArchiveFromBytes(filename, bytes);
}

/** A wheel archive from bytes already read and checked (parses the central directory). */
export function wheelArchiveFromBytes(filename: string, bytes: Uint8Array): WheelArchive {
  return { filename, bytes, entries: readZipEntries(bytes, { name: filename }) };
}

/**
 * The uncompressed bytes of `entry` (for metadata and small files; extraction streams), inflated and
 * verified by the wheel reader. Throws TSPACK_ZIP_INVALID naming the wheel and the entry.
 */
export const inflateWheelEntry: (archive: WheelArchive, entry: ZipEntry) => Uint8Array = readEntry;

/**
 * Writes `entry` as a new file at `path` (`wx`: never over an existing file) with `mode`, inflated in
 * one call (before the file is created: a corrupt entry leaves no file), its content also fed to `hash`
 * when given. For an entry that @tspack/zip streams ({@link isStreamedEntry}), use
 * {@link writeWheelEntryStreamed}; here it would stream through fflate on this thread (correct and
 * bounded, but slower).
 */
export function writeWheelEntry(archive: WheelArchive, entry: ZipEntry, path: string, mode: number, hash?: Hash): void {
  if (!isStreamedEntry(entry)) {
    const data = inflateWheelEntry(archive, entry);
    hash?.update(data);
    writeFileSync(path, data, { mode, flag: "wx" });
    return;
  }
  const fd = openSync(path, "wx", mode);
  try {
    streamWheelEntrySync(archive, entry, (chunk) => writeAll(fd, chunk, hash));
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link writeWheelEntry} for any entry, streaming the big ones: inflated on the thread pool and
 * written (and hashed) piece by piece as they come (bounded memory), size and CRC-32 checked on the
 * way. On failure the partial file is left for the caller's staging cleanup.
 */
export async function writeWheelEntryStreamed(
  archive: WheelArchive,
  entry: ZipEntry,
  path: string,
  mode: number,
  hash?: Hash,
): Promise<void> {
  if (!isStreamedEntry(entry)) {
    writeWheelEntry(archive, entry, path, mode, hash);
    return;
  }
  const fd = openSync(path, "wx", mode);
  try {
    await streamWheelEntry(archive, entry, (chunk) => writeAll(fd, chunk, hash));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, chunk: Uint8Array, hash: Hash | undefined): void {
  hash?.update(chunk);
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}
