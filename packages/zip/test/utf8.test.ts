import { describe, expect, it } from "vitest";
import { decodeUtf8, encodeUtf8 } from "../src/utf8.js";

describe("encodeUtf8", () => {
  it.each([
    "",
    "abc",
    "é",
    "日本語",
    "a\u{1F600}b",
    "\uffff",
    "\u0800",
    "\u07ff",
    "ascii/then-é/and-ascii.py",
    "é-first",
  ])("agrees with TextEncoder on %j", (s) => {
    expect([...encodeUtf8(s)]).toEqual([...new TextEncoder().encode(s)]);
  });

  it("replaces a lone surrogate with U+FFFD", () => {
    expect([...encodeUtf8("a\ud800")]).toEqual([0x61, 0xef, 0xbf, 0xbd]);
  });
});

describe("decodeUtf8", () => {
  it.each(["", "abc", "é", "日本語", "a\u{1F600}b", "\u{10FFFF}"])("round-trips %j", (s) => {
    expect(decodeUtf8(new TextEncoder().encode(s))).toBe(s);
  });

  it.each([
    ["overlong slash", [0xc0, 0xaf]],
    ["overlong 3-byte", [0xe0, 0x80, 0xaf]],
    ["surrogate", [0xed, 0xa0, 0x80]],
    ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["truncated", [0x61, 0xe6, 0x97]],
    ["lone continuation", [0x80]],
  ])("refuses %s", (_, bytes) => {
    expect(decodeUtf8(Uint8Array.from(bytes))).toBeUndefined();
    expect(decodeUtf8(Uint8Array.from(bytes), true)).toContain("\ufffd");
  });
});

describe("pure UTF-8 codec (the fallback of @tspack/wheel's TextEncoder/TextDecoder)", () => {
  it.each(["", "ascii only", "données/é.txt", "日本語", "emoji 😀 pair", "\uffff"])(
    "round-trips %j like TextEncoder",
    (s) => {
      const bytes = encodeUtf8(s);
      expect(Buffer.from(bytes)).toEqual(Buffer.from(new TextEncoder().encode(s)));
      expect(decodeUtf8(bytes, true)).toBe(s);
    },
  );

  it("replaces invalid sequences with U+FFFD and keeps the valid text around them", () => {
    expect(decodeUtf8(Uint8Array.from([0xff]), true)).toBe("\ufffd");
    expect(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]), true)).toMatch(/^\ufffd+$/);
    expect(decodeUtf8(Uint8Array.from([0x61, 0xc0, 0xaf, 0x62]), true)).toMatch(/^a\ufffd+b$/);
  });
});
