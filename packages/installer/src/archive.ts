import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { getEntryData, readZipEntries, type ZipEntry } from "@tspack/zip";

/** A wheel archive read into memory, with its verified central directory. */
export interface WheelArchive {
  filename: string;
  /** The whole file, in a SharedArrayBuffer (worker threads inflate from it without a copy). */
  bytes: Uint8Array;
  entries: ZipEntry[];
}

const zipInvalid = (wheel: string, entry: string, reason: string, cause?: unknown) =>
  new TspackError(
    ERROR_CODES.ZIP_INVALID,
    `The wheel "${wheel}" has an invalid entry ${JSON.stringify(entry)}: ${reason}`,
    {
      hint: "The file is corrupt (or hostile). Delete it from the cache and download it again; if it persists, report it to the package's maintainers.",
      details: { wheel, entry },
      ...(cause === undefined ? {} : { cause }),
    },
  );

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
 * zlib options for inflating an entry of `size` bytes in one output chunk (no 16 KiB pieces to
 * concatenate, one allocation; capped at 64 MiB) and stopping past the declared size (zip bomb).
 */
export function inflateOptions(size: number): { maxOutputLength: number; chunkSize: number } {
  return { maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, Math.min(size + 1, 64 * 1024 * 1024)) };
}

/**
 * The uncompressed bytes of `entry`, inflated with node:zlib (about 3× faster than fflate) and
 * verified: inflation stops past the declared size (zip bomb), then size and CRC-32 must match.
 */
export function inflateWheelEntry(archive: WheelArchive, entry: ZipEntry): Uint8Array {
  const raw = getEntryData(archive.bytes, entry, { name: archive.filename });
  let out: Uint8Array;
  if (entry.method === 0) {
    out = raw;
  } else {
    try {
      out = inflateRawSync(raw, inflateOptions(entry.uncompressedSize));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
        throw zipInvalid(
          archive.filename,
          entry.name,
          `it inflates to more than its declared ${entry.uncompressedSize} bytes (zip bomb?)`,
          e,
        );
      }
      throw zipInvalid(archive.filename, entry.name, `its deflate data is invalid (${(e as Error).message})`, e);
    }
  }
  if (out.length !== entry.uncompressedSize) {
    throw zipInvalid(
      archive.filename,
      entry.name,
      `it has ${out.length} bytes, the central directory says ${entry.uncompressedSize}`,
    );
  }
  const crc = zlibCrc32(out) >>> 0;
  if (crc !== entry.crc32 >>> 0) {
    throw zipInvalid(
      archive.filename,
      entry.name,
      `its CRC-32 is ${crc.toString(16).padStart(8, "0")}, the central directory says ${(entry.crc32 >>> 0).toString(16).padStart(8, "0")}`,
    );
  }
  return out;
}
