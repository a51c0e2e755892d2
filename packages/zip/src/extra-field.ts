// Zip extra-field parsing (internal).
import { u16, u32, u64 } from "./bytes.js";

/** Header id of the zip64 extended information extra field. */
export const ZIP64_EXTRA_ID = 0x0001;

/**
 * The data of the first extra field with header `id` inside `extra`, or undefined. Parsing stops at
 * the first malformed header (some writers pad extra fields with zeros).
 */
export function findExtraField(extra: Uint8Array, id: number): Uint8Array | undefined {
  let p = 0;
  while (p + 4 <= extra.length) {
    const hid = u16(extra, p);
    const size = u16(extra, p + 2);
    if (p + 4 + size > extra.length) return undefined;
    if (hid === id) return extra.subarray(p + 4, p + 4 + size);
    p += 4 + size;
  }
  return undefined;
}

/**
 * Reads the zip64 values for the fields flagged in `wanted` (in the fixed order the spec gives them:
 * uncompressed size, compressed size, local header offset, disk number). Returns undefined when the
 * zip64 field is missing or too short, and -1 for a value beyond Number.MAX_SAFE_INTEGER.
 */
export function readZip64Values(extra: Uint8Array, wanted: readonly boolean[]): number[] | undefined {
  const data = findExtraField(extra, ZIP64_EXTRA_ID);
  if (data === undefined) return undefined;
  const out: number[] = [];
  let p = 0;
  for (let i = 0; i < wanted.length; i++) {
    if (!wanted[i]) {
      out.push(0);
      continue;
    }
    // The 4th value (disk start) is 32-bit.
    const width = i === 3 ? 4 : 8;
    if (p + width > data.length) return undefined;
    out.push(width === 8 ? u64(data, p) : u32(data, p));
    p += width;
  }
  return out;
}
