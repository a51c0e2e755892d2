import { describe, expect, it } from "vitest";
import { compareRelease, VERSIONS } from "../src/algebra-core.js";
import {
  type Bound,
  canConjoin,
  complement,
  type Domain,
  excl,
  forEachOverlap,
  fromBounds,
  full,
  incl,
  intersection,
  type Ranges,
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

describe("forEachOverlap", () => {
  it("visits the same overlapping pairs, in the same order, as a nested loop", () => {
    const D: Domain<number> = { cmp: (a, b) => a - b, key: String };
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    /** Sorted, disjoint single segments over 0..20 with random bound kinds (edges of a node). */
    const edges = (): Array<[Ranges<number>, number]> => {
      const cuts = [...new Set(Array.from({ length: Math.floor(next() * 6) }, () => Math.floor(next() * 20)))].sort(
        (a, b) => a - b,
      );
      const out: Array<[Ranges<number>, number]> = [];
      let lo: Bound<number> = unbounded();
      for (const c of cuts) {
        const hi: Bound<number> = next() < 0.5 ? incl(c) : excl(c);
        const r = fromBounds(D, lo, hi);
        if (r.length > 0) out.push([r, out.length]);
        lo = hi.t === "i" ? excl(c) : incl(c);
      }
      out.push([fromBounds(D, lo, unbounded()), out.length]);
      return out;
    };
    for (let n = 0; n < 500; n++) {
      const a = edges();
      const b = edges();
      const sweep: string[] = [];
      forEachOverlap(D, a, b, (i, j) => {
        sweep.push(`${i},${j}`);
        return false;
      });
      const nested: string[] = [];
      for (const [i, [ra]] of a.entries()) {
        for (const [j, [rb]] of b.entries()) if (intersection(D, ra, rb).length > 0) nested.push(`${i},${j}`);
      }
      expect(sweep).toEqual(nested);
    }
  });
});
