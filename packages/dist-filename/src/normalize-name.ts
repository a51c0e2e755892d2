const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PEP 503 normalization: lowercase, runs of `-`, `_` and `.` become one `-` (`Foo__Bar.baz` → `foo-bar-baz`). */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** True for a valid PEP 508 project name: ASCII letters, digits, `-_.`, starting and ending alphanumeric. */
export function isValidPackageName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** The name as it appears in wheel and dist-info filenames: normalized with `_` (`foo-bar` → `foo_bar`). */
export function distInfoName(name: string): string {
  return normalizeName(name).replace(/-/g, "_");
}

/** uv's `InvalidNameError` text, used as a hint. */
export function invalidNameReason(name: string): string {
  return `Not a valid package or extra name: "${name}". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.`;
}
