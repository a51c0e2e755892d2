import { describe, expect, it } from "vitest";
import { FALSE, TRUE } from "../src/algebra-core.js";
import { pythonVersionToFullVersion, trimRelease } from "../src/lowering.js";

describe("pythonVersionToFullVersion (uv's python_version → python_full_version table)", () => {
  it.each([
    [
      { op: "==", release: [3, 7] },
      { op: "==*", release: [3, 7] },
    ],
    [
      { op: "!=", release: [3, 7] },
      { op: "!=*", release: [3, 7] },
    ],
    [
      { op: ">", release: [3, 7] },
      { op: ">=", release: [3, 8] },
    ],
    [
      { op: "<=", release: [3, 7] },
      { op: "<", release: [3, 8] },
    ],
    [
      { op: ">=", release: [3, 7] },
      { op: ">=", release: [3, 7] },
    ],
    [
      { op: "==", release: [3] },
      { op: "==*", release: [3, 0] },
    ],
    [
      { op: "==*", release: [3, 9, 0] },
      { op: "==*", release: [3, 9] },
    ],
    [{ op: "==*", release: [3, 9, 1] }, FALSE],
    [
      { op: "~=", release: [3, 9, 0] },
      { op: "==*", release: [3, 9] },
    ],
    [{ op: "~=", release: [3, 9, 1] }, FALSE],
    [{ op: "==", release: [3, 7, 8] }, FALSE],
    [{ op: "!=", release: [3, 7, 8] }, TRUE],
    [
      { op: "<=", release: [3, 7, 8] },
      { op: "<", release: [3, 8] },
    ],
    [
      { op: ">", release: [3, 7, 8] },
      { op: ">=", release: [3, 8] },
    ],
  ] as const)("%j → %j", (input, expected) => {
    expect(pythonVersionToFullVersion(input)).toEqual(expected);
  });

  it("trims trailing zeros", () => {
    expect(trimRelease([3, 0, 0])).toEqual([3]);
    expect(trimRelease([0, 0])).toEqual([0]);
  });
});
