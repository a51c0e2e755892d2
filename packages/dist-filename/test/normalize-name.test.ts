import { describe, expect, it } from "vitest";
import { distInfoName, isValidPackageName, normalizeName } from "../src/index.js";

describe("normalizeName", () => {
  it.each([
    "friendly-bard",
    "Friendly-Bard",
    "FRIENDLY-BARD",
    "friendly.bard",
    "friendly_bard",
    "friendly--bard",
    "friendly-.bard",
    "FrIeNdLy-._.-bArD",
  ])("normalizes %s to friendly-bard (uv's table)", (name) => {
    expect(normalizeName(name)).toBe("friendly-bard");
  });

  it("has a dist-info spelling", () => {
    expect(distInfoName("Zope.Interface")).toBe("zope_interface");
  });
});

describe("isValidPackageName", () => {
  it.each([
    ["a", true],
    ["A1", true],
    ["foo.bar_baz-1", true],
    ["", false],
    ["-foo", false],
    ["foo_", false],
    ["f!oo", false],
    ["foo bar", false],
  ])("%j → %s", (name, ok) => {
    expect(isValidPackageName(name)).toBe(ok);
  });
});
