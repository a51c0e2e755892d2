// Local file header parsing (internal), shared by readZipEntries and getEntryData.
import { SIG, SIZE, u16, u32 } from "./bytes.js";
import { readZip64Values } from "./extra-field.js";
import type { ZipEntry } from "./zip-entry.js";
import { zipError } from "./zip-error.js";

/** The fields of a local file header that the reader checks. */
export interface LocalHeader {
  flags: number;
  method: number;
  crc32: number;
  /** From the header or its zip64 extra field; -1 when a zip64 value is out of range. */
  compressedSize: number;
  uncompressedSize: number;
  name: Uint8Array;
  /** Offset of the entry's (compressed) data in the archive. */
  dataStart: number;
  /** True when the local header carries zip64 sizes (its data descriptor then has 8-byte sizes). */
  zip64: boolean;
}

/** Parses the local header of `entry`, checking only that it lies inside `limit` bytes. */
export function readLocalHeader(
  bytes: Uint8Array,
  entry: ZipEntry,
  limit: number,
  archive: string | undefined,
): LocalHeader {
  const o = entry.localHeaderOffset;
  if (o + SIZE.local > limit) {
    throw zipError(archive, entry.name, `local header at offset ${o} lies outside the archive data`);
  }
  if (u32(bytes, o) !== SIG.local) {
    throw zipError(archive, entry.name, `no local header signature at offset ${o}`);
  }
  const nameLen = u16(bytes, o + 26);
  const extraLen = u16(bytes, o + 28);
  const dataStart = o + SIZE.local + nameLen + extraLen;
  if (dataStart > limit) {
    throw zipError(archive, entry.name, `local header at offset ${o} is truncated`);
  }
  let compressedSize = u32(bytes, o + 18);
  let uncompressedSize = u32(bytes, o + 22);
  let zip64 = false;
  if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) {
    const extra = bytes.subarray(o + SIZE.local + nameLen, dataStart);
    const v = readZip64Values(extra, [uncompressedSize === 0xffffffff, compressedSize === 0xffffffff]);
    if (v !== undefined) {
      zip64 = true;
      if (uncompressedSize === 0xffffffff) uncompressedSize = v[0]!;
      if (compressedSize === 0xffffffff) compressedSize = v[1]!;
    }
  }
  return {
    flags: u16(bytes, o + 6),
    method: u16(bytes, o + 8),
    crc32: u32(bytes, o + 14),
    compressedSize,
    uncompressedSize,
    name: bytes.subarray(o + SIZE.local, o + SIZE.local + nameLen),
    dataStart,
    zip64,
  };
}
