// A minimal deterministic zip writer (deflate level 6 or stored, fixed 1980-01-01 timestamps), enough
// for stand-in wheels. Kept separate from @tspack/zip on purpose: the benchmark must not measure tspack
// with files that tspack's own code wrote.
import { crc32, deflateRawSync } from "node:zlib";

const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_TIME = 0;

/**
 * Compresses one entry like Python's zipfile (deflate level 6; stored when that is not smaller).
 * @param {string} name
 * @param {Buffer} data
 */
export function compressEntry(name, data) {
  const deflated = deflateRawSync(data, { level: 6 });
  const stored = deflated.length >= data.length;
  return {
    name,
    nameBytes: Buffer.from(name, "utf8"),
    method: stored ? 0 : 8,
    crc: crc32(data),
    size: data.length,
    body: stored ? data : deflated,
  };
}

/** Bytes a zip spends on one entry besides its body (local header + central header + name twice). */
export function entryOverhead(name) {
  return 30 + 46 + 2 * Buffer.byteLength(name, "utf8");
}

/** Bytes of the end-of-central-directory record. */
export const EOCD_SIZE = 22;

/**
 * Writes entries from {@link compressEntry}, in the given order, as one zip.
 * @param {ReturnType<typeof compressEntry>[]} entries
 */
export function writeZip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.body.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(e.nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, e.nameBytes, e.body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, zip 2.0
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(DOS_TIME, 12);
    c.writeUInt16LE(DOS_DATE, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.body.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(e.nameBytes.length, 28);
    c.writeUInt32LE(0, 30); // extra, comment, disk
    c.writeUInt16LE(0, 34);
    c.writeUInt16LE(0, 36);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, e.nameBytes);
    offset += 30 + e.nameBytes.length + e.body.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(EOCD_SIZE);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, eocd]);
}
