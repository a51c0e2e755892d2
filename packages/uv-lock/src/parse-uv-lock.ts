import {
  ERROR_CODES,
  formatLocation,
  formatSourceExcerpt,
  locationDetails,
  type SourceLocation,
  TspackError,
  tomlPosition,
} from "@tspack/errors";
import { parse, TomlError } from "smol-toml";
import { parseCanonicalToml } from "./_canonical.js";
import { locate, packageAtLine, rememberSource } from "./_locate.js";
import { lockFromWire } from "./_lock-from-wire.js";
import { describe, Issues, isTable, type LockIssue } from "./_reader.js";
import type { ParseUvLockResult } from "./types.js";

/** The lock schema major version tspack reads. */
export const SUPPORTED_LOCK_VERSION = 1;
/** The newest lock `revision` tspack knows; newer ones are read with a warning. */
export const KNOWN_LOCK_REVISION = 3;

/** At most this many schema errors are listed in the message (all are in `details.errors`). */
const MAX_LISTED_ERRORS = 20;

/** Options for {@link parseUvLock}. */
export interface ParseUvLockOptions {
  /** How to name the file in messages (default `uv.lock`). */
  path?: string;
}

const UPGRADE_HINT =
  "Upgrade tspack to a release that supports this lock version, or re-create the lock with a uv release that writes lock version 1.";

/** Reads a bare top-level `version = N` from text that is not valid TOML. */
function sniffVersion(text: string): number | undefined {
  for (const line of text.split(/\r?\n/, 200)) {
    if (/^\s*\[/.test(line)) return undefined;
    const m = /^\s*version\s*=\s*(\d+)\s*(?:#.*)?$/.exec(line);
    if (m !== null) return Number(m[1]);
  }
  return undefined;
}

function unsupportedVersion(file: string, text: string, found: number, cause?: unknown, suffix = ""): TspackError {
  // `details.path` is the file here (as for TOML syntax errors); `file`, `line` and `column` locate `version`.
  const at = tomlPosition(text, ["version"]);
  return new TspackError(
    ERROR_CODES.LOCK_VERSION_UNSUPPORTED,
    `The lock file "${file}" uses an unsupported schema version (v${found}, but tspack supports only v${SUPPORTED_LOCK_VERSION})${suffix}`,
    {
      hint: UPGRADE_HINT,
      details: {
        path: file,
        version: found,
        supported: SUPPORTED_LOCK_VERSION,
        file,
        key: "version",
        ...(at?.matched === 1 ? { line: at.line, column: at.column } : {}),
      },
      cause,
    },
  );
}

function tomlSyntaxError(text: string, file: string, e: TomlError): TspackError {
  const prefix = "Invalid TOML document: ";
  let reason = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  const cut = reason.indexOf("\n\n");
  if (cut >= 0) reason = reason.slice(0, cut);
  const where = `line ${e.line}, column ${e.column}`;
  const found = sniffVersion(text);
  if (found !== undefined && found !== SUPPORTED_LOCK_VERSION) {
    return unsupportedVersion(file, text, found, e, `, and it is not valid TOML: syntax error at ${where}: ${reason}`);
  }
  // Inside a [[package]]: name it (`package[3] (anyio==4.7.0)`), as far as the text before the error shows.
  const inPackage = packageAtLine(text, e.line);
  const pkg = inPackage?.package;
  const within =
    inPackage === undefined
      ? ""
      : `, package[${inPackage.index}]${pkg === undefined ? "" : ` (${pkg.version === undefined ? pkg.name : `${pkg.name}==${pkg.version}`})`}`;
  return new TspackError(
    ERROR_CODES.TOML_SYNTAX,
    `Failed to parse "${file}": TOML syntax error at ${where}${within}: ${reason}\n${formatSourceExcerpt(text, e.line, e.column)}`,
    {
      hint: "Restore the lock file from version control or re-create it with `uv lock`.",
      details: {
        path: file,
        file,
        line: e.line,
        column: e.column,
        ...(inPackage === undefined ? {} : { key: `package[${inPackage.index}]` }),
        ...(pkg === undefined ? {} : { package: pkg }),
      },
      cause: e,
    },
  );
}

/**
 * Parses and validates the text of a `uv.lock` (schema v1, revisions 0–3; newer revisions warn).
 * Dependency edges come back with their full target id (version and source filled in).
 *
 * @throws TspackError `TSPACK_TOML_SYNTAX` (not TOML), `TSPACK_LOCK_VERSION_UNSUPPORTED` (`version` ≠ 1),
 *   `TSPACK_LOCK_INVALID` (schema errors, all listed, each with its dotted path in `details.errors`).
 * @example
 * const { lock, warnings } = parseUvLock(text);
 * lock.packages.find((p) => p.name === "fastapi")?.version; // "0.115.6"
 */
export function parseUvLock(text: string, options: ParseUvLockOptions = {}): ParseUvLockResult {
  return parseUvLockWith(text, options, true);
}

/**
 * {@link parseUvLock} with the canonical-layout fast path switched on or off (internal: tests compare
 * both paths; the result must not depend on it).
 */
export function parseUvLockWith(text: string, options: ParseUvLockOptions, fastPath: boolean): ParseUvLockResult {
  const file = options.path ?? "uv.lock";
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let doc = fastPath ? parseCanonicalToml(body) : undefined;
  if (doc === undefined) {
    try {
      doc = parse(body);
    } catch (e) {
      if (e instanceof TomlError) throw tomlSyntaxError(body, file, e);
      throw e;
    }
  }
  const issues = new Issues();
  const invalid = (path: string, message: string) => {
    const issue: LockIssue = { path, message, segments: path === "" ? [] : [path] };
    return schemaError(file, body, [issue], undefined);
  };
  const version = doc.version;
  if (version === undefined) throw invalid("version", "missing required key");
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) {
    throw invalid("version", `expected a non-negative integer, found ${describe(version)}`);
  }
  if (version !== SUPPORTED_LOCK_VERSION) throw unsupportedVersion(file, body, version);
  const rawRevision = doc.revision ?? 0;
  if (typeof rawRevision !== "number" || !Number.isSafeInteger(rawRevision) || rawRevision < 0) {
    throw invalid("revision", `expected a non-negative integer, found ${describe(rawRevision)}`);
  }
  if (!isTable(doc)) throw invalid("", "expected a table");
  const lock = lockFromWire(doc, version, rawRevision, issues);
  if (issues.errors.length > 0) {
    throw schemaError(file, body, issues.errors, Array.isArray(doc.package) ? doc.package : undefined);
  }
  rememberSource(lock, file, body);
  const warnings = [...issues.warnings];
  if (rawRevision > KNOWN_LOCK_REVISION) {
    warnings.unshift({
      code: "newer-revision",
      message: `The lock file "${file}" has revision ${rawRevision}, newer than the revisions tspack knows (up to ${KNOWN_LOCK_REVISION}); unknown fields are ignored`,
    });
  }
  return { lock, warnings };
}

/**
 * TSPACK_LOCK_INVALID for every issue found (the first 20 in the message): each with its location in
 * the file (line and column, dotted path, package), the only one also with a source excerpt.
 */
function schemaError(file: string, text: string, errors: LockIssue[], packages: unknown[] | undefined): TspackError {
  const located = errors.map((e, i) => {
    // Positions cost a scan of the text each: only for the errors the message lists.
    const loc: SourceLocation =
      i < MAX_LISTED_ERRORS ? locate(file, text, e.segments, packages) : { file, path: e.path };
    return { issue: e, loc };
  });
  const detail = ({ issue, loc }: (typeof located)[number]) => ({
    path: issue.path,
    message: issue.message,
    ...(loc.line === undefined ? {} : { line: loc.line, column: loc.column }),
    ...(loc.package === undefined ? {} : { package: loc.package }),
    ...(issue.code === undefined ? {} : { code: issue.code }),
  });
  const first = located[0] as (typeof located)[number];
  let message: string;
  if (located.length === 1) {
    const excerpt =
      first.loc.line === undefined ? "" : `\n${formatSourceExcerpt(text, first.loc.line, first.loc.column ?? 1)}`;
    message = `${formatLocation(first.loc)}: ${first.issue.message}${excerpt}`;
  } else {
    const listed = located
      .slice(0, MAX_LISTED_ERRORS)
      .map(({ issue, loc }) => `\n  ${formatLocation(loc, { file: false })}: ${issue.message}`);
    const more = located.length > MAX_LISTED_ERRORS ? `\n  ... and ${located.length - MAX_LISTED_ERRORS} more` : "";
    message = `"${file}" is not a valid lock file (${located.length} errors):${listed.join("")}${more}`;
  }
  return new TspackError(ERROR_CODES.LOCK_INVALID, message, {
    hint: "Re-create the lock file with `uv lock`, or fix the entries named above.",
    details: { ...locationDetails(first.loc), errors: located.map(detail) },
  });
}
