/** PEP 503 normalization of a package, extra or group name: lower-case, runs of `-_.` become `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** True when `name` is a valid PEP 508 distribution/extra name (`[A-Za-z0-9]` at both ends, `-_.` inside). */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
}
