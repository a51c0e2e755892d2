/**
 * SipHash-c-d over 64-bit words kept as pairs of 32-bit halves (no BigInt on the hot path), as CPython's
 * `_Py_KeyedHash` computes it for `importlib.util.source_hash`: SipHash-1-3 since 3.11 (2-4 before), with
 * k0 = the pyc magic read as a little-endian integer and k1 = 0. Pure: no node:* module.
 */

/** State: v0..v3 as [hi, lo] pairs in one array (v0h, v0l, v1h, v1l, v2h, v2l, v3h, v3l). */
type State = Uint32Array;

function add(s: State, a: number, b: number): void {
  // v[a] += v[b]
  const lo = (s[a + 1]! + s[b + 1]!) >>> 0;
  const carry = lo < s[a + 1]! ? 1 : 0;
  s[a] = (s[a]! + s[b]! + carry) >>> 0;
  s[a + 1] = lo;
}

function rotl(s: State, a: number, n: number): void {
  const hi = s[a]!;
  const lo = s[a + 1]!;
  if (n === 32) {
    s[a] = lo;
    s[a + 1] = hi;
  } else if (n < 32) {
    s[a] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
    s[a + 1] = ((lo << n) | (hi >>> (32 - n))) >>> 0;
  } else {
    const m = n - 32;
    s[a] = ((lo << m) | (hi >>> (32 - m))) >>> 0;
    s[a + 1] = ((hi << m) | (lo >>> (32 - m))) >>> 0;
  }
}

function xor(s: State, a: number, b: number): void {
  s[a] = (s[a]! ^ s[b]!) >>> 0;
  s[a + 1] = (s[a + 1]! ^ s[b + 1]!) >>> 0;
}

const V0 = 0;
const V1 = 2;
const V2 = 4;
const V3 = 6;

function round(s: State): void {
  add(s, V0, V1);
  rotl(s, V1, 13);
  xor(s, V1, V0);
  rotl(s, V0, 32);
  add(s, V2, V3);
  rotl(s, V3, 16);
  xor(s, V3, V2);
  add(s, V0, V3);
  rotl(s, V3, 21);
  xor(s, V3, V0);
  add(s, V2, V1);
  rotl(s, V1, 17);
  xor(s, V1, V2);
  rotl(s, V2, 32);
}

function block(s: State, hi: number, lo: number, c: number): void {
  s[V3] = (s[V3]! ^ hi) >>> 0;
  s[V3 + 1] = (s[V3 + 1]! ^ lo) >>> 0;
  for (let i = 0; i < c; i++) round(s);
  s[V0] = (s[V0]! ^ hi) >>> 0;
  s[V0 + 1] = (s[V0 + 1]! ^ lo) >>> 0;
}

/**
 * SipHash-c-d of `data` with the 128-bit key (k0, k1), each given as [hi, lo] 32-bit halves; returns the
 * 8 bytes of the 64-bit result in little-endian order (what CPython's `source_hash` returns).
 */
export function sipHash(
  data: Uint8Array,
  k0: readonly [number, number],
  k1: readonly [number, number],
  c = 1,
  d = 3,
): Uint8Array {
  const s: State = new Uint32Array([
    (k0[0] ^ 0x736f6d65) >>> 0,
    (k0[1] ^ 0x70736575) >>> 0,
    (k1[0] ^ 0x646f7261) >>> 0,
    (k1[1] ^ 0x6e646f6d) >>> 0,
    (k0[0] ^ 0x6c796765) >>> 0,
    (k0[1] ^ 0x6e657261) >>> 0,
    (k1[0] ^ 0x74656462) >>> 0,
    (k1[1] ^ 0x79746573) >>> 0,
  ]);
  const n = data.length;
  const full = n - (n % 8);
  for (let i = 0; i < full; i += 8) {
    const lo = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    const hi = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    block(s, hi, lo, c);
  }
  // Last block: the remaining bytes, little endian, with the length's low byte on top.
  let lo = 0;
  let hi = ((n & 0xff) << 24) >>> 0;
  for (let i = full; i < n; i++) {
    const shift = (i - full) * 8;
    if (shift < 32) lo = (lo | (data[i]! << shift)) >>> 0;
    else hi = (hi | (data[i]! << (shift - 32))) >>> 0;
  }
  block(s, hi, lo, c);
  s[V2 + 1] = (s[V2 + 1]! ^ 0xff) >>> 0;
  for (let i = 0; i < d; i++) round(s);
  const rh = (s[V0]! ^ s[V1]! ^ s[V2]! ^ s[V3]!) >>> 0;
  const rl = (s[V0 + 1]! ^ s[V1 + 1]! ^ s[V2 + 1]! ^ s[V3 + 1]!) >>> 0;
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, rl, true);
  view.setUint32(4, rh, true);
  return out;
}
