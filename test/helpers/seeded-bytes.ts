/**
 * Deterministic pseudo-random bytes (xorshift32 from `seed`): noise, incompressible like a `.so`, or with
 * `text`, letters a–h, compressible like source code.
 */
export function seededBytes(seed: number, size: number, options: { text?: boolean } = {}): Uint8Array {
  const out = new Uint8Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = options.text ? 97 + ((s >>> 0) % 8) : s & 0xff;
  }
  return out;
}

/** A deterministic generator of floats in [0, 1) (xorshift32 from `seed`, as {@link seededBytes}). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
