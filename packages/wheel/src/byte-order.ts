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

/** Any UTF-16 unit at or above U+D800: only then can code-unit order differ from UTF-8 byte order. */
const HIGH = /[\ud800-\uffff]/;

/**
 * Sorts `items` in place by `key(item)` in UTF-8 byte order. Keys are computed once; when no key has
 * a code unit ≥ U+D800 (the usual case) the engine's native string order is used, which is then identical.
 */
export function sortByUtf8<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ k: key(item), item }));
  const native = !keyed.some((x) => HIGH.test(x.k));
  keyed.sort(native ? (a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : (a, b) => compareUtf8(a.k, b.k));
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i]!.item;
  return items;
}
