/** PEP 503/508 name syntax: ASCII letters/digits, `-_.` only between them. */
const VALID_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** True when `name` is a valid PEP 508 distribution, extra or group name. */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** PEP 503 normalization: lowercase, runs of `-_.` → `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
