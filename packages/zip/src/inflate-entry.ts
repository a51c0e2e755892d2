import { Inflate, inflateSync } from "fflate";
import { concatBytes } from "./bytes.js";
import { crc32 as jsCrc32 } from "./crc32.js";
import { getEntryData } from "./entry-data.js";
import type { ZipEntry } from "./zip-entry.js";
import { hex32, zipError } from "./zip-error.js";

/**
 * How entries are inflated: the one archive reader of tspack. Effectful callers inject node:zlib
 * (about 3× faster than fflate) for the one-call path and for CRC-32; this module owns the rules:
 * which entries inflate in one call, how larger ones stream, the size and CRC checks, and the errors
 * (TSPACK_ZIP_INVALID naming the archive and the entry).
 */
export interface EntryReaderOptions {
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
  /**
   * Inflates raw deflate `raw` in one call, producing at most `maxOutputLength` bytes (and throwing
   * when there are more, e.g. node:zlib's `inflateRawSync(raw, { maxOutputLength })`). Used only for
   * entries declaring at most {@link ONE_CALL_MAX_BYTES}; defaults to fflate.
   */
  inflateRaw?: (raw: Uint8Array, maxOutputLength: number) => Uint8Array;
  /** CRC-32 with a seed (`crc32(b, crc32(a)) === crc32(a ++ b)`, e.g. `zlib.crc32`); defaults to the pure-JS {@link crc32}. */
  crc32?: (data: Uint8Array, seed?: number) => number;
  /**
   * Inflates raw deflate `raw` off this thread (e.g. node:zlib's `createInflateRaw`), passing each
   * piece of output to `onData` in order, and settles when done: `onData` returns false to stop it
   * early (resolve then), invalid data rejects. Used by {@link streamEntryAsync} for entries above
   * {@link ONE_CALL_MAX_BYTES}; without it they stream through fflate on this thread.
   */
  inflateStream?: (raw: Uint8Array, onData: (chunk: Uint8Array) => boolean) => Promise<void>;
  /** Entries declaring more than this stream; default {@link ONE_CALL_MAX_BYTES} (tests use less). */
  oneCallMax?: number;
}

/** Options for {@link inflateEntry}. */
export interface InflateEntryOptions extends EntryReaderOptions {
  /** Refuse entries that declare more than this many uncompressed bytes (before inflating). */
  maxSize?: number;
}

/** Options for {@link verifyEntry}. */
export interface VerifyEntryOptions {
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
  /** CRC-32 implementation (e.g. `zlib.crc32`); defaults to the pure-JS {@link crc32}. */
  crc32?: (data: Uint8Array) => number;
}

/**
 * Entries declaring at most this many uncompressed bytes are inflated in one call, into one buffer;
 * larger ones stream ({@link streamEntry}), so memory stays bounded whatever a wheel holds. The
 * largest entries of real wheels are shared libraries of 400–800 MB (libtensorflow_cc, libtorch_cuda).
 */
export const ONE_CALL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The most {@link inflateEntry} holds in memory: whole-entry reads are for metadata and small files
 * (callers cap them far lower); anything this large is streamed by its caller. A guard, so that no
 * read ever ends in a RangeError.
 */
export const WHOLE_ENTRY_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * Compressed bytes pushed into the streaming inflater per step: deflate expands at most ~1032:1, so
 * one step outputs at most ~66 MB (and 64 KiB steps are ~2× faster than 8 KiB ones).
 */
const STEP = 64 * 1024;

/** Thrown inside fflate's callback to stop inflating; never escapes this module. */
class Stop extends Error {}

function nameOpt(options: { name?: string }): { name?: string } {
  return options.name === undefined ? {} : { name: options.name };
}

function oneCallError(e: unknown, entry: ZipEntry, archive: string | undefined): never {
  const code = (e as { code?: unknown }).code;
  if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) throw tooLarge(entry, archive);
  throw zipError(archive, entry.name, `deflate data is invalid: ${(e as Error).message}`, { cause: e });
}

function tooLarge(entry: ZipEntry, archive: string | undefined) {
  return zipError(
    archive,
    entry.name,
    `inflates to more than its declared ${entry.uncompressedSize} bytes (zip bomb?)`,
    {
      details: { uncompressedSize: entry.uncompressedSize },
    },
  );
}

function sizeMismatch(entry: ZipEntry, got: number, archive: string | undefined) {
  return zipError(
    archive,
    entry.name,
    `uncompressed size is ${got} bytes, expected ${entry.uncompressedSize} (from the central directory)`,
    { details: { got, expected: entry.uncompressedSize } },
  );
}

function crcMismatch(entry: ZipEntry, got: number, archive: string | undefined) {
  return zipError(archive, entry.name, `CRC-32 is ${hex32(got)}, expected ${hex32(entry.crc32)}`, {
    details: { got: hex32(got), expected: hex32(entry.crc32) },
  });
}

/** One call, pure: a pre-sized output buffer with a spare byte when the data is small, else undefined. */
function fflateOneCall(raw: Uint8Array, limit: number): Uint8Array | undefined {
  // Deflate expands at most ~1032:1, so a larger declared size is a lie: no pre-sized buffer for it.
  if (raw.length > STEP || limit > raw.length * 1032 + 64) return undefined;
  // fflate truncates (or throws) when the output does not fit; any failure is re-diagnosed by streaming.
  try {
    const out = inflateSync(raw, { out: new Uint8Array(limit + 1) });
    return out.length <= limit ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Inflates `raw` (the compressed data of `entry`) with fflate in steps, passing each piece of output
 * to `sink`; stops as soon as the output exceeds the declared size (zip bomb) or `stopAfter` bytes
 * have come out. Returns the number of bytes produced. A `sink` exception propagates unchanged.
 */
function inflateSteps(
  raw: Uint8Array,
  entry: ZipEntry,
  archive: string | undefined,
  sink: (chunk: Uint8Array) => void,
  stopAfter = Number.POSITIVE_INFINITY,
  step = STEP,
): number {
  const limit = entry.uncompressedSize;
  let total = 0;
  let sinkError: { e: unknown } | undefined;
  let bomb = false;
  let enough = false;
  const inflater = new Inflate((chunk) => {
    if (chunk.length === 0) return;
    total += chunk.length;
    if (total > limit) {
      bomb = true;
      throw new Stop();
    }
    try {
      sink(chunk);
    } catch (e) {
      sinkError = { e };
      throw new Stop();
    }
    if (total >= stopAfter) {
      enough = true;
      throw new Stop();
    }
  });
  try {
    if (raw.length === 0) inflater.push(raw, true);
    for (let i = 0; i < raw.length; i += step) {
      const j = Math.min(i + step, raw.length);
      inflater.push(raw.subarray(i, j), j === raw.length);
    }
  } catch (e) {
    if (sinkError !== undefined) throw sinkError.e;
    if (bomb) throw tooLarge(entry, archive);
    if (enough) return total;
    throw zipError(archive, entry.name, `deflate data is invalid: ${(e as Error).message}`, { cause: e });
  }
  return total;
}

/**
 * Inflates `entry` of the archive `bytes` and passes its uncompressed bytes to `sink`, in order: in
 * one piece when it declares at most {@link ONE_CALL_MAX_BYTES} (with `options.inflateRaw` when
 * given), else in pieces of at most ~66 MB as they are inflated (fflate), so memory stays bounded
 * whatever the entry's size. Size and CRC-32 are checked as the bytes come; inflation stops as soon as
 * the output exceeds the declared size (the declaration is never trusted beyond that). The last piece
 * is passed before the final checks: a caller writing pieces somewhere discards them when this throws.
 * Throws TSPACK_ZIP_INVALID naming the archive and the entry; an exception of `sink` propagates as is.
 * A stored entry is one subarray of `bytes` (no copy).
 */
export function streamEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  sink: (chunk: Uint8Array) => void,
  options: EntryReaderOptions = {},
): void {
  const archive = options.name;
  const raw = getEntryData(bytes, entry, nameOpt(options));
  const crcOf = options.crc32 ?? jsCrc32;
  const limit = entry.uncompressedSize;
  if (!isStreamedEntry(entry, options.oneCallMax)) {
    let out: Uint8Array | undefined;
    if (entry.method === 0) out = raw;
    else if (options.inflateRaw !== undefined) {
      try {
        out = options.inflateRaw(raw, Math.max(1, limit));
      } catch (e) {
        oneCallError(e, entry, archive);
      }
    } else out = fflateOneCall(raw, limit);
    if (out !== undefined) {
      if (out.length !== limit) throw sizeMismatch(entry, out.length, archive);
      const crc = crcOf(out) >>> 0;
      if (crc !== entry.crc32 >>> 0) throw crcMismatch(entry, crc, archive);
      sink(out);
      return;
    }
  }
  let crc = 0;
  const total = inflateSteps(raw, entry, archive, (chunk) => {
    crc = crcOf(chunk, crc);
    sink(chunk);
  });
  if (total !== limit) throw sizeMismatch(entry, total, archive);
  if (crc >>> 0 !== entry.crc32 >>> 0) throw crcMismatch(entry, crc >>> 0, archive);
}

/**
 * {@link streamEntry} for callers that can wait: an entry above {@link ONE_CALL_MAX_BYTES} is inflated
 * by `options.inflateStream` (node:zlib on the thread pool: about 3× faster than fflate on this
 * thread), with the same checks and errors; anything else as {@link streamEntry} does.
 */
export async function streamEntryAsync(
  bytes: Uint8Array,
  entry: ZipEntry,
  sink: (chunk: Uint8Array) => void,
  options: EntryReaderOptions = {},
): Promise<void> {
  const inflateStream = options.inflateStream;
  const limit = entry.uncompressedSize;
  if (inflateStream === undefined || !isStreamedEntry(entry, options.oneCallMax)) {
    streamEntry(bytes, entry, sink, options);
    return;
  }
  const archive = options.name;
  const raw = getEntryData(bytes, entry, nameOpt(options));
  const crcOf = options.crc32 ?? jsCrc32;
  let total = 0;
  let crc = 0;
  let stopped = false;
  let bomb = false;
  let sinkError: { e: unknown } | undefined;
  try {
    await inflateStream(raw, (chunk) => {
      if (stopped) return false;
      total += chunk.length;
      if (total > limit) {
        bomb = true;
        stopped = true;
        return false;
      }
      try {
        crc = crcOf(chunk, crc);
        sink(chunk);
      } catch (e) {
        sinkError = { e };
        stopped = true;
        return false;
      }
      return true;
    });
  } catch (e) {
    if (!stopped) throw zipError(archive, entry.name, `deflate data is invalid: ${(e as Error).message}`, { cause: e });
  }
  if (sinkError !== undefined) throw sinkError.e;
  if (bomb) throw tooLarge(entry, archive);
  if (total !== limit) throw sizeMismatch(entry, total, archive);
  if (crc >>> 0 !== entry.crc32 >>> 0) throw crcMismatch(entry, crc >>> 0, archive);
}

/**
 * Checks `entry`'s size and CRC-32 by inflating it ({@link streamEntry}) without keeping the bytes:
 * memory stays bounded whatever its size. Throws TSPACK_ZIP_INVALID naming the archive and the entry.
 */
export function checkEntry(bytes: Uint8Array, entry: ZipEntry, options: EntryReaderOptions = {}): void {
  streamEntry(bytes, entry, () => {}, options);
}

/** {@link checkEntry} through {@link streamEntryAsync}. */
export function checkEntryAsync(bytes: Uint8Array, entry: ZipEntry, options: EntryReaderOptions = {}): Promise<void> {
  return streamEntryAsync(bytes, entry, () => {}, options);
}

/** True when {@link streamEntry} inflates `entry` in pieces (deflated, above {@link ONE_CALL_MAX_BYTES}). */
export function isStreamedEntry(
  entry: Pick<ZipEntry, "method" | "uncompressedSize">,
  oneCallMax = ONE_CALL_MAX_BYTES,
): boolean {
  return entry.method !== 0 && entry.uncompressedSize > oneCallMax;
}

/**
 * The uncompressed bytes of `entry`, inflated and verified (size and CRC-32; see {@link streamEntry}).
 * A stored entry is returned as a subarray of `bytes` (no copy). For metadata and small files: an
 * entry whose bytes pass {@link WHOLE_ENTRY_MAX_BYTES} (or `maxSize`, checked against the declared
 * size before inflating) is refused with TSPACK_ZIP_INVALID, never a RangeError.
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
  const chunks: Uint8Array[] = [];
  let total = 0;
  streamEntry(
    bytes,
    entry,
    (chunk) => {
      total += chunk.length;
      if (total > WHOLE_ENTRY_MAX_BYTES) {
        throw zipError(
          archive,
          entry.name,
          `is larger than ${WHOLE_ENTRY_MAX_BYTES} bytes, more than tspack reads into memory at once`,
          { details: { uncompressedSize: entry.uncompressedSize } },
        );
      }
      chunks.push(chunk);
    },
    options,
  );
  // fflate hands out fresh copies, so a single chunk is returned as is.
  if (chunks.length === 1) return chunks[0]!;
  return concatBytes(chunks, total);
}

/**
 * The first `n` uncompressed bytes of `entry` (fewer when it is shorter), inflating no more than
 * needed: for sniffing a file (`#!python`) without reading it whole. Not verified (a prefix has no
 * CRC); the whole entry is verified wherever it is extracted. Throws TSPACK_ZIP_INVALID for invalid
 * deflate data or an output past the declared size.
 */
export function entryHead(bytes: Uint8Array, entry: ZipEntry, n: number, options: { name?: string } = {}): Uint8Array {
  const raw = getEntryData(bytes, entry, nameOpt(options));
  const want = Math.min(n, entry.uncompressedSize);
  if (entry.method === 0) return raw.subarray(0, want);
  if (want <= 0) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  // Small steps: a few KB of compressed input is enough for a head, and outputs at most ~4 MB.
  const total = inflateSteps(raw, entry, options.name, (c) => chunks.push(c), want, 4096);
  const all = chunks.length === 1 ? chunks[0]! : concatBytes(chunks, total);
  return all.subarray(0, Math.min(want, all.length));
}

/**
 * Checks that `data` (the uncompressed bytes of `entry`, e.g. from node:zlib) has the declared size
 * and CRC-32; throws TSPACK_ZIP_INVALID otherwise.
 */
export function verifyEntry(entry: ZipEntry, data: Uint8Array, options: VerifyEntryOptions = {}): void {
  if (data.length !== entry.uncompressedSize) throw sizeMismatch(entry, data.length, options.name);
  const crc = (options.crc32 ?? jsCrc32)(data) >>> 0;
  if (crc !== entry.crc32 >>> 0) throw crcMismatch(entry, crc, options.name);
}
