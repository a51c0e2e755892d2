import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { assertZipPath } from "../src/zip-path.js";

describe("assertZipPath", () => {
  it.each([
    "a",
    "a/b.py",
    "pkg-1.0.dist-info/RECORD",
    "é/日本.txt",
    "a..b/c.",
    ".hidden/x",
    "ab:c",
    "x/\u{1F600}",
    "a/.../b",
    "a/..b",
    ".../x",
    "x/...",
    "a/.b/c",
  ])("accepts %j", (p) => {
    expect(() => assertZipPath(p)).not.toThrow();
  });

  it.each([
    ["", "it is empty"],
    ["/etc/passwd", "it is absolute"],
    ["C:/x", "it starts with a drive letter"],
    ["a:b", "it starts with a drive letter"],
    ["a\\b", "it contains a backslash"],
    ["a//b", "it has an empty segment"],
    ["a/", "it has an empty segment"],
    ["../x", 'it has a ".." segment'],
    ["a/../b", 'it has a ".." segment'],
    ["./a", 'it has a "." segment'],
    ["a/.", 'it has a "." segment'],
    ["a/..", 'it has a ".." segment'],
    ["..", 'it has a ".." segment'],
    ["a/b/", "it has an empty segment"],
    ["a\u0000b", "it contains the control character U+0000"],
    ["a\nb", "it contains the control character U+000A"],
    ["a\u007fb", "it contains the control character U+007F"],
    ["a\u0085b", "it contains the control character U+0085"],
    ["a\ud800b", "it contains a lone UTF-16 surrogate"],
  ])("refuses %j: %s", (p, reason) => {
    let err: unknown;
    try {
      assertZipPath(p);
    } catch (e) {
      err = e;
    }
    expect(isTspackError(err, "TSPACK_UNSAFE_PATH")).toBe(true);
    expect((err as Error).message).toBe(`The zip entry path ${JSON.stringify(p)} is invalid: ${reason}`);
  });
});
