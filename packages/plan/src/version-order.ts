import { compareVersions } from "@tspack/pep440";

/**
 * The release segments of a plain release-only version (digits and dots, at most 15 digits per segment
 * so `Number` is exact), or undefined for anything else. A loop rather than a regex or the PEP 440
 * parser: both cost more on first use than the few calls a process makes.
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

/** Release tuples compared like PEP 440 (missing segments are zeros): negative, zero or positive. */
export function compareReleases(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** PEP 440 order of two versions (-1, 0, 1); plain releases without the general parser. */
export function compareVersionStrings(a: string, b: string): number {
  const ra = parsePlainRelease(a);
  const rb = ra === undefined ? undefined : parsePlainRelease(b);
  if (ra !== undefined && rb !== undefined) return compareReleases(ra, rb);
  return compareVersions(a, b);
}
