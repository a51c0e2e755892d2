// Seeded randomness for the stand-in wheels: a small PRNG for choices and AES-CTR for bulk bytes.
// Everything is derived from (seed, label), so the same seed gives the same bytes on every run.
import { createCipheriv, createHash } from "node:crypto";

/** 32 bytes of sha256 over the seed and a label. */
export function derive(seed, label) {
  return createHash("sha256").update(`${seed}\u0000${label}`).digest();
}

/**
 * A seeded PRNG (sfc32) with helpers.
 * @param {string|number} seed
 * @param {string} label
 */
export function createRng(seed, label) {
  const d = derive(String(seed), label);
  let a = d.readUInt32LE(0);
  let b = d.readUInt32LE(4);
  let c = d.readUInt32LE(8);
  let n = d.readUInt32LE(12);
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    n >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    n = (n + 1) | 0;
    t = (t + n) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    /** Uniform in [0, 1). */
    next,
    /** Integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    /** One element of a non-empty array. */
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** Standard normal (Box-Muller). */
    gauss: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** `length` incompressible bytes: AES-128-CTR keystream keyed by (seed, label). */
export function randomBytes(seed, label, length) {
  const key = derive(String(seed), `aes:${label}`);
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(length));
}
