import { describe, expect, it } from "vitest";
import { versionSyntaxError } from "../src/index.js";

describe("versionSyntaxError", () => {
  it.each([
    "1",
    "1.0",
    "2024.12.14",
    "1!2.0",
    "1.0a1",
    "1.0-rc.2",
    "1.0.post1",
    "1.0-1",
    "1.0.dev3",
    "v1.0",
    "1.0+abc.7",
    "1.0RC1",
  ])("accepts %s", (v) => {
    expect(versionSyntaxError(v)).toBeUndefined();
  });

  it.each([
    ["x.y.z", "expected version to start with a number, but no leading ASCII digits were found"],
    ["", "expected version to start with a number, but no leading ASCII digits were found"],
    ["1.0.x", "after parsing `1.0`, found `.x`, which is not part of a valid version"],
    ["1.0+", "after parsing `1.0`, found `+`, which is not part of a valid version"],
  ])("refuses %j", (v, reason) => {
    expect(versionSyntaxError(v)).toBe(reason);
  });
});
