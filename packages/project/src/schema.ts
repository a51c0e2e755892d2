import { ERROR_CODES, formatPath, formatSourceExcerpt, isTspackError, TspackError, tomlPosition } from "@tspack/errors";
import { parseSpecifiers } from "@tspack/pep440";
import { parseRequirement } from "@tspack/pep508";

/** A path into a TOML document, e.g. `["tool", "tspack", "include", 0]`. */
export type TomlPath = ReadonlyArray<string | number>;

/** A TOML table as parsed. */
export type TomlTable = Record<string, unknown>;

/** Describes a TOML value's type for error messages. */
export function describeTomlValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (typeof value === "object" && value !== null) return "a table";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "number" || typeof value === "bigint") return Number.isInteger(value) ? "an integer" : "a float";
  return typeof value;
}

/**
 * Builds the TSPACK_PYPROJECT_INVALID error for `path` in `file`: `The file "pyproject.toml", line 7, column 5,
 * is invalid at \`project.dependencies[1]\`: <reason>`, with a source excerpt when the file's `text` is
 * given (the line of the value, or of its table when the key is missing).
 */
export function pyprojectError(
  file: string,
  path: TomlPath,
  reason: string,
  hint?: string,
  text?: string,
  extra?: Record<string, unknown>,
): TspackError {
  const where = formatPath(path);
  const at = text === undefined || path.length === 0 ? undefined : tomlPosition(text, path);
  const position = at === undefined ? "" : `, line ${at.line}, column ${at.column},`;
  const excerpt = at === undefined || text === undefined ? "" : `\n${formatSourceExcerpt(text, at.line, at.column)}`;
  return new TspackError(
    ERROR_CODES.PYPROJECT_INVALID,
    `The file "${file}"${position} is invalid at \`${where}\`: ${reason}${excerpt}`,
    {
      ...(hint === undefined ? {} : { hint }),
      details: { ...extra, file, path: where, ...(at === undefined ? {} : { line: at.line, column: at.column }) },
    },
  );
}

/** Typed, path-aware accessors over a parsed pyproject.toml that throw TSPACK_PYPROJECT_INVALID. */
export class TomlReader {
  /** `text`, the file's text, gives errors a line, a column and an excerpt. */
  constructor(
    readonly file: string,
    readonly text?: string,
  ) {}

  /** An error at `path` (`extra` goes into details). */
  error(path: TomlPath, reason: string, hint?: string, extra?: Record<string, unknown>): TspackError {
    return pyprojectError(this.file, path, reason, hint, this.text, extra);
  }

  /** The table at `path` (or undefined when absent). */
  table(value: unknown, path: TomlPath): TomlTable | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Date)
      throw this.error(path, `expected a table, found ${describeTomlValue(value)}`);
    return value as TomlTable;
  }

  /** The string at `path` (or undefined when absent). */
  string(value: unknown, path: TomlPath): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw this.error(path, `expected a string, found ${describeTomlValue(value)}`);
    return value;
  }

  /** The boolean at `path` (or undefined when absent). */
  boolean(value: unknown, path: TomlPath): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") throw this.error(path, `expected a boolean, found ${describeTomlValue(value)}`);
    return value;
  }

  /** The array at `path` (or undefined when absent). */
  array(value: unknown, path: TomlPath): unknown[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw this.error(path, `expected an array, found ${describeTomlValue(value)}`);
    return value;
  }

  /** The array of strings at `path` (or undefined when absent). */
  stringArray(value: unknown, path: TomlPath): string[] | undefined {
    const arr = this.array(value, path);
    if (arr === undefined) return undefined;
    return arr.map((v, i) => this.string(v, [...path, i]) as string);
  }

  /** A table whose values are all strings (e.g. `[project.scripts]`). */
  stringTable(value: unknown, path: TomlPath): Record<string, string> | undefined {
    const t = this.table(value, path);
    if (t === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(t)) out[k] = this.string(v, [...path, k]) as string;
    return out;
  }

  /** A table whose values are all arrays of strings (e.g. `[project.optional-dependencies]`). */
  stringArrayTable(value: unknown, path: TomlPath): Record<string, string[]> | undefined {
    const t = this.table(value, path);
    if (t === undefined) return undefined;
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(t)) out[k] = this.stringArray(v, [...path, k]) ?? [];
    return out;
  }
}

/** `value` as a JSON string for a message, shortened in the middle when long. */
function quote(value: string): string {
  if (value.length <= 80) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, 40))}…${JSON.stringify(value.slice(-40))} (${value.length} characters)`;
}

/** The reason in a parser's TspackError (`details.reason` with its position, else the message after "is invalid: "). */
function reasonOf(e: TspackError): string {
  const reason = e.details?.reason;
  if (typeof reason === "string") {
    const column = e.details?.column;
    return typeof column === "number" ? `${reason} (at character ${column + 1})` : reason;
  }
  const cut = e.message.indexOf(" is invalid: ");
  return cut >= 0 ? e.message.slice(cut + 13) : e.message;
}

/** A specifier clause with a plain release (`>=3.12`): valid without the general PEP 440 parser. */
const PLAIN_CLAUSE =
  /^\s*(?:(?:==|!=|<=|>=|<|>)\s*(?:0|[1-9]\d{0,14})|~=\s*(?:0|[1-9]\d{0,14})\.(?:0|[1-9]\d{0,14}))(?:\.(?:0|[1-9]\d{0,14}))*\s*$/;

/**
 * Throws TSPACK_PYPROJECT_INVALID at `path` when `text` is not a PEP 508 requirement (`details.code` is
 * the parser's code, TSPACK_MARKER_SYNTAX).
 */
export function checkRequirement(r: TomlReader, text: string, path: TomlPath): void {
  try {
    parseRequirement(text);
  } catch (e) {
    if (!isTspackError(e)) throw e;
    throw r.error(path, `${quote(text)} is not a valid requirement: ${reasonOf(e)}`, e.hint, { code: e.code });
  }
}

/** Throws TSPACK_PYPROJECT_INVALID at `path` when `text` is not a PEP 440 specifier set (`>=3.12`). */
export function checkSpecifiers(r: TomlReader, text: string, path: TomlPath): void {
  if (text.split(",").every((c) => PLAIN_CLAUSE.test(c))) return;
  try {
    parseSpecifiers(text);
  } catch (e) {
    if (!isTspackError(e)) throw e;
    throw r.error(path, `${quote(text)} is not a valid PEP 440 specifier set: ${reasonOf(e)}`, e.hint, {
      code: e.code,
    });
  }
}
