import { TspackError } from "@tspack/errors";
import { deflateSync } from "fflate";
import { concatBytes, put16, put32, put64, SIG, SIZE } from "./bytes.js";
import { crc32 as jsCrc32 } from "./crc32.js";
import { type DosDateTime, toDosDateTime } from "./dos-time.js";
import { encodeUtf8 } from "./utf8.js";
import { assertZipPath } from "./zip-path.js";

/** Already-compressed entry data copied verbatim (e.g. from a cached wheel): no inflate, no deflate. */
export interface ZipRawData {
  /** 0 (stored) or 8 (deflate). */
  method: 0 | 8;
  /** The compressed bytes exactly as they go into the archive. */
  compressed: Uint8Array;
  /** CRC-32 of the uncompressed data. */
  crc32: number;
  /** Size of the uncompressed data. */
  uncompressedSize: number;
}

/**
 * One file for {@link writeZip}: `path` is relative and "/"-separated; `mode` defaults to 0o644 and is
 * normalised to 0o755 when it has any exec bit, else 0o644. Give either `data` or pre-compressed `raw`.
 */
export type ZipInputEntry =
  | { path: string; mode?: number; data: Uint8Array }
  | { path: string; mode?: number; raw: ZipRawData };

/** Options for {@link writeZip} and {@link zipChunks}. */
export interface ZipWriteOptions {
  /** Timestamp of every entry: a Date or seconds since the Unix epoch. Default 1980-01-01T00:00:00. */
  mtime?: Date | number;
  /** Deflate level 0–9 (0 stores everything). Default 6. */
  level?: number;
  /** Raw-deflate implementation; default fflate `deflateSync`. Must be deterministic. */
  compress?: (data: Uint8Array, level: number) => Uint8Array;
  /** CRC-32 implementation (e.g. `zlib.crc32`); default the pure-JS one. */
  crc32?: (data: Uint8Array) => number;
  /** Entries smaller than this are stored without trying to deflate. Default 0. */
  minCompressSize?: number;
  /** "none" (default): only files. "implicit": also a `dir/` entry (mode 0o755) for every parent. */
  directories?: "none" | "implicit";
}

const MADE_BY = (3 << 8) | 20;
const NEEDED = 20;
const NEEDED_ZIP64 = 45;
const UTF8_FLAG = 0x800;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFMT = 0o170000;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

interface Prepared {
  path: string;
  name: Uint8Array;
  /** Unix mode including the file type. */
  mode: number;
  dir: boolean;
  input: ZipInputEntry | undefined;
}

interface Written {
  name: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  external: number;
}

function inputError(message: string, hint: string, details: Record<string, unknown>): TspackError {
  return new TspackError("TSPACK_ZIP_INPUT_INVALID", message, { hint, details });
}

/** Compares byte strings lexicographically (unsigned bytes, shorter prefix first). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function normaliseMode(path: string, mode: number | undefined): number {
  if (mode === undefined) return 0o644;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o177777) {
    throw inputError(`The mode ${mode} of zip entry "${path}" is invalid: not a Unix mode`, "Pass 0o644 or 0o755.", {
      path,
      mode,
    });
  }
  const type = mode & S_IFMT;
  if (type !== 0 && type !== S_IFREG) {
    throw inputError(
      `The mode 0o${mode.toString(8)} of zip entry "${path}" is invalid: it is not a regular file`,
      "Only regular files can be written; pass 0o644 or 0o755.",
      { path, mode },
    );
  }
  return mode & 0o111 ? 0o755 : 0o644;
}

function checkRaw(path: string, raw: ZipRawData): void {
  const bad = (why: string) =>
    inputError(`The raw data of zip entry "${path}" is invalid: ${why}`, "Pass the values from the source archive.", {
      path,
    });
  if (raw.method !== 0 && raw.method !== 8) throw bad(`method ${String(raw.method)} is not 0 or 8`);
  if (!Number.isSafeInteger(raw.uncompressedSize) || raw.uncompressedSize < 0) {
    throw bad(`uncompressedSize ${raw.uncompressedSize} is not a size`);
  }
  if (!Number.isInteger(raw.crc32) || raw.crc32 < 0 || raw.crc32 > MAX32)
    throw bad(`crc32 ${raw.crc32} is not a CRC-32`);
  if (raw.method === 0 && raw.compressed.length !== raw.uncompressedSize) {
    throw bad(`stored data is ${raw.compressed.length} bytes but uncompressedSize is ${raw.uncompressedSize}`);
  }
}

/** Validates, normalises, adds implicit directories and sorts by UTF-8 bytes. */
function prepare(entries: Iterable<ZipInputEntry>, directories: "none" | "implicit"): Prepared[] {
  const files = new Map<string, Prepared>();
  const parents = new Set<string>();
  for (const e of entries) {
    assertZipPath(e.path);
    if (files.has(e.path)) {
      throw inputError(`The zip entry path "${e.path}" is given twice`, "Each path may appear only once.", {
        path: e.path,
      });
    }
    const mode = normaliseMode(e.path, e.mode);
    if ("raw" in e) checkRaw(e.path, e.raw);
    const name = encodeUtf8(e.path);
    if (name.length > MAX16) {
      throw inputError(`The zip entry path "${e.path}" is invalid: longer than 65535 bytes`, "Use a shorter path.", {
        path: e.path,
      });
    }
    files.set(e.path, { path: e.path, name, mode: S_IFREG | mode, dir: false, input: e });
    for (let i = e.path.indexOf("/"); i >= 0; i = e.path.indexOf("/", i + 1)) parents.add(e.path.slice(0, i));
  }
  for (const dir of parents) {
    if (files.has(dir)) {
      throw inputError(
        `The zip entry path "${dir}" is both a file and a directory`,
        "Remove the file or the files below it.",
        { path: dir },
      );
    }
  }
  const out = [...files.values()];
  if (directories === "implicit") {
    for (const dir of parents) {
      out.push({ path: `${dir}/`, name: encodeUtf8(`${dir}/`), mode: S_IFDIR | 0o755, dir: true, input: undefined });
    }
  }
  return out.sort((a, b) => compareBytes(a.name, b.name));
}

function isAscii(name: Uint8Array): boolean {
  for (let i = 0; i < name.length; i++) if (name[i]! >= 0x80) return false;
  return true;
}

/** Computes method, CRC and compressed bytes for one prepared entry. */
function payload(
  p: Prepared,
  level: number,
  compress: (data: Uint8Array, level: number) => Uint8Array,
  crc: (data: Uint8Array) => number,
  minCompressSize: number,
): { method: number; crc: number; data: Uint8Array; usize: number } {
  const e = p.input;
  if (e === undefined) return { method: 0, crc: 0, data: new Uint8Array(0), usize: 0 };
  if ("raw" in e) {
    return { method: e.raw.method, crc: e.raw.crc32 >>> 0, data: e.raw.compressed, usize: e.raw.uncompressedSize };
  }
  const data = e.data;
  const c = crc(data) >>> 0;
  if (level > 0 && data.length > 0 && data.length >= minCompressSize) {
    const deflated = compress(data, level);
    if (deflated.length < data.length) return { method: 8, crc: c, data: deflated, usize: data.length };
  }
  return { method: 0, crc: c, data, usize: data.length };
}

function localHeader(w: Written, dos: DosDateTime): Uint8Array {
  const zip64 = w.csize >= MAX32 || w.usize >= MAX32;
  const extraLen = zip64 ? 20 : 0;
  const h = new Uint8Array(SIZE.local + w.name.length + extraLen);
  put32(h, 0, SIG.local);
  put16(h, 4, zip64 ? NEEDED_ZIP64 : NEEDED);
  put16(h, 6, w.flags);
  put16(h, 8, w.method);
  put16(h, 10, dos.time);
  put16(h, 12, dos.date);
  put32(h, 14, w.crc);
  put32(h, 18, zip64 ? MAX32 : w.csize);
  put32(h, 22, zip64 ? MAX32 : w.usize);
  put16(h, 26, w.name.length);
  put16(h, 28, extraLen);
  h.set(w.name, SIZE.local);
  if (zip64) {
    const x = SIZE.local + w.name.length;
    put16(h, x, 0x0001);
    put16(h, x + 2, 16);
    put64(h, x + 4, w.usize);
    put64(h, x + 12, w.csize);
  }
  return h;
}

function centralSize(w: Written): number {
  const n = (w.usize >= MAX32 ? 8 : 0) + (w.csize >= MAX32 ? 8 : 0) + (w.offset >= MAX32 ? 8 : 0);
  return SIZE.central + w.name.length + (n > 0 ? 4 + n : 0);
}

function writeCentral(b: Uint8Array, p: number, w: Written, dos: DosDateTime): number {
  const bigU = w.usize >= MAX32;
  const bigC = w.csize >= MAX32;
  const bigO = w.offset >= MAX32;
  const n = (bigU ? 8 : 0) + (bigC ? 8 : 0) + (bigO ? 8 : 0);
  const extraLen = n > 0 ? 4 + n : 0;
  put32(b, p, SIG.central);
  put16(b, p + 4, MADE_BY);
  put16(b, p + 6, n > 0 ? NEEDED_ZIP64 : NEEDED);
  put16(b, p + 8, w.flags);
  put16(b, p + 10, w.method);
  put16(b, p + 12, dos.time);
  put16(b, p + 14, dos.date);
  put32(b, p + 16, w.crc);
  put32(b, p + 20, bigC ? MAX32 : w.csize);
  put32(b, p + 24, bigU ? MAX32 : w.usize);
  put16(b, p + 28, w.name.length);
  put16(b, p + 30, extraLen);
  // comment length, disk start, internal attributes: 0 (already zero)
  put32(b, p + 38, w.external);
  put32(b, p + 42, bigO ? MAX32 : w.offset);
  b.set(w.name, p + SIZE.central);
  let x = p + SIZE.central + w.name.length;
  if (n > 0) {
    put16(b, x, 0x0001);
    put16(b, x + 2, n);
    x += 4;
    // The zip64 extra holds only the fields that overflowed, in this order.
    if (bigU) {
      put64(b, x, w.usize);
      x += 8;
    }
    if (bigC) {
      put64(b, x, w.csize);
      x += 8;
    }
    if (bigO) {
      put64(b, x, w.offset);
      x += 8;
    }
  }
  return x;
}

function endRecords(count: number, cdOffset: number, cdSize: number): Uint8Array {
  const zip64 = count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const b = new Uint8Array((zip64 ? SIZE.zip64Eocd + SIZE.zip64Locator : 0) + SIZE.eocd);
  let p = 0;
  if (zip64) {
    put32(b, 0, SIG.zip64Eocd);
    put64(b, 4, SIZE.zip64Eocd - 12);
    put16(b, 12, MADE_BY);
    put16(b, 14, NEEDED_ZIP64);
    // disk numbers 16, 20: 0
    put64(b, 24, count);
    put64(b, 32, count);
    put64(b, 40, cdSize);
    put64(b, 48, cdOffset);
    p = SIZE.zip64Eocd;
    put32(b, p, SIG.zip64Locator);
    // disk with the zip64 end record: 0
    put64(b, p + 8, cdOffset + cdSize);
    put32(b, p + 16, 1);
    p += SIZE.zip64Locator;
  }
  put32(b, p, SIG.eocd);
  put16(b, p + 8, Math.min(count, MAX16));
  put16(b, p + 10, Math.min(count, MAX16));
  put32(b, p + 12, Math.min(cdSize, MAX32));
  put32(b, p + 16, Math.min(cdOffset, MAX32));
  return b;
}

function defaultCompress(data: Uint8Array, level: number): Uint8Array {
  return deflateSync(data, { level: level as 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
}

/**
 * Streams a deterministic zip of `entries`: local header + data per entry (sorted by UTF-8 path
 * bytes), then the central directory and end records. Same inputs in any order → same bytes.
 * Validation errors (paths, duplicates, modes, mtime) are thrown by the first `next()`.
 */
export function* zipChunks(entries: Iterable<ZipInputEntry>, options: ZipWriteOptions = {}): Generator<Uint8Array> {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw inputError(`The deflate level ${level} is invalid: not an integer from 0 to 9`, "Pass a level from 0 to 9.", {
      level,
    });
  }
  const dos = toDosDateTime(options.mtime);
  const compress = options.compress ?? defaultCompress;
  const crc = options.crc32 ?? jsCrc32;
  const minCompressSize = options.minCompressSize ?? 0;
  const prepared = prepare(entries, options.directories ?? "none");
  const written: Written[] = [];
  let offset = 0;
  for (const p of prepared) {
    const body = payload(p, level, compress, crc, minCompressSize);
    const w: Written = {
      name: p.name,
      flags: isAscii(p.name) ? 0 : UTF8_FLAG,
      method: body.method,
      crc: body.crc,
      csize: body.data.length,
      usize: body.usize,
      offset,
      external: p.mode * 0x10000 + (p.dir ? 0x10 : 0),
    };
    const header = localHeader(w, dos);
    written.push(w);
    offset += header.length + body.data.length;
    yield header;
    if (body.data.length > 0) yield body.data;
  }
  let cdSize = 0;
  for (const w of written) cdSize += centralSize(w);
  const cd = new Uint8Array(cdSize);
  let p = 0;
  for (const w of written) p = writeCentral(cd, p, w, dos);
  if (cdSize > 0) yield cd;
  yield endRecords(written.length, offset, cdSize);
}

/** The deterministic zip of `entries` as one byte array (concatenation of {@link zipChunks}). */
export function writeZip(entries: Iterable<ZipInputEntry>, options: ZipWriteOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const c of zipChunks(entries, options)) {
    chunks.push(c);
    total += c.length;
  }
  return concatBytes(chunks, total);
}
