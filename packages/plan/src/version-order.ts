import { compareReleases, compareVersions, parsePlainRelease } from "@tspack/pep440";

/** PEP 440 order of two versions (-1, 0, 1); plain releases without the general parser. */
export function compareVersionStrings(a: string, b: string): number {
  const ra = parsePlainRelease(a);
  const rb = ra === undefined ? undefined : parsePlainRelease(b);
  if (ra !== undefined && rb !== undefined) return compareReleases(ra, rb);
  return compareVersions(a, b);
}
