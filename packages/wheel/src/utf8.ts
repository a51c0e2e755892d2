// UTF-8 without TextEncoder/TextDecoder (pure packages compile without DOM or Node types).

interface TextCodecs {
  TextEncoder?: new () => { encode(s: string): Uint8Array };
  TextDecoder?: new (label?: string) => { decode(b: Uint8Array): string };
}
// Every modern runtime has these globals (they are not Node imports); the pure code below is the fallback.
const codecs = globalThis as unknown as TextCodecs;
const nativeEncoder = codecs.TextEncoder ? new codecs.TextEncoder() : undefined;
const nativeDecoder = codecs.TextDecoder ? new codecs.TextDecoder("utf-8") : undefined;

/** UTF-8 bytes of `s` (lone surrogates become U+FFFD). */
export function encodeUtf8(s: string): Uint8Array {
  return nativeEncoder ? nativeEncoder.encode(s) : encodeUtf8Pure(s);
}

/** Decodes UTF-8; invalid sequences become U+FFFD (like `TextDecoder` without `fatal`). */
export function decodeUtf8(b: Uint8Array): string {
  return nativeDecoder ? nativeDecoder.decode(b) : decodeUtf8Pure(b);
}

/** Pure {@link encodeUtf8} (exported for tests). */
export function encodeUtf8Pure(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Pure {@link decodeUtf8} (exported for tests). */
export function decodeUtf8Pure(b: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      // fast path for ASCII runs
      let j = i + 1;
      while (j < b.length && b[j]! < 0x80) j++;
      out += String.fromCharCode(...b.subarray(i, Math.min(j, i + 8192)));
      i = Math.min(j, i + 8192);
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    let cp = need === 1 ? c & 0x1f : need === 2 ? c & 0x0f : c & 0x07;
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    let ok = need > 0 && i + need < b.length;
    for (let k = 1; ok && k <= need; k++) {
      const t = b[i + k]!;
      if ((t & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (t & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      out += "\ufffd";
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}
