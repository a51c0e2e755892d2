/**
 * Builds wheels in memory for tests: no binary fixtures. `makeWheel` writes a real zip (deterministic:
 * fixed timestamps, given entry order) with WHEEL, METADATA, RECORD and optional entry_points.txt and
 * `.data` files; `rawEntries` and the zip-level options allow hostile archives (unsafe names, symlinks,
 * duplicate names, bad CRC, lying sizes, unsupported methods, data descriptors, zip64).
 */
import { createHash } from "node:crypto";
import { constants, deflateRawSync, crc32 as zlibCrc32 } from "node:zlib";

/** File content: text (UTF-8), bytes, or bytes with a Unix mode (e.g. `0o100755`, or `0o777` without file type). */
export type WheelFileContent = string | Uint8Array | { data: string | Uint8Array; mode: number };

/** A map of wheel-relative paths (under the section's root) to contents. */
export type WheelFiles = Record<string, WheelFileContent>;

/** One raw zip entry, appended after the regular ones: anything goes, for hostile archives. */
export interface RawEntry {
  /** The entry name exactly as stored (may be absolute, contain `..`, NUL, duplicates...). */
  name: string;
  /** Content (default empty). */
  data?: string | Uint8Array;
  /** Unix mode including the file type, stored in the high 16 bits of the external attributes (default 0o100644). */
  mode?: number;
  /** Overrides the external attributes entirely. */
  externalAttributes?: number;
  /** Compression method: 0 stored, 8 deflate (default), anything else is written as stored bytes with that id. */
  method?: number;
  /** Overrides the stored CRC-32 (to make it wrong). */
  crc32?: number;
  /** Overrides the declared uncompressed size (to make it lie). */
  uncompressedSize?: number;
  /** Overrides the compressed bytes (with method 8 they must be raw deflate). */
  compressedData?: Uint8Array;
  /** A row for the `auto` RECORD (raw entries are not listed otherwise): `sha256=…` and the size. */
  record?: { hash: string; size: number };
}

/** Options of {@link makeWheel}. */
export interface MakeWheelOptions {
  /** Distribution name as in METADATA (`My.Package`); the filename and dist-info use the escaped form. */
  name: string;
  version: string;
  /** `py3-none-any` by default. */
  tags?: string;
  /** Optional build tag (`1`, `2abc`). */
  build?: string;
  /** Root files (purelib or platlib depending on `rootIsPurelib`). */
  files?: WheelFiles;
  /** entry_points.txt: verbatim text, or sections of `name = value`. */
  entryPoints?: string | Record<string, Record<string, string>>;
  /** Files under `<name>-<version>.data/<key>/`; unknown keys allowed (for hostile tests). */
  data?: Partial<Record<"scripts" | "headers" | "data" | "purelib" | "platlib", WheelFiles>> &
    Record<string, WheelFiles>;
  /** Extra METADATA headers (appended after Name/Version), e.g. `{ "Requires-Dist": ["a", "b"] }`. */
  metadata?: Record<string, string | string[]>;
  /** Replaces the whole METADATA text; `null` omits the file. */
  metadataText?: string | null;
  /** Replaces the whole WHEEL text; `null` omits the file. */
  wheelText?: string | null;
  /** `Wheel-Version` (default `1.0`). */
  wheelVersion?: string;
  /** Root-Is-Purelib (default true). */
  rootIsPurelib?: boolean;
  /**
   * `auto` (default): a correct RECORD; `none`: no RECORD; a string: RECORD text verbatim; a function:
   * the RECORD it returns given the correct one (to break one row).
   */
  record?: "auto" | "none" | string | ((correct: string) => string);
  /** Name of the dist-info directory without `.dist-info` (default `<escaped name>-<version>`). */
  distInfoPrefix?: string;
  /** Extra dist-info files (`LICENSE`, `top_level.txt`...). */
  distInfo?: WheelFiles;
  /** Hostile entries appended after the regular ones (not listed in RECORD). */
  rawEntries?: RawEntry[];
  /** `deflate` (default) or `store` for regular entries. */
  compression?: "deflate" | "store";
  /** Write sizes and CRC in data descriptors after the data (flag bit 3), like streaming zip writers. */
  dataDescriptors?: boolean;
  /** Write zip64 extra fields and the zip64 end records even for small archives. */
  zip64?: boolean;
}

/** A generated wheel. `sha256` is lowercase hex of `bytes`. */
export interface MadeWheel {
  filename: string;
  bytes: Uint8Array;
  sha256: string;
}

const enc = new TextEncoder();
const toBytes = (d: string | Uint8Array): Uint8Array => (typeof d === "string" ? enc.encode(d) : d);

/** The `name` part of wheel filenames and dist-info directories (PEP 427 escaping). */
export function escapeWheelName(name: string): string {
  return name.replace(/[-_.]+/g, "_");
}

/** `sha256=<urlsafe b64 nopad>` of bytes, as in RECORD. */
export function recordHash(data: Uint8Array): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

interface ZipInput {
  name: string;
  data: Uint8Array;
  mode?: number;
  externalAttributes?: number;
  method?: number;
  crc32?: number;
  uncompressedSize?: number;
  compressedData?: Uint8Array;
}

function normalizeContent(c: WheelFileContent): { data: Uint8Array; mode: number | undefined } {
  if (typeof c === "string" || c instanceof Uint8Array) return { data: toBytes(c), mode: undefined };
  return { data: toBytes(c.data), mode: c.mode };
}

/** Builds a wheel (see {@link MakeWheelOptions}). */
export function makeWheel(opts: MakeWheelOptions): MadeWheel {
  const tags = opts.tags ?? "py3-none-any";
  const escaped = escapeWheelName(opts.name);
  const prefix = opts.distInfoPrefix ?? `${escaped}-${opts.version}`;
  const distInfo = `${prefix}.dist-info`;
  const dataDir = `${escaped}-${opts.version}.data`;
  const filename = `${escaped}-${opts.version}${opts.build ? `-${opts.build}` : ""}-${tags}.whl`;
  const entries: ZipInput[] = [];
  const add = (name: string, c: WheelFileContent) => {
    const { data, mode } = normalizeContent(c);
    entries.push({ name, data, ...(mode === undefined ? {} : { mode }) });
  };
  for (const [p, c] of Object.entries(opts.files ?? {})) add(p, c);
  for (const [key, files] of Object.entries(opts.data ?? {})) {
    for (const [p, c] of Object.entries(files ?? {})) add(`${dataDir}/${key}/${p}`, c);
  }
  for (const [p, c] of Object.entries(opts.distInfo ?? {})) add(`${distInfo}/${p}`, c);
  if (opts.metadataText !== null) {
    let text = opts.metadataText;
    if (text === undefined) {
      text = `Metadata-Version: 2.1\nName: ${opts.name}\nVersion: ${opts.version}\n`;
      for (const [k, v] of Object.entries(opts.metadata ?? {})) {
        for (const one of Array.isArray(v) ? v : [v]) text += `${k}: ${one}\n`;
      }
    }
    add(`${distInfo}/METADATA`, text);
  }
  if (opts.wheelText !== null) {
    const [py = "", abi = "", plat = ""] = tags.split("-");
    const tagLines = py
      .split(".")
      .flatMap((a) => abi.split(".").flatMap((b) => plat.split(".").map((c) => `Tag: ${a}-${b}-${c}\n`)))
      .join("");
    const purelib = opts.rootIsPurelib === false ? "false" : "true";
    const text =
      opts.wheelText ??
      `Wheel-Version: ${opts.wheelVersion ?? "1.0"}\nGenerator: make-wheel (test)\nRoot-Is-Purelib: ${purelib}\n${tagLines}`;
    add(`${distInfo}/WHEEL`, text);
  }
  if (opts.entryPoints !== undefined) {
    let text = opts.entryPoints;
    if (typeof text !== "string") {
      text = Object.entries(text)
        .map(
          ([section, kv]) =>
            `[${section}]\n${Object.entries(kv)
              .map(([k, v]) => `${k} = ${v}\n`)
              .join("")}`,
        )
        .join("\n");
    }
    add(`${distInfo}/entry_points.txt`, text);
  }
  const record = opts.record ?? "auto";
  if (record !== "none") {
    let text: string;
    if (typeof record === "string" && record !== "auto") text = record;
    else {
      text = entries.map((e) => `${csvField(e.name)},${recordHash(e.data)},${e.data.length}\n`).join("");
      for (const r of opts.rawEntries ?? [])
        if (r.record) text += `${csvField(r.name)},${r.record.hash},${r.record.size}\n`;
      text += `${distInfo}/RECORD,,\n`;
      if (typeof record === "function") text = record(text);
    }
    add(`${distInfo}/RECORD`, text);
  }
  for (const r of opts.rawEntries ?? []) entries.push({ ...r, data: toBytes(r.data ?? "") });
  const bytes = writeTestZip(entries, {
    store: opts.compression === "store",
    dataDescriptors: opts.dataDescriptors === true,
    zip64: opts.zip64 === true,
  });
  return { filename, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a zip from raw entries (no validation: duplicates, unsafe names and lies are kept). */
export function writeTestZip(
  entries: ReadonlyArray<ZipInput>,
  opts: { store?: boolean; dataDescriptors?: boolean; zip64?: boolean } = {},
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    offset += b.length;
  };
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const e of entries) {
    const nameBytes = enc.encode(e.name);
    const method = e.method ?? (opts.store ? 0 : 8);
    const compressed = e.compressedData ?? (method === 8 ? new Uint8Array(deflateRawSync(e.data)) : e.data);
    const crc = e.crc32 ?? zlibCrc32(e.data);
    const usize = e.uncompressedSize ?? e.data.length;
    const ext = e.externalAttributes ?? ((e.mode ?? 0o100644) << 16) >>> 0;
    let flags = 0x0800; // UTF-8 names
    if (opts.dataDescriptors) flags |= 0x0008;
    const localOffset = offset;
    const z64 = opts.zip64 === true;
    const localExtra = z64 ? zip64Extra([usize, compressed.length]) : new Uint8Array(0);
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(4, z64 ? 45 : 20, true);
    lh.setUint16(6, flags, true);
    lh.setUint16(8, method, true);
    lh.setUint16(10, DOS_TIME, true);
    lh.setUint16(12, DOS_DATE, true);
    const inDescriptor = opts.dataDescriptors === true;
    lh.setUint32(14, inDescriptor ? 0 : crc, true);
    lh.setUint32(18, z64 ? 0xffffffff : inDescriptor ? 0 : compressed.length, true);
    lh.setUint32(22, z64 ? 0xffffffff : inDescriptor ? 0 : usize, true);
    lh.setUint16(26, nameBytes.length, true);
    lh.setUint16(28, localExtra.length, true);
    push(new Uint8Array(lh.buffer));
    push(nameBytes);
    push(localExtra);
    push(compressed);
    if (inDescriptor) {
      const dd = new DataView(new ArrayBuffer(z64 ? 24 : 16));
      dd.setUint32(0, 0x08074b50, true);
      dd.setUint32(4, crc, true);
      if (z64) {
        dd.setBigUint64(8, BigInt(compressed.length), true);
        dd.setBigUint64(16, BigInt(usize), true);
      } else {
        dd.setUint32(8, compressed.length, true);
        dd.setUint32(12, usize, true);
      }
      push(new Uint8Array(dd.buffer));
    }
    const cdExtra = z64 ? zip64Extra([usize, compressed.length, localOffset]) : new Uint8Array(0);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, (3 << 8) | (z64 ? 45 : 20), true); // made by Unix
    cd.setUint16(6, z64 ? 45 : 20, true);
    cd.setUint16(8, flags, true);
    cd.setUint16(10, method, true);
    cd.setUint16(12, DOS_TIME, true);
    cd.setUint16(14, DOS_DATE, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, z64 ? 0xffffffff : compressed.length, true);
    cd.setUint32(24, z64 ? 0xffffffff : usize, true);
    cd.setUint16(28, nameBytes.length, true);
    cd.setUint16(30, cdExtra.length, true);
    cd.setUint16(32, 0, true);
    cd.setUint16(34, 0, true);
    cd.setUint16(36, 0, true);
    cd.setUint32(38, ext, true);
    cd.setUint32(42, z64 ? 0xffffffff : localOffset, true);
    central.push(new Uint8Array(cd.buffer), nameBytes, cdExtra);
  }
  const cdStart = offset;
  for (const c of central) push(c);
  const cdSize = offset - cdStart;
  if (opts.zip64) {
    const z64Start = offset;
    const r = new DataView(new ArrayBuffer(56));
    r.setUint32(0, 0x06064b50, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setUint32(16, 0, true);
    r.setUint32(20, 0, true);
    r.setBigUint64(24, BigInt(entries.length), true);
    r.setBigUint64(32, BigInt(entries.length), true);
    r.setBigUint64(40, BigInt(cdSize), true);
    r.setBigUint64(48, BigInt(cdStart), true);
    push(new Uint8Array(r.buffer));
    const loc = new DataView(new ArrayBuffer(20));
    loc.setUint32(0, 0x07064b50, true);
    loc.setUint32(4, 0, true);
    loc.setBigUint64(8, BigInt(z64Start), true);
    loc.setUint32(16, 1, true);
    push(new Uint8Array(loc.buffer));
  }
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, opts.zip64 ? 0xffff : entries.length, true);
  eocd.setUint16(10, opts.zip64 ? 0xffff : entries.length, true);
  eocd.setUint32(12, opts.zip64 ? 0xffffffff : cdSize, true);
  eocd.setUint32(16, opts.zip64 ? 0xffffffff : cdStart, true);
  push(new Uint8Array(eocd.buffer));
  const out = new Uint8Array(offset);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

function zip64Extra(values: number[]): Uint8Array {
  const v = new DataView(new ArrayBuffer(4 + values.length * 8));
  v.setUint16(0, 0x0001, true);
  v.setUint16(2, values.length * 8, true);
  values.forEach((n, i) => {
    v.setBigUint64(4 + i * 8, BigInt(n), true);
  });
  return new Uint8Array(v.buffer);
}

/** A deflate stream that inflates to `size` zero bytes (a zip bomb payload when declared small). */
export function zeroBombPayload(size: number): Uint8Array {
  return new Uint8Array(deflateRawSync(new Uint8Array(size), { level: 9 }));
}

/** A deflate stream of many zero bytes, with what a zip entry and a RECORD row need. */
export interface ZeroStream {
  /** Raw deflate data. */
  compressed: Uint8Array;
  /** Uncompressed size. */
  size: number;
  crc32: number;
  /** `sha256=<urlsafe b64 nopad>` of the zeros, as in RECORD (computed only when asked for). */
  recordHash?: string;
}

/**
 * A raw deflate stream of `size` zero bytes, made without ever holding them: one piece of zeros
 * (64 MiB at most) deflated with a full flush (byte-aligned, no reference to earlier data) is
 * repeated, a shorter piece ends it, then a final empty block. 1.5 GiB of zeros take ~1.5 MB and a
 * few hundred ms; with `hash`, the RECORD hash adds about a second per GiB.
 */
export function zeroStream(size: number, options: { hash?: boolean } = {}): ZeroStream {
  const PIECE = 64 * 1024 * 1024;
  const zeros = new Uint8Array(Math.min(size, PIECE));
  const flushed = (n: number) =>
    new Uint8Array(deflateRawSync(zeros.subarray(0, n), { level: 9, finishFlush: constants.Z_FULL_FLUSH }));
  const full = Math.floor(size / PIECE);
  const tail = size % PIECE;
  const parts: Uint8Array[] = [];
  let crc = 0;
  const sha = options.hash ? createHash("sha256") : undefined;
  if (full > 0) {
    const block = flushed(PIECE);
    for (let i = 0; i < full; i++) {
      parts.push(block);
      crc = zlibCrc32(zeros, crc);
      sha?.update(zeros);
    }
  }
  if (tail > 0) {
    parts.push(flushed(tail));
    crc = zlibCrc32(zeros.subarray(0, tail), crc);
    sha?.update(zeros.subarray(0, tail));
  }
  parts.push(new Uint8Array(deflateRawSync(new Uint8Array(0)))); // the final (empty) block
  const compressed = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    compressed.set(p, at);
    at += p.length;
  }
  return {
    compressed,
    size,
    crc32: crc,
    ...(sha === undefined ? {} : { recordHash: `sha256=${sha.digest("base64url")}` }),
  };
}
