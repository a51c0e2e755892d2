/**
 * Sets of values of a totally ordered domain as sorted, disjoint, non-touching segments (a port of
 * the `version_ranges::Ranges` operations uv's marker algebra needs). The domain is treated as dense:
 * `(a, b)` is non-empty whenever `a < b`.
 */

/** A segment bound: unbounded, inclusive or exclusive. */
export type Bound<T> = { readonly t: "u" } | { readonly t: "i"; readonly v: T } | { readonly t: "e"; readonly v: T };

/** One interval of a range set. */
export interface Segment<T> {
  readonly lo: Bound<T>;
  readonly hi: Bound<T>;
}

/** A totally ordered domain: comparison plus a stable text key (for interning). */
export interface Domain<T> {
  readonly cmp: (a: T, b: T) => number;
  readonly key: (v: T) => string;
}

/** A normalized set of segments. */
export type Ranges<T> = readonly Segment<T>[];

const UNBOUNDED = { t: "u" } as const;

/** The unbounded bound. */
export function unbounded<T>(): Bound<T> {
  return UNBOUNDED;
}

/** An inclusive bound. */
export function incl<T>(v: T): Bound<T> {
  return { t: "i", v };
}

/** An exclusive bound. */
export function excl<T>(v: T): Bound<T> {
  return { t: "e", v };
}

function cmpLower<T>(d: Domain<T>, a: Bound<T>, b: Bound<T>): number {
  if (a.t === "u") return b.t === "u" ? 0 : -1;
  if (b.t === "u") return 1;
  const c = d.cmp(a.v, b.v);
  if (c !== 0) return c;
  return a.t === b.t ? 0 : a.t === "i" ? -1 : 1;
}

function cmpUpper<T>(d: Domain<T>, a: Bound<T>, b: Bound<T>): number {
  if (a.t === "u") return b.t === "u" ? 0 : 1;
  if (b.t === "u") return -1;
  const c = d.cmp(a.v, b.v);
  if (c !== 0) return c;
  return a.t === b.t ? 0 : a.t === "e" ? -1 : 1;
}

function nonEmpty<T>(d: Domain<T>, lo: Bound<T>, hi: Bound<T>): boolean {
  if (lo.t === "u" || hi.t === "u") return true;
  const c = d.cmp(lo.v, hi.v);
  return c < 0 || (c === 0 && lo.t === "i" && hi.t === "i");
}

/** True when segment `a` (ending with `a.hi`) and a later segment starting at `lo` overlap or touch. */
function touches<T>(d: Domain<T>, hi: Bound<T>, lo: Bound<T>): boolean {
  if (hi.t === "u" || lo.t === "u") return true;
  const c = d.cmp(hi.v, lo.v);
  return c > 0 || (c === 0 && !(hi.t === "e" && lo.t === "e"));
}

function normalize<T>(d: Domain<T>, segs: Segment<T>[]): Ranges<T> {
  const sorted = segs.filter((s) => nonEmpty(d, s.lo, s.hi)).sort((a, b) => cmpLower(d, a.lo, b.lo));
  const out: Segment<T>[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && touches(d, last.hi, s.lo)) {
      out[out.length - 1] = { lo: last.lo, hi: cmpUpper(d, last.hi, s.hi) >= 0 ? last.hi : s.hi };
    } else {
      out.push(s);
    }
  }
  return out;
}

/** The set `[lo, hi]` with the given bounds (empty when the bounds cross). */
export function fromBounds<T>(d: Domain<T>, lo: Bound<T>, hi: Bound<T>): Ranges<T> {
  return nonEmpty(d, lo, hi) ? [{ lo, hi }] : [];
}

/** Every value. */
export function full<T>(): Ranges<T> {
  return [{ lo: UNBOUNDED, hi: UNBOUNDED }];
}

/** `{v}`. */
export function singleton<T>(v: T): Ranges<T> {
  return [{ lo: incl(v), hi: incl(v) }];
}

/** The complement. */
export function complement<T>(d: Domain<T>, r: Ranges<T>): Ranges<T> {
  const out: Segment<T>[] = [];
  let lo: Bound<T> = UNBOUNDED;
  for (const s of r) {
    if (s.lo.t !== "u") {
      const hi: Bound<T> = s.lo.t === "i" ? excl(s.lo.v) : incl(s.lo.v);
      if (nonEmpty(d, lo, hi)) out.push({ lo, hi });
    }
    if (s.hi.t === "u") return out;
    lo = s.hi.t === "i" ? excl(s.hi.v) : incl(s.hi.v);
  }
  out.push({ lo, hi: UNBOUNDED });
  return out;
}

/** The intersection. */
export function intersection<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  const out: Segment<T>[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = cmpLower(d, x.lo, y.lo) >= 0 ? x.lo : y.lo;
      const hi = cmpUpper(d, x.hi, y.hi) <= 0 ? x.hi : y.hi;
      if (nonEmpty(d, lo, hi)) out.push({ lo, hi });
    }
  }
  return normalize(d, out);
}

/** The union. */
export function union<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  return normalize(d, [...a, ...b]);
}

/** True when `v` is in the set. */
export function contains<T>(d: Domain<T>, r: Ranges<T>, v: T): boolean {
  const at: Bound<T> = { t: "i", v };
  return r.some((s) => cmpLower(d, s.lo, at) <= 0 && cmpUpper(d, at, s.hi) <= 0);
}

/** True when the sets share no value. */
export function isDisjoint<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): boolean {
  return intersection(d, a, b).length === 0;
}

/** The smallest single segment containing the set. */
export function boundingRange<T>(r: Ranges<T>): Segment<T> | undefined {
  const first = r[0];
  const last = r[r.length - 1];
  return first === undefined || last === undefined ? undefined : { lo: first.lo, hi: last.hi };
}

/** Equality of bounds. */
export function boundEquals<T>(d: Domain<T>, a: Bound<T>, b: Bound<T>): boolean {
  if (a.t === "u" || b.t === "u") return a.t === b.t;
  return a.t === b.t && d.cmp(a.v, b.v) === 0;
}

/** A stable text key of the set (for interning). */
export function rangesKey<T>(d: Domain<T>, r: Ranges<T>): string {
  const b = (x: Bound<T>) => (x.t === "u" ? "*" : `${x.t}${d.key(x.v)}`);
  return r.map((s) => `${b(s.lo)}~${b(s.hi)}`).join("|");
}

/** Orders disjoint sets by their start (uv's `compare_disjoint_range_start`). */
export function compareStart<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): number {
  const x = boundingRange(a);
  const y = boundingRange(b);
  if (x === undefined || y === undefined) return 0;
  return cmpLower(d, x.lo, y.lo);
}

/** True when `b` starts exactly where `a` ends without a gap (`can_conjoin`). */
export function canConjoin<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): boolean {
  const x = boundingRange(a);
  const y = boundingRange(b);
  if (x === undefined || y === undefined) return false;
  const end = x.hi;
  const start = y.lo;
  if (end.t === "u" || start.t === "u") return false;
  return d.cmp(end.v, start.v) === 0 && end.t !== start.t;
}

/** True when a segment ending at `hi` lies entirely before one starting at `lo` (no shared value). */
function endsBefore<T>(d: Domain<T>, hi: Bound<T>, lo: Bound<T>): boolean {
  if (hi.t === "u" || lo.t === "u") return false;
  const c = d.cmp(hi.v, lo.v);
  return c < 0 || (c === 0 && !(hi.t === "i" && lo.t === "i"));
}

/** True when every set is one segment and each starts after the previous one ends. */
function isSortedSegments<T>(d: Domain<T>, list: readonly (readonly [Ranges<T>, unknown])[]): boolean {
  let prev: Segment<T> | undefined;
  for (const [r] of list) {
    if (r.length !== 1) return false;
    const s = r[0] as Segment<T>;
    if (prev !== undefined && !endsBefore(d, prev.hi, s.lo)) return false;
    prev = s;
  }
  return true;
}

/**
 * Calls `visit(i, j)` for every pair of sets of `a` and `b` that share a value, in the order of a
 * nested loop over `a` then `b`, until `visit` returns true. The edges of a decision node are sorted,
 * disjoint single segments, so this is a linear sweep (a nested loop is quadratic in the number of
 * edges: `python_full_version == '3.0.1' or ...` with thousands of versions); other lists fall back to
 * the nested loop.
 */
export function forEachOverlap<T>(
  d: Domain<T>,
  a: readonly (readonly [Ranges<T>, unknown])[],
  b: readonly (readonly [Ranges<T>, unknown])[],
  visit: (i: number, j: number) => boolean | undefined,
): void {
  if (!isSortedSegments(d, a) || !isSortedSegments(d, b)) {
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < b.length; j++) {
        if (!isDisjoint(d, (a[i] as readonly [Ranges<T>, unknown])[0], (b[j] as readonly [Ranges<T>, unknown])[0])) {
          if (visit(i, j) === true) return;
        }
      }
    }
    return;
  }
  let first = 0;
  for (let i = 0; i < a.length; i++) {
    const s = ((a[i] as readonly [Ranges<T>, unknown])[0] as Ranges<T>)[0] as Segment<T>;
    while (
      first < b.length &&
      endsBefore(d, (((b[first] as readonly [Ranges<T>, unknown])[0] as Ranges<T>)[0] as Segment<T>).hi, s.lo)
    ) {
      first++;
    }
    for (let j = first; j < b.length; j++) {
      const r = ((b[j] as readonly [Ranges<T>, unknown])[0] as Ranges<T>)[0] as Segment<T>;
      if (endsBefore(d, s.hi, r.lo)) break;
      const lo = cmpLower(d, s.lo, r.lo) >= 0 ? s.lo : r.lo;
      const hi = cmpUpper(d, s.hi, r.hi) <= 0 ? s.hi : r.hi;
      if (nonEmpty(d, lo, hi) && visit(i, j) === true) return;
    }
  }
}

/** {@link intersection} of two sets; a single-segment pair (the common case) takes no sort. */
export function intersect<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length !== 1 || b.length !== 1) return intersection(d, a, b);
  const x = a[0] as Segment<T>;
  const y = b[0] as Segment<T>;
  const lo = cmpLower(d, x.lo, y.lo) >= 0 ? x.lo : y.lo;
  const hi = cmpUpper(d, x.hi, y.hi) <= 0 ? x.hi : y.hi;
  return nonEmpty(d, lo, hi) ? [{ lo, hi }] : [];
}

/** The union of `a` and `b` where `b` starts exactly where `a` ends ({@link canConjoin}): one segment. */
export function conjoin<T>(d: Domain<T>, a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length !== 1 || b.length !== 1) return union(d, a, b);
  return [{ lo: (a[0] as Segment<T>).lo, hi: (b[0] as Segment<T>).hi }];
}
