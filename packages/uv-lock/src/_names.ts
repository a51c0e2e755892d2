import { isValidName, normalizeName as normalizePep503 } from "@tspack/pep508";

/** True when `name` is a valid PEP 508 distribution, extra or group name. */
export { isValidName };

/** PEP 503 normalization: lowercase, runs of `-_.` → `-` (names uv already wrote normalized are returned as is). */
export function normalizeName(name: string): string {
  return isNormalizedName(name) ? name : normalizePep503(name);
}

/**
 * True when `name` is valid and already normalized (`[a-z0-9]` runs joined by single `-`), the form
 * uv writes; one pass over the characters, no allocation.
 */
export function isNormalizedName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  let prevDash = true; // no leading dash
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) prevDash = false;
    else if (c === 0x2d && !prevDash) prevDash = true;
    else return false;
  }
  return !prevDash;
}

/** The normalized form of a valid name, or undefined when `name` is not a valid name. */
export function validNormalizedName(name: string): string | undefined {
  if (isNormalizedName(name)) return name;
  return isValidName(name) ? normalizePep503(name) : undefined;
}
