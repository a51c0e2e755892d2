import { SIG, SIZE, u16, u32, u64 } from "./bytes.js";
import { decodeCp437 } from "./cp437.js";
import { readZip64Values } from "./extra-field.js";
import { readLocalHeader } from "./local-header.js";
import { decodeUtf8 } from "./utf8.js";
import type { ZipEntry } from "./zip-entry.js";
import { hex32, zipError } from "./zip-error.js";

/** Options for {@link readZipEntries}. */
export interface ReadZipOptions {
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
}

/** Names of compression methods the reader refuses, for messages. */
const METHOD_NAMES: Record<number, string> = {
  1: "shrink",
  6: "implode",
  9: "deflate64",
  12: "bzip2",
  14: "lzma",
  19: "lz77",
  93: "zstd",
  95: "xz",
  98: "ppmd",
  99: "AES encryption",
};

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UTF8_FLAG = 0x800;
const DATA_DESCRIPTOR_FLAG = 0x8;

interface EndRecord {
  /** Number of entries in the central directory. */
  count: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end: the zip64 end record, or the end record. */
  cdLimit: number;
}

/**
 * Parses and validates the central directory of the zip archive `bytes` and every entry's local
 * header. Returns the entries in central-directory order; duplicate names are all returned.
 * Throws TSPACK_ZIP_INVALID naming the archive (`options.name`) and the entry on any inconsistency:
 * truncated or overlapping structures, local header vs central directory mismatch, encryption,
 * compression methods other than stored/deflate, or an archive comment with bytes 0x01–0x08.
 */
export function readZipEntries(bytes: Uint8Array, options: ReadZipOptions = {}): ZipEntry[] {
  const archive = options.name;
  const end = readEndRecord(bytes, archive);
  const entries: ZipEntry[] = [];
  const names: Uint8Array[] = [];
  let p = end.cdOffset;
  const cdEnd = end.cdOffset + end.cdSize;
  for (let i = 0; i < end.count; i++) {
    if (p + SIZE.central > cdEnd || u32(bytes, p) !== SIG.central) {
      throw zipError(archive, undefined, `central directory entry ${i} at offset ${p} is truncated or missing`);
    }
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const next = p + SIZE.central + nameLen + extraLen + commentLen;
    if (next > cdEnd) {
      throw zipError(archive, undefined, `central directory entry ${i} at offset ${p} is truncated`);
    }
    const nameBytes = bytes.subarray(p + SIZE.central, p + SIZE.central + nameLen);
    const flags = u16(bytes, p + 8);
    const name = decodeName(nameBytes, flags, archive);
    const versionMadeBy = u16(bytes, p + 4);
    const method = u16(bytes, p + 10);
    let uncompressedSize = u32(bytes, p + 24);
    let compressedSize = u32(bytes, p + 20);
    let localHeaderOffset = u32(bytes, p + 42);
    let diskStart = u16(bytes, p + 34);
    const wanted = [
      uncompressedSize === 0xffffffff,
      compressedSize === 0xffffffff,
      localHeaderOffset === 0xffffffff,
      diskStart === 0xffff,
    ];
    if (wanted.some(Boolean)) {
      const extra = bytes.subarray(p + SIZE.central + nameLen, p + SIZE.central + nameLen + extraLen);
      const v = readZip64Values(extra, wanted);
      if (v === undefined) throw zipError(archive, name, "the zip64 extra field is missing or too short");
      if (v.includes(-1)) throw zipError(archive, name, "a zip64 size or offset is larger than 2^53");
      if (wanted[0]) uncompressedSize = v[0]!;
      if (wanted[1]) compressedSize = v[1]!;
      if (wanted[2]) localHeaderOffset = v[2]!;
      if (wanted[3]) diskStart = v[3]!;
    }
    if (diskStart !== 0)
      throw zipError(archive, name, `starts on disk ${diskStart} (multi-disk archives are not supported)`);
    if (flags & 0x41) {
      throw zipError(archive, name, "is encrypted", { hint: "tspack cannot read encrypted archives." });
    }
    if (method !== 0 && method !== 8) {
      const label = METHOD_NAMES[method] === undefined ? "" : ` (${METHOD_NAMES[method]})`;
      throw zipError(
        archive,
        name,
        `uses compression method ${method}${label}; only 0 (stored) and 8 (deflate) are supported`,
        {
          hint: "Rebuild the archive with stored or deflate compression.",
          details: { method },
        },
      );
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw zipError(
        archive,
        name,
        `is stored but its compressed size (${compressedSize}) differs from its uncompressed size (${uncompressedSize})`,
      );
    }
    const externalAttributes = u32(bytes, p + 38);
    const unixMode = versionMadeBy >>> 8 === 3 ? externalAttributes >>> 16 : undefined;
    entries.push({
      name,
      method,
      flags,
      crc32: u32(bytes, p + 16),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      externalAttributes,
      versionMadeBy,
      isDirectory: name.endsWith("/"),
      unixMode,
      isSymlink: unixMode !== undefined && (unixMode & S_IFMT) === S_IFLNK,
    });
    names.push(nameBytes);
    p = next;
  }
  if (p !== cdEnd) {
    throw zipError(
      archive,
      undefined,
      `the central directory is ${end.cdSize} bytes but its ${end.count} entries take ${p - end.cdOffset}`,
    );
  }
  checkLocalHeaders(bytes, entries, names, end.cdOffset, archive);
  return entries;
}

function decodeName(nameBytes: Uint8Array, flags: number, archive: string | undefined): string {
  if ((flags & UTF8_FLAG) === 0) return decodeCp437(nameBytes);
  const name = decodeUtf8(nameBytes);
  if (name === undefined) {
    throw zipError(archive, decodeUtf8(nameBytes, true), "the name is flagged as UTF-8 but is not valid UTF-8");
  }
  return name;
}

function readEndRecord(bytes: Uint8Array, archive: string | undefined): EndRecord {
  const len = bytes.length;
  let pos = -1;
  for (let i = len - SIZE.eocd; i >= 0 && i >= len - SIZE.eocd - 0xffff; i--) {
    if (bytes[i] === 0x50 && u32(bytes, i) === SIG.eocd && i + SIZE.eocd + u16(bytes, i + 20) === len) {
      pos = i;
      break;
    }
  }
  if (pos < 0) {
    throw zipError(archive, undefined, "is not a zip archive or is truncated (no end of central directory record)");
  }
  const comment = bytes.subarray(pos + SIZE.eocd, len);
  if (comment.some((b) => b >= 0x01 && b <= 0x08)) {
    throw zipError(archive, undefined, "the archive comment contains bytes 0x01–0x08 (a zip inside a zip?)");
  }
  let disk = u16(bytes, pos + 4);
  let cdDisk = u16(bytes, pos + 6);
  let onDisk = u16(bytes, pos + 8);
  let count = u16(bytes, pos + 10);
  let cdSize = u32(bytes, pos + 12);
  let cdOffset = u32(bytes, pos + 16);
  let cdLimit = pos;
  const loc = pos - SIZE.zip64Locator;
  if (loc >= 0 && u32(bytes, loc) === SIG.zip64Locator) {
    const recordOffset = u64(bytes, loc + 8);
    if (u32(bytes, loc + 4) !== 0 || u32(bytes, loc + 16) > 1) {
      throw zipError(archive, undefined, "spans multiple disks (not supported)");
    }
    if (recordOffset < 0 || recordOffset + SIZE.zip64Eocd > loc || u32(bytes, recordOffset) !== SIG.zip64Eocd) {
      throw zipError(archive, undefined, "the zip64 end of central directory record is missing or out of place");
    }
    const recordEnd = recordOffset + 12 + u64(bytes, recordOffset + 4);
    if (recordEnd < recordOffset + SIZE.zip64Eocd || recordEnd > loc) {
      throw zipError(archive, undefined, "the zip64 end of central directory record has an invalid size");
    }
    disk = u32(bytes, recordOffset + 16);
    cdDisk = u32(bytes, recordOffset + 20);
    onDisk = u64(bytes, recordOffset + 24);
    count = u64(bytes, recordOffset + 32);
    cdSize = u64(bytes, recordOffset + 40);
    cdOffset = u64(bytes, recordOffset + 48);
    if (count < 0 || cdSize < 0 || cdOffset < 0) {
      throw zipError(archive, undefined, "a zip64 count, size or offset is larger than 2^53");
    }
    cdLimit = recordOffset;
  }
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) {
    throw zipError(archive, undefined, "spans multiple disks (not supported)");
  }
  if (cdOffset + cdSize > cdLimit) {
    throw zipError(
      archive,
      undefined,
      `the central directory (offset ${cdOffset}, ${cdSize} bytes) extends past the end of central directory record at ${cdLimit}`,
    );
  }
  if (count * SIZE.central > cdSize) {
    throw zipError(archive, undefined, `the central directory (${cdSize} bytes) is too small for ${count} entries`);
  }
  return { count, cdOffset, cdSize, cdLimit };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks every local header against the central directory and that no two entries' data overlap. */
function checkLocalHeaders(
  bytes: Uint8Array,
  entries: ZipEntry[],
  names: Uint8Array[],
  cdOffset: number,
  archive: string | undefined,
): void {
  const spans: { start: number; end: number; index: number }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const h = readLocalHeader(bytes, e, cdOffset, archive);
    if (!sameBytes(h.name, names[i]!)) {
      throw zipError(archive, e.name, "local header name does not match the central directory");
    }
    if (h.method !== e.method) {
      throw zipError(
        archive,
        e.name,
        `local header compression method ${h.method} does not match the central directory (${e.method})`,
      );
    }
    if (h.flags & 0x41) throw zipError(archive, e.name, "is encrypted (local header)");
    const dataEnd = h.dataStart + e.compressedSize;
    if (dataEnd > cdOffset) {
      throw zipError(
        archive,
        e.name,
        `data (${e.compressedSize} bytes at ${h.dataStart}) runs into the central directory`,
      );
    }
    let end = dataEnd;
    if (h.flags & DATA_DESCRIPTOR_FLAG) {
      end = checkDataDescriptor(bytes, e, dataEnd, cdOffset, h.zip64, archive);
    } else {
      if (h.compressedSize !== e.compressedSize || h.uncompressedSize !== e.uncompressedSize) {
        throw zipError(
          archive,
          e.name,
          `local header sizes (${h.compressedSize}/${h.uncompressedSize}) do not match the central directory (${e.compressedSize}/${e.uncompressedSize})`,
        );
      }
      if (h.crc32 !== e.crc32) {
        throw zipError(
          archive,
          e.name,
          `local header CRC-32 ${hex32(h.crc32)} does not match the central directory (${hex32(e.crc32)})`,
        );
      }
    }
    spans.push({ start: e.localHeaderOffset, end, index: i });
  }
  spans.sort((a, b) => a.start - b.start || a.index - b.index);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    if (cur.start < prev.end) {
      const a = entries[Math.min(prev.index, cur.index)]!;
      const b = entries[Math.max(prev.index, cur.index)]!;
      throw zipError(archive, b.name, `overlaps entry "${a.name}" (offset ${cur.start})`);
    }
  }
}

/** Validates the data descriptor after an entry's data; returns where it ends. */
function checkDataDescriptor(
  bytes: Uint8Array,
  e: ZipEntry,
  dataEnd: number,
  limit: number,
  zip64: boolean,
  archive: string | undefined,
): number {
  let p = dataEnd;
  if (p + 4 <= limit && u32(bytes, p) === SIG.dataDescriptor) {
    // The signature is optional; a CRC equal to the signature is ambiguous, so accept either reading.
    const withSig = descriptorEnd(bytes, e, p + 4, limit, zip64);
    if (withSig >= 0) return withSig;
  }
  p = descriptorEnd(bytes, e, p, limit, zip64);
  if (p < 0) throw zipError(archive, e.name, "data descriptor is missing or does not match the central directory");
  return p;
}

function descriptorEnd(bytes: Uint8Array, e: ZipEntry, p: number, limit: number, zip64: boolean): number {
  if (p + 12 > limit || u32(bytes, p) !== e.crc32) return -1;
  const wide = zip64 || e.compressedSize >= 0xffffffff || e.uncompressedSize >= 0xffffffff;
  if (!wide && u32(bytes, p + 4) === e.compressedSize && u32(bytes, p + 8) === e.uncompressedSize) return p + 12;
  if (p + 20 <= limit && u64(bytes, p + 4) === e.compressedSize && u64(bytes, p + 12) === e.uncompressedSize) {
    return p + 20;
  }
  return -1;
}
