/**
 * The one wheel-archive reader: every inflate of a wheel entry in tspack (extraction, the once-per-wheel
 * check, planning's metadata reads, the worker pool's jobs) goes through here. @tspack/zip owns the
 * rules (what inflates in one call and what streams, the zip-bomb stop, the size and CRC-32 checks and
 * their TSPACK_ZIP_INVALID errors naming the wheel and the entry); this module binds them to node:zlib
 * (one-call inflates about 3× faster than fflate, streamed ones on the thread pool, zlib's CRC-32) and
 * names the wheel. It imports no other module of the installer, so the warm zip path loads only this.
 */
import { createHash } from "node:crypto";
import { createInflateRaw, inflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import {
  type EntryReaderOptions,
  entryHead,
  inflateEntry,
  ONE_CALL_MAX_BYTES,
  streamEntry,
  streamEntryAsync,
  type ZipEntry,
} from "@tspack/zip";

/** The bytes of a wheel and its name (for error messages). */
export interface WheelBytes {
  readonly filename: string;
  readonly bytes: Uint8Array;
}

/** Output pieces of streamed inflates: bounded memory, few thread-pool round trips. */
const STREAM_CHUNK = 1024 * 1024;

/**
 * node:zlib for @tspack/zip's reader: one-call inflates in one output chunk (no 16 KiB pieces to
 * concatenate; entries inflated in one call are at most 64 MiB) that stop past the declared size,
 * streamed inflates on the thread pool for larger entries, and zlib's CRC-32.
 */
export const NODE_ZLIB: EntryReaderOptions = {
  inflateRaw: (raw, maxOutputLength) =>
    inflateRawSync(raw, {
      maxOutputLength,
      chunkSize: Math.max(64, Math.min(maxOutputLength + 1, ONE_CALL_MAX_BYTES)),
    }),
  crc32: (data, seed) => zlibCrc32(data, seed),
  inflateStream: (raw, onData) =>
    new Promise<void>((resolve, reject) => {
      const z = createInflateRaw({ chunkSize: STREAM_CHUNK });
      z.on("data", (chunk: Buffer) => {
        if (onData(chunk)) return;
        z.destroy();
        resolve();
      });
      z.once("error", reject);
      z.once("end", resolve);
      z.end(raw);
    }),
};

/** Reader options naming `wheel`. */
function named(wheel: WheelBytes): EntryReaderOptions {
  return { ...NODE_ZLIB, name: wheel.filename };
}

/**
 * The uncompressed bytes of one entry, verified: inflation stops past the declared size (zip bomb),
 * then size and CRC-32 must match. Throws TSPACK_ZIP_INVALID naming the wheel and the entry.
 */
export function readEntry(wheel: WheelBytes, entry: ZipEntry): Uint8Array {
  return inflateEntry(wheel.bytes, entry, named(wheel));
}

/**
 * One entry's bytes, piece by piece as they inflate (an entry above 64 MiB on the thread pool: bounded
 * memory), verified like {@link readEntry}; see @tspack/zip's `streamEntryAsync`.
 */
export function streamWheelEntry(wheel: WheelBytes, entry: ZipEntry, sink: (chunk: Uint8Array) => void): Promise<void> {
  return streamEntryAsync(wheel.bytes, entry, sink, named(wheel));
}

/** {@link streamWheelEntry} on this thread (an entry above 64 MiB through fflate: slower, same checks). */
export function streamWheelEntrySync(wheel: WheelBytes, entry: ZipEntry, sink: (chunk: Uint8Array) => void): void {
  streamEntry(wheel.bytes, entry, sink, named(wheel));
}

/** Checks `entry`'s size and CRC-32 without keeping its bytes (bounded memory whatever its size). */
export function checkWheelEntry(wheel: WheelBytes, entry: ZipEntry): Promise<void> {
  return streamWheelEntry(wheel, entry, () => {});
}

/** The first `n` uncompressed bytes of `entry` (not verified: for sniffing `#!python`). */
export function wheelEntryHead(wheel: WheelBytes, entry: ZipEntry, n: number): Uint8Array {
  return entryHead(wheel.bytes, entry, n, { name: wheel.filename });
}

/** The one sha256 → urlsafe base64 (no padding) helper: RECORD's digest of `data`. */
export function recordHash(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("base64url");
}

/** A raw 32-byte sha256 digest (e.g. one a worker computed) in RECORD's urlsafe base64 form. */
export function digestToRecordHash(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, 32).toString("base64url");
}
