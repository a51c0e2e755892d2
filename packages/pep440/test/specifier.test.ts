import { describe, expect, it } from "vitest";
import { isValidSpecifier, normalizeSpecifier, parseSpecifiers, satisfiesSpecifier } from "../src/index.js";

describe("satisfiesSpecifier", () => {
  // Cases follow pypa/packaging's SpecifierSet.contains.
  it.each([
    ["1.5", ">=1.0,<2", true],
    ["2.0", ">=1.0,<2", false],
    ["2.0", ">=1.0, <2", false],
    ["1.0", "==1.0.0", true],
    ["1.0+local", "==1.0", true],
    ["1.0+local", "==1.0+local", true],
    ["1.0+other", "==1.0+local", false],
    ["1.0", "!=1.0", false],
    ["3.9.7", "==3.9.*", true],
    ["3.10.0", "==3.9.*", false],
    ["3.9", "==3.9.0.*", true],
    ["2", "==2.1.*", false],
    ["3.10.0", "!=3.9.*", true],
    ["1.4.5", "~=1.4.2", true],
    ["1.5.0", "~=1.4.2", false],
    ["1.9", "~=1.4", true],
    ["2.0", "~=1.4", false],
    ["1!1.5", "~=1.4", false],
    ["1.0.post1", ">1.0", false],
    ["1.1", ">1.0", true],
    ["1.0+local", ">1.0", false],
    ["1.0.post1", ">1.0.post0", true],
    ["1.0", "<=1.0", true],
    ["1.0+local", "<=1.0", true],
    ["1.0", "", true],
    ["1.0", "===1.0", true],
    ["1.0.0", "===1.0", false],
    ["foobar", "===foobar", true],
  ])("%j in %j → %j", (version, spec, expected) => {
    expect(satisfiesSpecifier(version, spec)).toBe(expected);
  });

  it.each([
    // Pre-releases are excluded unless a clause names one (or prereleases is set).
    ["2.0rc1", ">=1.0", false, undefined],
    ["2.0rc1", ">=1.0", true, true],
    ["2.0rc1", "==2.0rc1", true, undefined],
    ["1.5a1", ">=1.0a1,<2", true, undefined],
    ["1.0a1", "<1.0", false, true],
    ["1.0a1", "<1.0rc1", false, undefined],
    ["1.0a1", "<1.0rc1", true, true],
    ["1.0.dev1", "", false, undefined],
    ["1.0.dev1", ">=1.0.dev0", true, undefined],
    ["1.0rc1", "!=1.0rc1", false, undefined],
  ])("%j in %j → %j (prereleases=%j)", (version, spec, expected, prereleases) => {
    expect(satisfiesSpecifier(version, spec, prereleases === undefined ? {} : { prereleases })).toBe(expected);
  });

  it("throws on an invalid version or specifier", () => {
    expect(() => satisfiesSpecifier("bad", ">=1")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The version "bad" is invalid: it is not a PEP 440 version]`,
    );
    expect(() => satisfiesSpecifier("1.0", ">=1.0.*")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The version specifier ">=1.0.*" is invalid: ">=1.0.*": ".*" is only allowed with == and !=]`,
    );
  });
});

describe("specifier syntax", () => {
  it.each([
    ["", true],
    [">=1.0", true],
    [">= 1.0 , < 2", true],
    ["==1.0.*", true],
    ["!=1.0.*", true],
    ["===anything", true],
    ["==1.0+local", true],
    ["~=1", false],
    [">=1.0+local", false],
    ["==1.0a1.*", false],
    ["1.0", false],
    [">=", false],
    [">=1.0,", false],
    ["=>1.0", false],
  ])("isValidSpecifier(%j) = %j", (spec, valid) => {
    expect(isValidSpecifier(spec)).toBe(valid);
  });

  it("normalizes versions and keeps clause order", () => {
    expect(normalizeSpecifier(" >= 1.0.0-POST1 , <2 , ==3.9.*")).toBe(">=1.0.0.post1,<2,==3.9.*");
    expect(normalizeSpecifier("")).toBe("");
  });

  it("parses clauses", () => {
    expect(parseSpecifiers("==3.9.*,~=1.4")).toMatchObject([
      { operator: "==", version: "3.9", wildcard: true },
      { operator: "~=", version: "1.4", wildcard: false },
    ]);
  });

  it.each([
    ["~=1", `[TspackError: The version specifier "~=1" is invalid: "~=1" needs at least two release segments]`],
    [
      "1.0",
      `[TspackError: The version specifier "1.0" is invalid: "1.0" does not start with an operator (==, !=, <=, >=, <, >, ~=, ===)]`,
    ],
    [">=", `[TspackError: The version specifier ">=" is invalid: ">=" has no version after ">="]`],
    [
      ">=1.0+l",
      `[TspackError: The version specifier ">=1.0+l" is invalid: ">=1.0+l": a local version label is only allowed with == and !=]`,
    ],
    [
      "==1.0a1.*",
      `[TspackError: The version specifier "==1.0a1.*" is invalid: "==1.0a1.*": ".*" needs a release-only version before it]`,
    ],
    [">=x", `[TspackError: The version specifier ">=x" is invalid: "x" is not a PEP 440 version]`],
  ])("error for %j", (spec, message) => {
    expect(() => parseSpecifiers(spec)).toThrow(message.slice("[TspackError: ".length, -1));
  });
});
