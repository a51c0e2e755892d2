/**
 * Byte-order comparison of strings as their UTF-8 encodings (what Rust's `str` ordering and
 * Python's `sorted()` of bytes give), without encoding them.
 */

/** Maps a UTF-16 code unit so that unit order equals code point (= UTF-8 byte) order. */
function fix(u: number): number {
  if (u < 0xd800) return u;
  return u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in UTF-8 byte order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fix(x) - fix(y);
  }
  return a.length - b.length;
}
