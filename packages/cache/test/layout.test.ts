import { describe, expect, it } from "vitest";
import { cachePathFor, isSha256Hex, unpackedDirFor } from "../src/index.js";

const SHA = "ab".repeat(32);

describe("layout", () => {
  it("fans out by the first two hex digits and keeps the filename out of the path", () => {
    expect(cachePathFor("/c", SHA)).toBe(`/c/wheels-v1/sha256/ab/${SHA.slice(2)}`);
    expect(unpackedDirFor("/c", SHA)).toBe(`/c/unpacked-v2/ab/${SHA}`);
  });

  it.each(["", "AB".repeat(32), "ab".repeat(31), `${"ab".repeat(31)}zz`, `../${"a".repeat(61)}`])(
    "rejects the non-sha256 %j",
    (bad) => {
      expect(isSha256Hex(bad)).toBe(false);
      expect(() => cachePathFor("/c", bad)).toThrow(`The sha256 "${bad}" is invalid: expected 64 lowercase hex digits`);
    },
  );
});
