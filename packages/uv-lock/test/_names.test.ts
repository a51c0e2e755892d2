import { describe, expect, it } from "vitest";
import { isNormalizedName, isValidName, normalizeName, validNormalizedName } from "../src/_names.js";

const NAMES = ["a", "a-b", "pkg-0001", "a1", "A", "a_b", "a.b", "a--b", "a-", "-a", "", "a b", "Foo.Bar_baz", "é", "0"];

describe("names", () => {
  it.each([
    ["a-b", true],
    ["pkg-0001", true],
    ["0", true],
    ["A", false],
    ["a_b", false],
    ["a--b", false],
    ["a-", false],
    ["-a", false],
    ["", false],
  ])("isNormalizedName(%j) = %s", (name, expected) => {
    expect(isNormalizedName(name)).toBe(expected);
  });

  it.each(NAMES)("validNormalizedName(%j) agrees with isValidName + normalizeName", (name) => {
    expect(validNormalizedName(name)).toBe(isValidName(name) ? normalizeName(name) : undefined);
  });

  it("normalizes like PEP 503", () => {
    expect(normalizeName("Foo.Bar__baz")).toBe("foo-bar-baz");
    expect(normalizeName("already-normal")).toBe("already-normal");
  });
});
