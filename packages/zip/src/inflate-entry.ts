import { Inflate, inflateSync } from "fflate";
import { concatBytes } from "./bytes.js";
import { crc32 as jsCrc32 } from "./crc32.js";
import { getEntryData } from "./entry-data.js";
import type { ZipEntry } from "./zip-entry.js";
import { hex32, zipError } from "./zip-error.js";

/** Options for {@link inflateEntry}. */
export interface InflateEntryOptions {
  /** Refuse entries that declare more than this many uncompressed bytes. */
  maxSize?: number;
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
}

/** Options for {@link verifyEntry}. */
export interface VerifyEntryOptions {
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
  /** CRC-32 implementation (e.g. `zlib.crc32`); defaults to the pure-JS {@link crc32}. */
  crc32?: (data: Uint8Array) => number;
}

/** Compressed bytes pushed into the inflater per step: bounds the output of one step to ~66 MB. */
const STEP = 64 * 1024;

class SizeExceeded extends Error {}

/**
 * The uncompressed bytes of `entry`, inflated with fflate and verified (size and CRC-32). Inflation
 * stops as soon as the output exceeds the declared uncompressed size (zip bomb). A stored entry is
 * returned as a subarray of `bytes` (no copy).
 */
export function inflateEntry(bytes: Uint8Array, entry: ZipEntry, options: InflateEntryOptions = {}): Uint8Array {
  const archive = options.name;
  if (options.maxSize !== undefined && entry.uncompressedSize > options.maxSize) {
    throw zipError(
      archive,
      entry.name,
      `declares ${entry.uncompressedSize} uncompressed bytes, more than the limit of ${options.maxSize}`,
      { details: { uncompressedSize: entry.uncompressedSize, maxSize: options.maxSize } },
    );
  }
  const raw = getEntryData(bytes, entry, { ...(archive === undefined ? {} : { name: archive }) });
  const out = entry.method === 0 ? raw : inflateRaw(raw, entry, archive);
  verifyEntry(entry, out, { ...(archive === undefined ? {} : { name: archive }) });
  return out;
}

function inflateRaw(raw: Uint8Array, entry: ZipEntry, archive: string | undefined): Uint8Array {
  const limit = entry.uncompressedSize;
  // Deflate expands at most ~1032:1, so a larger declared size is a lie: skip the pre-sized buffer.
  if (raw.length <= STEP && limit <= raw.length * 1032 + 64) {
    // Fast path: one pre-sized output buffer with a spare byte. fflate truncates (or throws) when the
    // output does not fit, and the work is bounded like one streaming step. Any failure is
    // re-diagnosed by the streaming path below.
    let out: Uint8Array | undefined;
    try {
      out = inflateSync(raw, { out: new Uint8Array(limit + 1) });
    } catch {
      out = undefined;
    }
    if (out !== undefined && out.length <= limit) return out;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) throw new SizeExceeded();
    if (chunk.length > 0) chunks.push(chunk);
  });
  try {
    if (raw.length === 0) inflater.push(raw, true);
    for (let i = 0; i < raw.length; i += STEP) {
      const j = Math.min(i + STEP, raw.length);
      inflater.push(raw.subarray(i, j), j === raw.length);
    }
  } catch (e) {
    if (e instanceof SizeExceeded) {
      throw zipError(archive, entry.name, `inflates to more than its declared ${limit} bytes (zip bomb?)`, {
        details: { uncompressedSize: limit },
      });
    }
    throw zipError(archive, entry.name, `deflate data is invalid: ${(e as Error).message}`, { cause: e });
  }
  // fflate hands out fresh copies, so a single chunk is returned as is.
  if (chunks.length === 1) return chunks[0]!;
  return concatBytes(chunks, total);
}

/**
 * Checks that `data` (the uncompressed bytes of `entry`, e.g. from node:zlib) has the declared size
 * and CRC-32; throws TSPACK_ZIP_INVALID otherwise.
 */
export function verifyEntry(entry: ZipEntry, data: Uint8Array, options: VerifyEntryOptions = {}): void {
  if (data.length !== entry.uncompressedSize) {
    throw zipError(
      options.name,
      entry.name,
      `uncompressed size is ${data.length} bytes, expected ${entry.uncompressedSize} (from the central directory)`,
      { details: { got: data.length, expected: entry.uncompressedSize } },
    );
  }
  const crc = (options.crc32 ?? jsCrc32)(data) >>> 0;
  if (crc !== entry.crc32) {
    throw zipError(options.name, entry.name, `CRC-32 is ${hex32(crc)}, expected ${hex32(entry.crc32)}`, {
      details: { got: hex32(crc), expected: hex32(entry.crc32) },
    });
  }
}
