import { describe, expect, it } from "vitest";
import { type BuildTag, compareBuildTags, formatBuildTag, parseBuildTag } from "../src/index.js";

describe("parseBuildTag", () => {
  it.each([
    ["1", { number: 1, suffix: "" }],
    ["202206090410", { number: 202206090410, suffix: "" }],
    ["12abc", { number: 12, suffix: "abc" }],
    ["0.editable", { number: 0, suffix: ".editable" }],
    ["", "must not be empty"],
    ["abc", "must start with a digit"],
    ["1-target", "must contain only ASCII letters, digits, underscores, and periods"],
    ["1target\u00e9", "must contain only ASCII letters, digits, underscores, and periods"],
    ["99999999999999999999", "number too large to fit in target type"],
  ])("parses %j", (text, expected) => {
    expect(parseBuildTag(text)).toEqual(expected);
  });

  it("formats back", () => {
    expect(formatBuildTag({ number: 12, suffix: "abc" })).toBe("12abc");
  });
});

describe("compareBuildTags", () => {
  it("sorts no tag first, then by number, then by suffix", () => {
    const tags: Array<BuildTag | undefined> = [
      { number: 2, suffix: "" },
      { number: 10, suffix: "" },
      undefined,
      { number: 2, suffix: "b" },
      { number: 2, suffix: "a" },
      { number: 1, suffix: "z" },
    ];
    // Array#sort never passes `undefined` to the comparator, so wrap the values.
    const sorted = tags.map((t) => ({ t })).sort((a, b) => compareBuildTags(a.t, b.t));
    expect(sorted.map(({ t }) => (t === undefined ? "-" : formatBuildTag(t)))).toEqual([
      "-",
      "1z",
      "2",
      "2a",
      "2b",
      "10",
    ]);
    expect(compareBuildTags(undefined, undefined)).toBe(0);
    expect(compareBuildTags({ number: 3, suffix: "x" }, { number: 3, suffix: "x" })).toBe(0);
  });
});
