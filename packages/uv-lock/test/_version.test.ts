import { describe, expect, it } from "vitest";
import { normalizeVersion, versionKey } from "../src/_version.js";

describe("normalizeVersion", () => {
  it.each([
    ["1.0", "1.0"],
    ["1.0-Post1", "1.0.post1"],
    ["v2.0RC1", "2.0rc1"],
    ["1!2.0.dev3", "1!2.0.dev3"],
    ["2.5.1+CPU_x", "2.5.1+cpu.x"],
    ["not a version", undefined],
  ])("%s → %s", (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });
});

describe("versionKey", () => {
  it.each([
    ["1.0", "1.0.0", true],
    ["1.0", "1", true],
    ["1.0.post0", "1.0-post", true],
    ["1.0+ubuntu.01", "1.0+ubuntu.1", true],
    ["1.0", "1.0.1", false],
    ["1.0a1", "1.0", false],
    ["1.0+local", "1.0", false],
    ["0!1.0", "1.0", true],
  ])("%s == %s is %s", (a, b, equal) => {
    expect(versionKey(a) === versionKey(b)).toBe(equal);
  });

  it("drops the local segment on request", () => {
    expect(versionKey("2.5.1+cpu", true)).toBe(versionKey("2.5.1"));
    expect(versionKey("nope")).toBeUndefined();
  });
});

describe("plain release fast path", () => {
  it.each(["0", "1", "1.0", "1.0.0", "10.0", "2024.12.14", "1.10.0", "0.0", "123456789012345.1", "1.0.0.0.0"])(
    "%s: same as the general path (via the equivalent 0!%s)",
    (v) => {
      expect(normalizeVersion(v)).toBe(v);
      expect(versionKey(v)).toBe(versionKey(`0!${v}`));
      expect(versionKey(v, true)).toBe(versionKey(`0!${v}`, true));
    },
  );

  it("leaves leading zeros and long segments to the general path", () => {
    expect(normalizeVersion("01.002")).toBe("1.2");
    expect(versionKey("01.0")).toBe("0!1");
  });
});
