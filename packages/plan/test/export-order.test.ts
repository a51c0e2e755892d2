import { compareRustPaths } from "@tspack/plan";
import { describe, expect, it } from "vitest";

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

describe("compareRustPaths (Rust Path ordering, component-wise)", () => {
  it.each([
    [".", "child", -1],
    ["", "a", -1],
    ["../dependency", "child", -1],
    ["packages/bar", "packages/foo", -1],
    ["packages/foo", "packages/foo/sub", -1],
    ["a-b", "a/b", 1], // component-wise: "a" (a prefix of "a-b") sorts first
    ["packages/foo", "packages/foo", 0],
    ["/abs/x", "rel", -1],
    ["./x", "x", -1],
    ["Zed", "alpha", -1], // byte order: uppercase first
  ])("%s vs %s", (a, b, expected) => {
    expect(sign(compareRustPaths(a, b))).toBe(expected);
    expect(sign(compareRustPaths(b, a))).toBe(expected === 0 ? 0 : -expected);
  });
});
