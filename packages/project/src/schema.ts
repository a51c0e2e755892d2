import { ERROR_CODES, formatPath, TspackError } from "@tspack/errors";

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

/** Builds the TSPACK_PYPROJECT_INVALID error for `path` in `file`. */
export function pyprojectError(file: string, path: TomlPath, reason: string, hint?: string): TspackError {
  const where = formatPath(path);
  return new TspackError(ERROR_CODES.PYPROJECT_INVALID, `The file "${file}" is invalid at \`${where}\`: ${reason}`, {
    ...(hint === undefined ? {} : { hint }),
    details: { file, path: where },
  });
}

/** Typed, path-aware accessors over a parsed pyproject.toml that throw TSPACK_PYPROJECT_INVALID. */
export class TomlReader {
  constructor(readonly file: string) {}

  /** An error at `path`. */
  error(path: TomlPath, reason: string, hint?: string): TspackError {
    return pyprojectError(this.file, path, reason, hint);
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
