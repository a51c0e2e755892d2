import { describe, expect, it } from "vitest";
import { isValidName, normalizeName } from "../src/index.js";

describe("normalizeName", () => {
  it.each([
    ["Foo_Bar", "foo-bar"],
    ["foo.bar", "foo-bar"],
    ["foo--_.bar", "foo-bar"],
    ["FastAPI", "fastapi"],
    ["zope.interface", "zope-interface"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe("isValidName", () => {
  it.each([
    ["foo", true],
    ["foo-bar.baz_1", true],
    ["1", true],
    ["-foo", false],
    ["foo-", false],
    ["", false],
    ["foo bar", false],
  ])("%j → %j", (input, expected) => {
    expect(isValidName(input)).toBe(expected);
  });
});
