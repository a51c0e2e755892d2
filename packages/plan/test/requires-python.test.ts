import { satisfiesSpecifier } from "@tspack/pep440";
import { describe, expect, it } from "vitest";
import { satisfiesRequiresPython } from "../src/requires-python.js";

describe("satisfiesRequiresPython", () => {
  it("agrees with @tspack/pep440 on plain clauses (fast path) and on everything else (fallback)", () => {
    const versions = ["3.9.0", "3.12", "3.12.7", "3.13.0", "3.13.1", "3.14.0", "3.13.0rc1"];
    const specs = [
      ">=3.12",
      ">=3.9, <4",
      ">3.12",
      "<=3.13",
      "==3.13",
      "!=3.13.0",
      "~=3.12",
      "~=3.12.1",
      ">=3.9,<3.13,!=3.12.7",
      "==3.13.*",
      ">=3.13.0rc1",
      "",
    ];
    for (const v of versions) {
      for (const spec of specs) {
        expect(satisfiesRequiresPython(v, spec), `${v} in "${spec}"`).toBe(satisfiesSpecifier(v, spec));
      }
    }
  });

  it("throws like @tspack/pep440 on an invalid requires-python", () => {
    expect(() => satisfiesRequiresPython("3.13.0", ">=banana")).toThrow(/banana/);
    expect(() => satisfiesRequiresPython("3.13.0", "~=3")).toThrow();
  });
});
