import { describe, expect, it } from "vitest";
import { parsePlainRelease, plainReleaseSatisfies } from "../src/plain-release.js";
import { satisfiesSpecifier } from "../src/specifier.js";

describe("plain release fast path", () => {
  it.each([
    ["3.13", [3, 13]],
    ["3.12.7", [3, 12, 7]],
    ["0", [0]],
    ["2024.010.1", [2024, 10, 1]],
  ])("parses %s", (s, release) => {
    expect(parsePlainRelease(s)).toEqual(release);
  });

  it.each(["3.13rc1", "v3.13", " 3.13", "3.13.*", "1!3.13", "3.13+local", "", "3..13", "1234567890123456"])(
    "leaves %j to the general parser",
    (s) => {
      expect(parsePlainRelease(s)).toBeUndefined();
    },
  );

  it("agrees with @tspack/pep440 on every operator over a grid of releases", () => {
    const versions = ["3", "3.0", "3.12", "3.12.0", "3.12.7", "3.13", "3.13.0", "3.13.1", "4", "2.7.18"];
    let checked = 0;
    for (const lhs of versions) {
      for (const op of ["==", "!=", "<", "<=", ">", ">=", "~="]) {
        for (const rhs of versions) {
          const fast = plainReleaseSatisfies(lhs, op, rhs);
          if (op === "~=" && !rhs.includes(".")) {
            expect(fast).toBeUndefined();
            continue;
          }
          expect(fast, `${lhs} ${op} ${rhs}`).toBe(satisfiesSpecifier(lhs, `${op}${rhs}`, { prereleases: true }));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(600);
  });

  it("declines wildcards, pre-releases and unknown operators", () => {
    expect(plainReleaseSatisfies("3.13.1", "==", "3.13.*")).toBeUndefined();
    expect(plainReleaseSatisfies("3.13.0rc1", ">=", "3.13")).toBeUndefined();
    expect(plainReleaseSatisfies("3.13", "===", "3.13")).toBeUndefined();
    expect(plainReleaseSatisfies("linux", "==", "linux")).toBeUndefined();
  });
});
