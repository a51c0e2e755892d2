/**
 * A thin layer over the @tspack/pep508 marker algebra: a parse cache keyed by marker string, fast
 * paths for true/false, equality, and the substitution of `extra` variables by markers that uv's
 * export needs (`resolve_activated_extras`). Internal to the plan package.
 */
import {
  formatMarker,
  isMarkerFalse,
  isMarkerTrue,
  MARKER_FALSE,
  MARKER_TRUE,
  markerAnd,
  markerNot,
  markerOr,
  markersEqual,
  parseMarker,
  resolveExtras,
  simplifyMarker,
} from "@tspack/pep508";

/** A marker algebra value. */
export type Marker = typeof MARKER_TRUE;

export { MARKER_FALSE, MARKER_TRUE };

/** Parses marker strings once each; the lock repeats the same few markers many times. */
export class MarkerCache {
  readonly #parsed = new Map<string, Marker>();
  readonly #formatted = new WeakMap<object, string>();

  /** The algebra value of a marker string; "" and undefined are `true`. */
  parse(text: string | undefined): Marker {
    if (text === undefined || text === "") return MARKER_TRUE;
    let m = this.#parsed.get(text);
    if (m === undefined) {
      m = parseMarker(text) as Marker;
      this.#parsed.set(text, m);
    }
    return m;
  }

  /** uv's canonical display ("" for true), memoized per value. */
  format(m: Marker): string {
    if (isTrue(m)) return "";
    let s = this.#formatted.get(m);
    if (s === undefined) {
      s = formatMarker(m);
      this.#formatted.set(m, s);
    }
    return s;
  }

  /** Semantic equality (same canonical decision diagram). */
  equals(a: Marker, b: Marker): boolean {
    if (a === b) return true;
    const at = isTrue(a);
    const bt = isTrue(b);
    if (at || bt) return at && bt;
    const af = isFalse(a);
    const bf = isFalse(b);
    if (af || bf) return af && bf;
    return markersEqual(a, b);
  }

  /** The normalized extra names that occur in `m`. */
  extraNames(m: Marker): string[] {
    if (isTrue(m) || isFalse(m)) return [];
    const text = this.format(m);
    if (!text.includes("extra")) return [];
    const names = new Set<string>();
    for (const match of text.matchAll(/\bextra (?:==|!=) '([^']*)'/g)) names.add(match[1] ?? "");
    return [...names].sort();
  }

  /**
   * Replaces every `extra == 'x'` by `lookup(x)` (and `extra != 'x'` by its negation). Extras for which
   * `lookup` returns undefined are false, like uv's `resolve_activated_extras`.
   */
  substituteExtras(m: Marker, lookup: (extra: string) => Marker | undefined): Marker {
    let out = m;
    for (const name of this.extraNames(m)) {
      const c = lookup(name) ?? MARKER_FALSE;
      const m1 = resolveExtras(out, (e) => (e === name ? true : undefined)) as Marker;
      const m0 = resolveExtras(out, (e) => (e === name ? false : undefined)) as Marker;
      if (isTrue(c)) out = m1;
      else if (isFalse(c)) out = m0;
      else if (this.equals(m0, m1)) out = m0;
      else out = or(and(c, m1), and(markerNot(c) as Marker, m0));
    }
    return out;
  }

  /** Existential projection of the extras (uv's `without_extras` for fork markers). */
  withoutExtras(m: Marker): Marker {
    let out = m;
    for (const name of this.extraNames(m)) {
      const m1 = resolveExtras(out, (e) => (e === name ? true : undefined)) as Marker;
      const m0 = resolveExtras(out, (e) => (e === name ? false : undefined)) as Marker;
      out = or(m1, m0);
    }
    return out;
  }

  /** Removes python bounds implied by requires-python (uv's simplified markers). */
  simplify(m: Marker, requiresPython: string | undefined): Marker {
    if (requiresPython === undefined || isTrue(m) || isFalse(m)) return m;
    return simplifyMarker(m, { requiresPython }) as Marker;
  }
}

/** True when `m` is always true. */
export function isTrue(m: Marker): boolean {
  return m === MARKER_TRUE || isMarkerTrue(m);
}

/** True when `m` is always false. */
export function isFalse(m: Marker): boolean {
  return m === MARKER_FALSE || isMarkerFalse(m);
}

const andMemo = new WeakMap<object, WeakMap<object, Marker>>();
const orMemo = new WeakMap<object, WeakMap<object, Marker>>();

function memo(table: WeakMap<object, WeakMap<object, Marker>>, a: Marker, b: Marker, f: () => Marker): Marker {
  let row = table.get(a);
  if (row === undefined) table.set(a, (row = new WeakMap()));
  let r = row.get(b);
  if (r === undefined) row.set(b, (r = f()));
  return r;
}

/** Conjunction with true/false/equal fast paths (each algebra result costs a canonical DNF). */
export function and(a: Marker, b: Marker): Marker {
  if (a === b || isTrue(a)) return b;
  if (isTrue(b)) return a;
  if (isFalse(a)) return a;
  if (isFalse(b)) return b;
  if (markersEqual(a, b)) return a;
  return memo(andMemo, a, b, () => markerAnd(a, b) as Marker);
}

/** Disjunction with true/false/equal fast paths. */
export function or(a: Marker, b: Marker): Marker {
  if (a === b || isFalse(a)) return b;
  if (isFalse(b)) return a;
  if (isTrue(a)) return a;
  if (isTrue(b)) return b;
  if (markersEqual(a, b)) return a;
  return memo(orMemo, a, b, () => markerOr(a, b) as Marker);
}
