import { describe, expect, it } from "vitest";
import { compareRelease, VERSIONS } from "../src/algebra-core.js";
import {
  canConjoin,
  complement,
  excl,
  fromBounds,
  full,
  incl,
  intersection,
  singleton,
  unbounded,
  union,
} from "../src/ranges.js";

const d = VERSIONS;

describe("ranges", () => {
  it("complements and intersects", () => {
    const r = fromBounds(d, incl([3, 9]), excl([3, 10]));
    expect(complement(d, r)).toEqual([
      { lo: unbounded(), hi: excl([3, 9]) },
      { lo: incl([3, 10]), hi: unbounded() },
    ]);
    expect(complement(d, complement(d, r))).toEqual(r);
    expect(complement(d, full())).toEqual([]);
    expect(complement(d, [])).toEqual(full());
    expect(intersection(d, r, fromBounds(d, incl([3, 9, 5]), unbounded()))).toEqual([
      { lo: incl([3, 9, 5]), hi: excl([3, 10]) },
    ]);
    expect(intersection(d, singleton([3]), complement(d, singleton([3])))).toEqual([]);
  });

  it("merges touching segments but keeps point gaps", () => {
    expect(union(d, fromBounds(d, unbounded(), excl([3])), fromBounds(d, incl([3]), unbounded()))).toEqual(full());
    expect(union(d, fromBounds(d, unbounded(), excl([3])), fromBounds(d, excl([3]), unbounded()))).toHaveLength(2);
    expect(canConjoin(d, fromBounds(d, unbounded(), excl([3])), singleton([3]))).toBe(true);
    expect(canConjoin(d, fromBounds(d, unbounded(), excl([3])), fromBounds(d, excl([3]), unbounded()))).toBe(false);
  });

  it("orders releases with zero padding", () => {
    expect(compareRelease([3, 9], [3, 9, 0])).toBe(0);
    expect(compareRelease([3, 9], [3, 10])).toBe(-1);
  });
});
