import { describe, expect, it } from "vitest";
import { decodeUtf8, encodeUtf8 } from "../src/utf8.js";

describe("UTF-8 codec", () => {
  it.each(["", "ascii only", "données/é.txt", "日本語", "emoji 😀 pair", "\uffff"])(
    "round-trips %j like TextEncoder",
    (s) => {
      const bytes = encodeUtf8(s);
      expect(Buffer.from(bytes)).toEqual(Buffer.from(new TextEncoder().encode(s)));
      expect(decodeUtf8(bytes)).toBe(s);
    },
  );

  it("replaces invalid sequences with U+FFFD and keeps the valid text around them", () => {
    expect(decodeUtf8(Uint8Array.from([0xff]))).toBe("\ufffd");
    expect(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toMatch(/^\ufffd+$/);
    expect(decodeUtf8(Uint8Array.from([0x61, 0xc0, 0xaf, 0x62]))).toMatch(/^a\ufffd+b$/);
  });
});
