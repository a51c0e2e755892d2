// Little-endian field access shared by the reader and the writer (internal; not exported from the barrel).

/** Unsigned 16-bit little-endian value at `o` (caller checks bounds). */
export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

/** Unsigned 32-bit little-endian value at `o` (caller checks bounds). */
export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Unsigned 64-bit little-endian value at `o`, or -1 when it exceeds Number.MAX_SAFE_INTEGER. */
export function u64(b: Uint8Array, o: number): number {
  const hi = u32(b, o + 4);
  if (hi > 0x1fffff) return -1;
  return hi * 0x1_0000_0000 + u32(b, o);
}

/** Writes an unsigned 16-bit little-endian value at `o`. */
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

/** Writes an unsigned 32-bit little-endian value at `o`. */
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Writes an unsigned 64-bit little-endian value (any safe non-negative integer) at `o`. */
export function put64(b: Uint8Array, o: number, v: number): void {
  put32(b, o, v >>> 0);
  put32(b, o + 4, Math.floor(v / 0x1_0000_0000));
}

/** The concatenation of `chunks`, whose lengths add up to `total`. */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Zip record signatures. */
export const SIG = {
  local: 0x04034b50,
  central: 0x02014b50,
  eocd: 0x06054b50,
  zip64Eocd: 0x06064b50,
  zip64Locator: 0x07064b50,
  dataDescriptor: 0x08074b50,
} as const;

/** Fixed sizes of zip records (without variable-length name/extra/comment). */
export const SIZE = {
  local: 30,
  central: 46,
  eocd: 22,
  zip64Eocd: 56,
  zip64Locator: 20,
} as const;
