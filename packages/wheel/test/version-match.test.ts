import { describe, expect, it } from "vitest";
import { canonicalVersion, versionsMatch } from "../src/index.js";

describe("versionsMatch", () => {
  it.each([
    ["1.0", "1.0", true],
    ["1.0", "1.0.0", true],
    ["1.0a1", "1.0.alpha1", true],
    ["1.0rc1", "1.0c1", true],
    ["1.0.post1", "1.0-1", true],
    ["1.0.dev0", "1.0dev", true],
    ["1!2.0", "1!2", true],
    ["1.0+local", "1.0", true], // uv: METADATA may drop the filename's local label
    ["1.0+abc", "1.0+ABC", true],
    ["1.0", "1.0+abc", false], // uv: "Wheel version does not match filename (1.0+abc != 1.0)"
    ["1.0", "1.1", false],
    ["1.0", "1.0.1", false],
    ["1.0a1", "1.0b1", false],
    ["weird", "weird", true],
    ["weird", "Weird", false],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(versionsMatch(a, b)).toBe(expected);
  });

  it("canonicalizes", () => {
    expect(canonicalVersion("v01.02.0-RC.3.post4.dev5+Ubuntu-1")).toEqual({
      public: "1.2rc3.post4.dev5",
      local: "ubuntu.1",
    });
  });
});
