import { compareVersions, parsePlainRelease } from "@tspack/pep440";
import { describe, expect, it } from "vitest";
import { compareVersionStrings } from "../src/version-order.js";

describe("compareVersionStrings", () => {
  it("agrees with @tspack/pep440 on plain releases (fast path) and everything else (fallback)", () => {
    const versions = [
      "0",
      "1",
      "1.0",
      "1.0.0",
      "1.2",
      "1.10",
      "2.0.1",
      "10.0",
      "2024.12.14",
      "1.0rc1",
      "1.0.post1",
      "1!0.5",
      "1.0+local",
    ];
    for (const a of versions) {
      for (const b of versions) expect(compareVersionStrings(a, b), `${a} vs ${b}`).toBe(compareVersions(a, b));
    }
  });

  it.each([
    ["3.13", [3, 13]],
    ["007.1", [7, 1]],
    ["1.0rc1", undefined],
    ["1..0", undefined],
    ["", undefined],
    ["1234567890123456", undefined],
  ])("parsePlainRelease(%j) = %j", (s, expected) => {
    expect(parsePlainRelease(s)).toEqual(expected);
  });
});
