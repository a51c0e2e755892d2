/**
 * A fast path for the common case of release-only versions (`3.13`, `3.12.7`): parsed and compared
 * without the general PEP 440 parser, whose first use in a process is expensive. Anything else
 * (pre/post/dev/local parts, epochs, `v` prefixes, whitespace, wildcards) is left to the general parser.
 */

/**
 * The release segments of a plain release-only version (digits and dots, at most 15 digits per segment
 * so `Number` is exact), or undefined for anything else. A loop rather than a regex: compiling a regex
 * costs more than the few calls a process makes.
 */
export function parsePlainRelease(s: string): number[] | undefined {
  const out: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return undefined;
      n = n * 10 + (c - 48);
    } else if (c === 46 && digits > 0) {
      out.push(n);
      n = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0) return undefined;
  out.push(n);
  return out;
}

/** Release tuples compared like PEP 440 (missing segments are zeros): -1, 0 or 1. */
export function compareReleases(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * PEP 440 `lhs <op> rhs` when both are plain releases and the clause is valid (`~=` needs two
 * segments); undefined otherwise (the caller falls back to the general path). Release-only versions are
 * never pre-, post- or local releases, so the exclusive-ordering special cases do not apply.
 */
export function plainReleaseSatisfies(lhs: string, op: string, rhs: string): boolean | undefined {
  const v = parsePlainRelease(lhs);
  if (v === undefined) return undefined;
  const s = parsePlainRelease(rhs);
  if (s === undefined) return undefined;
  const c = compareReleases(v, s);
  switch (op) {
    case "==":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "~=": {
      if (s.length < 2) return undefined;
      // `~= X.Y.Z` is `>= X.Y.Z, == X.Y.*`.
      for (let i = 0; i < s.length - 1; i++) if ((v[i] ?? 0) !== s[i]) return false;
      return c >= 0;
    }
    default:
      return undefined;
  }
}
