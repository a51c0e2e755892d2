// UTF-8 through the runtime's TextEncoder/TextDecoder globals (they are not Node imports, but the pure
// packages compile without DOM or Node types), falling back to @tspack/zip's pure codec.
import { decodeUtf8 as decodeUtf8Pure, encodeUtf8 as encodeUtf8Pure } from "@tspack/zip";

interface TextCodecs {
  TextEncoder?: new () => { encode(s: string): Uint8Array };
  TextDecoder?: new (label?: string) => { decode(b: Uint8Array): string };
}
const codecs = globalThis as unknown as TextCodecs;
const nativeEncoder = codecs.TextEncoder ? new codecs.TextEncoder() : undefined;
const nativeDecoder = codecs.TextDecoder ? new codecs.TextDecoder("utf-8") : undefined;

/** UTF-8 bytes of `s` (lone surrogates become U+FFFD). */
export function encodeUtf8(s: string): Uint8Array {
  return nativeEncoder ? nativeEncoder.encode(s) : encodeUtf8Pure(s);
}

/** Decodes UTF-8; invalid sequences become U+FFFD (like `TextDecoder` without `fatal`). */
export function decodeUtf8(b: Uint8Array): string {
  return nativeDecoder ? nativeDecoder.decode(b) : decodeUtf8Pure(b, true)!;
}
