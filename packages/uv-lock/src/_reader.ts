import { ERROR_CODES, formatPath, isTspackError, type TspackErrorCode } from "@tspack/errors";
import { parseSpecifiers } from "@tspack/pep440";
import { parseMarker } from "@tspack/pep508";
import type { LockWarning } from "./types.js";

/**
 * A path into the TOML document (`package[12].wheels[3].hash`) as a linked list from the leaf, so
 * building a child path allocates one small object; it is only formatted when reporting.
 */
export type WirePath = { readonly up: WirePath; readonly key: string | number } | undefined;

/** The child path `path.key` / `path[key]`. */
export function at(path: WirePath, key: string | number): WirePath {
  return { up: path, key };
}

/** The segments of a path, root first. */
export function pathSegments(path: WirePath): Array<string | number> {
  const segments: Array<string | number> = [];
  for (let p = path; p !== undefined; p = p.up) segments.push(p.key);
  return segments.reverse();
}

/** The dotted text of a path (`package[12].wheels[3].hash`). */
export function pathText(path: WirePath): string {
  return formatPath(pathSegments(path));
}

/** A TOML table as returned by the TOML parser (plain object). */
export type WireTable = Record<string, unknown>;

/** One schema problem, with its dotted path (`segments` for locating it in the text). */
export interface LockIssue {
  path: string;
  message: string;
  segments: Array<string | number>;
  /** The code of a value-level problem (`TSPACK_MARKER_SYNTAX`, `TSPACK_VERSION_INVALID`). */
  code?: TspackErrorCode;
}

/** Collects schema errors and warnings while reading the wire document. */
export class Issues {
  readonly errors: LockIssue[] = [];
  readonly warnings: LockWarning[] = [];
  readonly #unknownKeys = new Set<string>();

  error(path: WirePath, message: string, code?: TspackErrorCode): void {
    const segments = pathSegments(path);
    this.errors.push({ path: formatPath(segments), message, segments, ...(code === undefined ? {} : { code }) });
  }

  /** Warns once per (context, key) about a key tspack does not know. */
  unknownKey(context: string, path: WirePath, key: string): void {
    const id = `${context}\0${key}`;
    if (this.#unknownKeys.has(id)) return;
    this.#unknownKeys.add(id);
    this.warnings.push({
      code: "unknown-key",
      message: `Ignoring the unknown key ${JSON.stringify(key)} at ${pathText(at(path, key))}`,
    });
  }
}

/** True for a TOML table (plain object, not an array or a date). */
export function isTable(value: unknown): value is WireTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** "a string", "an integer", ... for messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number") return Number.isInteger(value) ? `the integer ${value}` : `the float ${value}`;
  if (typeof value === "bigint") return `the integer ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date-time";
  return "a table";
}

/** A specifier clause with a plain release (`>=3.12`, `~=1.4`); `~=` needs two segments. */
const PLAIN_CLAUSE =
  /^\s*(?:(?:==|!=|<=|>=|<|>)\s*(?:0|[1-9]\d{0,14})|~=\s*(?:0|[1-9]\d{0,14})\.(?:0|[1-9]\d{0,14}))(?:\.(?:0|[1-9]\d{0,14}))*\s*$/;

/** At most this many characters of a bad value are quoted in a message. */
const QUOTE_LIMIT = 80;

/** `value` as a JSON string for a message, shortened in the middle when long. */
export function quote(value: string): string {
  if (value.length <= QUOTE_LIMIT) return JSON.stringify(value);
  const half = QUOTE_LIMIT / 2;
  return `${JSON.stringify(value.slice(0, half))}…${JSON.stringify(value.slice(-half))} (${value.length} characters)`;
}

/** The reason a marker or specifier is invalid (the parser's own words), or undefined when it is valid. */
function problem(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (e) {
    if (!isTspackError(e)) throw e;
    const reason = e.details?.reason;
    if (typeof reason === "string") {
      const column = e.details?.column;
      return typeof column === "number" ? `${reason} (at character ${column + 1})` : reason;
    }
    // pep440's "The version specifier "x" is invalid: <reason>"
    const cut = e.message.indexOf(" is invalid: ");
    return cut >= 0 ? e.message.slice(cut + 13) : e.message;
  }
}

/** Typed accessors that record an issue (and return undefined) on a type mismatch. */
export class Reader {
  /** Marker and specifier texts already checked (a lock repeats the same few): text → problem or "". */
  readonly #checked = new Map<string, string>();

  constructor(readonly issues: Issues) {}

  /**
   * The PEP 508 marker at `t[key]`; a syntax error (or a nesting deeper than the parser allows) is
   * recorded as a TSPACK_MARKER_SYNTAX issue at its path. `""` is the always-true marker.
   */
  marker(t: WireTable, key: string, path: WirePath): string | undefined {
    const v = this.string(t, key, path);
    if (v !== undefined) this.checkMarker(v, at(path, key));
    return v;
  }

  /** Records an issue at `path` when `text` is not a valid PEP 508 marker. */
  checkMarker(text: string, path: WirePath): void {
    if (text === "") return;
    let p = this.#checked.get(`m${text}`);
    if (p === undefined) this.#checked.set(`m${text}`, (p = problem(() => parseMarker(text)) ?? ""));
    if (p !== "") this.issues.error(path, `${quote(text)} is not a valid marker: ${p}`, ERROR_CODES.MARKER_SYNTAX);
  }

  /** The PEP 440 specifier set at `t[key]` (`>=3.12`, `>=1,<2`); an invalid one is recorded as an issue. */
  specifiers(t: WireTable, key: string, path: WirePath): string | undefined {
    const v = this.string(t, key, path);
    if (v !== undefined) this.checkSpecifiers(v, at(path, key));
    return v;
  }

  /** Records an issue at `path` when `text` is not a valid PEP 440 specifier set. */
  checkSpecifiers(text: string, path: WirePath): void {
    // `>=3.12`, `>=3.9, <4`: valid without the general PEP 440 parser, whose first use costs milliseconds.
    if (text.split(",").every((c) => PLAIN_CLAUSE.test(c))) return;
    let p = this.#checked.get(`s${text}`);
    if (p === undefined) this.#checked.set(`s${text}`, (p = problem(() => parseSpecifiers(text)) ?? ""));
    if (p !== "") {
      this.issues.error(path, `${quote(text)} is not a valid PEP 440 specifier set: ${p}`, ERROR_CODES.VERSION_INVALID);
    }
  }

  string(t: WireTable, key: string, path: WirePath, required = false): string | undefined {
    const v = t[key];
    if (typeof v === "string") return v;
    this.#bad(v, "a string", key, path, required);
    return undefined;
  }

  integer(t: WireTable, key: string, path: WirePath, required = false): number | undefined {
    const v = t[key];
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
    this.#bad(v, "a non-negative integer", key, path, required);
    return undefined;
  }

  boolean(t: WireTable, key: string, path: WirePath): boolean | undefined {
    const v = t[key];
    if (typeof v === "boolean") return v;
    this.#bad(v, "a boolean", key, path, false);
    return undefined;
  }

  table(t: WireTable, key: string, path: WirePath, required = false): WireTable | undefined {
    const v = t[key];
    if (isTable(v)) return v;
    this.#bad(v, "a table", key, path, required);
    return undefined;
  }

  array(t: WireTable, key: string, path: WirePath, required = false): unknown[] | undefined {
    const v = t[key];
    if (Array.isArray(v)) return v;
    this.#bad(v, "an array", key, path, required);
    return undefined;
  }

  /** True when `v` (element `i` of the array at `path`) is a table; otherwise records the error. */
  isTableAt(v: unknown, path: WirePath, i: number): v is WireTable {
    if (isTable(v)) return true;
    this.issues.error(at(path, i), `expected a table, found ${describe(v)}`);
    return false;
  }

  /** An array of strings; bad elements are reported and skipped. */
  strings(t: WireTable, key: string, path: WirePath): string[] {
    const arr = this.array(t, key, path);
    if (arr === undefined) return [];
    const out: string[] = [];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === "string") out.push(v);
      else this.issues.error(at(at(path, key), i), `expected a string, found ${describe(v)}`);
    }
    return out;
  }

  /** An array of tables; bad elements are reported and skipped (the index is kept for paths). */
  tables(t: WireTable, key: string, path: WirePath): Array<[WireTable, number]> {
    const arr = this.array(t, key, path);
    if (arr === undefined) return [];
    const out: Array<[WireTable, number]> = [];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (isTable(v)) out.push([v, i]);
      else this.issues.error(at(at(path, key), i), `expected a table, found ${describe(v)}`);
    }
    return out;
  }

  #bad(v: unknown, expected: string, key: string, path: WirePath, required: boolean): void {
    if (v === undefined) {
      if (required) this.issues.error(at(path, key), "missing required key");
      return;
    }
    this.issues.error(at(path, key), `expected ${expected}, found ${describe(v)}`);
  }
}

/** Deep copy of a raw TOML value with date-times turned into their TOML text (no parser objects leak). */
export function toPlain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
