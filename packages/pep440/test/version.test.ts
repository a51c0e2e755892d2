import { describe, expect, it } from "vitest";
import { compareVersions, isValidVersion, normalizeVersion, parseVersion } from "../src/index.js";

describe("normalizeVersion", () => {
  it.each([
    ["1.0", "1.0"],
    ["v1.0.0", "1.0.0"],
    ["1.0-post1", "1.0.post1"],
    ["1.0.0RC1", "1.0.0rc1"],
    ["1.0alpha2", "1.0a2"],
    ["1.0_a_1", "1.0a1"],
    ["1!2.0", "1!2.0"],
    ["1.0+Local.7", "1.0+local.7"],
    ["1.0+abc-5_x", "1.0+abc.5.x"],
    ["01.02", "1.2"],
    ["1.0.dev", "1.0.dev0"],
    [" 1.0 ", "1.0"],
    ["1.3.0.post0", "1.3.0.post0"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
    expect(isValidVersion(input)).toBe(true);
  });

  it.each(["abc", "1.0.*", "", "1..0", "1.0+"])("rejects %j", (input) => {
    expect(isValidVersion(input)).toBe(false);
    expect(() => normalizeVersion(input)).toThrow(`The version "${input}" is invalid: it is not a PEP 440 version`);
  });

  it("reports TSPACK_VERSION_INVALID with a hint", () => {
    expect(() => normalizeVersion("x.y")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The version "x.y" is invalid: it is not a PEP 440 version]`,
    );
    try {
      normalizeVersion("x.y");
    } catch (e) {
      expect((e as { code: string }).code).toBe("TSPACK_VERSION_INVALID");
      expect((e as { hint: string }).hint).toContain("pep-0440");
    }
  });
});

describe("parseVersion", () => {
  it("exposes the parts", () => {
    expect(parseVersion("2!1.2rc3.post4.dev5+Ubuntu-1")).toEqual({
      epoch: 2,
      release: [1, 2],
      pre: ["rc", 3],
      post: 4,
      dev: 5,
      local: "ubuntu.1",
    });
    expect(parseVersion("nope")).toBeUndefined();
  });
});

describe("compareVersions", () => {
  it("sorts in PEP 440 order", () => {
    const ordered = [
      "1.0.dev0",
      "1.0a1.dev0",
      "1.0a1",
      "1.0b2.post3",
      "1.0rc1",
      "1.0",
      "1.0+abc",
      "1.0+abc.5",
      "1.0+5",
      "1.0.post1.dev0",
      "1.0.post1",
      "1.1.dev1",
      "1.1",
      "1!0.1",
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(ordered);
  });

  it.each([
    ["1.0", "1.0.0", 0],
    ["3.9", "3.10", -1],
    ["3.13.1", "3.13.0", 1],
    ["1.0-POST1", "1.0.post1", 0],
  ])("compare(%j, %j) = %d", (a, b, r) => {
    expect(compareVersions(a, b)).toBe(r);
  });

  it("throws on invalid input", () => {
    expect(() => compareVersions("1.0", "bad")).toThrow('The version "bad" is invalid');
  });
});
