import { formatSourceExcerpt } from "./format.js";
import { isTspackError, TspackError } from "./tspack-error.js";

/**
 * Where in a user's file an error is: the file (as given), the dotted key path of the value
 * (`package[12].dependencies[3].marker`), its 1-based line and column when known, and the package
 * (`[[package]]` of a uv.lock) the value belongs to.
 */
export interface SourceLocation {
  /** The file as the user named it (`uv.lock`, `/abs/path/pyproject.toml`). */
  file: string;
  /** The dotted key path inside the file, e.g. `package[12].dependencies[3].marker`. */
  path?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column (of the value's first character). */
  column?: number;
  /** The lock package the value belongs to. */
  package?: { name: string; version?: string };
}

/** `anyio==4.7.0` (or `anyio` without a version). */
function packageText(p: NonNullable<SourceLocation["package"]>): string {
  return p.version === undefined ? p.name : `${p.name}==${p.version}`;
}

/**
 * The location as message text: `"uv.lock", line 14, column 20, package[2].dependencies[0].marker (anyio==4.7.0)`.
 * Parts that are unknown are left out; the file comes first (`file: false` leaves it out, for lists of
 * errors in one file).
 */
export function formatLocation(loc: SourceLocation, options: { file?: boolean } = {}): string {
  const parts: string[] = [];
  if (options.file !== false) parts.push(JSON.stringify(loc.file));
  if (loc.line !== undefined) parts.push(`line ${loc.line}${loc.column === undefined ? "" : `, column ${loc.column}`}`);
  if (loc.path !== undefined && loc.path !== "") parts.push(loc.path);
  let out = parts.join(", ");
  if (loc.package !== undefined) out += ` (${packageText(loc.package)})`;
  return out;
}

/** The location as `details` fields: `{ file, path?, line?, column?, package? }`. */
export function locationDetails(loc: SourceLocation): Record<string, unknown> {
  return {
    file: loc.file,
    ...(loc.path === undefined ? {} : { path: loc.path }),
    ...(loc.line === undefined ? {} : { line: loc.line }),
    ...(loc.column === undefined ? {} : { column: loc.column }),
    ...(loc.package === undefined ? {} : { package: { ...loc.package } }),
  };
}

/** True when the error's details already carry a location (so it is not located twice). */
export function hasLocation(e: TspackError): boolean {
  return typeof e.details?.file === "string";
}

/**
 * Re-raises a parse error of a value read from a file (a marker, a specifier, a version) with the value's
 * location: the same code and hint, the message prefixed by {@link formatLocation}, the location merged
 * into `details`, and a source excerpt with a caret when the text and line are known. Errors that are
 * already located, and errors that are not TspackErrors (bugs), are returned unchanged.
 */
export function withLocation(e: unknown, loc: SourceLocation, text?: string): unknown {
  if (!isTspackError(e) || hasLocation(e)) return e;
  // A message that has no excerpt of its own (a marker error has one) gets the file's line.
  const excerpt =
    text !== undefined && loc.line !== undefined && !e.message.includes("\n")
      ? `\n${formatSourceExcerpt(text, loc.line, loc.column ?? 1)}`
      : "";
  const where = locationDetails(loc);
  // The value's own details (a column inside the marker text) keep their names unless the location
  // uses them: then they become `valueColumn`, ...
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.details ?? {})) {
    own[k in where ? `value${k.charAt(0).toUpperCase()}${k.slice(1)}` : k] = v;
  }
  return new TspackError(e.code, `${formatLocation(loc)}: ${e.message}${excerpt}`, {
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    details: { ...own, ...where },
    cause: e,
  });
}
