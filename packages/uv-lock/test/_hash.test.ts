import { describe, expect, it } from "vitest";
import { parseHash } from "../src/_hash.js";

describe("parseHash", () => {
  it.each([
    ["md5", 32],
    ["sha256", 64],
    ["sha384", 96],
    ["sha512", 128],
    ["blake2b", 64],
    ["blake2b", 128],
  ])("accepts %s with %i hex digits (lower-casing them)", (algorithm, n) => {
    expect(parseHash(`${algorithm}:${"A".repeat(n)}`)).toEqual({ algorithm, digest: "a".repeat(n) });
  });

  it.each([
    ["sha256:abc", 'expected "sha256:<64 hex>", found "sha256:abc"'],
    [`sha256:${"g".repeat(64)}`, `expected "sha256:<64 hex>", found "sha256:${"g".repeat(64)}"`],
    ["blake2b:00", 'expected "blake2b:<64 or 128 hex>", found "blake2b:00"'],
    [
      `sha1:${"0".repeat(40)}`,
      `expected "<algorithm>:<hex digest>" with algorithm md5, sha256, sha384, sha512 or blake2b, found "sha1:${"0".repeat(40)}"`,
    ],
    [
      "0".repeat(64),
      `expected "<algorithm>:<hex digest>" with algorithm md5, sha256, sha384, sha512 or blake2b, found "${"0".repeat(64)}"`,
    ],
    [
      "constructor:00",
      'expected "<algorithm>:<hex digest>" with algorithm md5, sha256, sha384, sha512 or blake2b, found "constructor:00"',
    ],
  ])("rejects %s", (text, error) => {
    expect(parseHash(text)).toEqual({ error });
  });
});
