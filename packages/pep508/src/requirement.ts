import { isTspackError } from "@tspack/errors";
import { normalizeSpecifier } from "@tspack/pep440";
import { parseMarkerAt } from "./marker-parser.js";
import type { MarkerTree } from "./marker-tree.js";
import { normalizeName } from "./names.js";
import { Scanner } from "./scanner.js";

/** A parsed PEP 508 requirement. */
export interface Requirement {
  /** The PEP 503-normalized distribution name. */
  readonly name: string;
  /** Normalized extra names, deduplicated and sorted. */
  readonly extras: string[];
  /** The normalized specifier set (`>=1.0,<2`), `""` when there is none. */
  readonly specifier: string;
  /** The direct URL of `name @ url`. */
  readonly url?: string;
  /** The environment marker after `;`. */
  readonly marker?: MarkerTree;
}

const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const SPEC_OP = /===|==|~=|!=|<=|>=|<|>/;
/** A release without leading zeros (`1.2.3`): its normalized form is itself. */
const PLAIN_RELEASE = /^(?:0|[1-9]\d{0,14})(?:\.(?:0|[1-9]\d{0,14}))*$/;

function parseExtras(s: Scanner): string[] {
  const extras = new Set<string>();
  s.pos++; // [
  s.ws();
  if (s.peekChar() === "]") {
    s.pos++;
    return [];
  }
  for (;;) {
    s.ws();
    const m = s.take(NAME);
    if (m === null) s.fail("Expected an extra name");
    extras.add(normalizeName(m[0]));
    s.ws();
    const c = s.peekChar();
    if (c === ",") {
      s.pos++;
      continue;
    }
    if (c === "]") {
      s.pos++;
      break;
    }
    s.fail('Expected "," or "]" after the extra name');
  }
  return [...extras].sort();
}

function parseSpecifier(s: Scanner): string {
  const start = s.pos;
  const clauses: string[] = [];
  for (;;) {
    s.ws();
    const clauseStart = s.pos;
    const op = s.take(SPEC_OP);
    if (op === null) {
      if (clauses.length === 0) {
        s.pos = start;
        return "";
      }
      s.fail(`Expected a version operator, one of ==, !=, <=, >=, <, >, ~=, ===`);
    }
    s.ws();
    const v = s.take(op[0] === "===" ? /[^\s;)]+/ : /[^\s,;)]+/);
    if (v === null) s.fail(`Expected a version after "${op[0]}"`);
    const clause = `${op[0]}${v[0]}`;
    try {
      // A plain release (`>=1.2.3`) is already normal: no need for the general PEP 440 parser.
      clauses.push(
        PLAIN_RELEASE.test(v[0]) && (op[0] !== "~=" || v[0].includes(".")) ? clause : normalizeSpecifier(clause),
      );
    } catch (e) {
      if (!isTspackError(e)) throw e;
      s.fail(e.message, clauseStart, s.pos - clauseStart);
    }
    const save = s.pos;
    s.ws();
    if (s.peekChar() !== ",") {
      s.pos = save;
      break;
    }
    s.pos++;
  }
  return clauses.join(",");
}

function parseMarkerPart(s: Scanner): MarkerTree {
  s.pos++; // ;
  s.ws();
  if (s.atEnd()) s.fail("Expected a marker after the semicolon");
  return parseMarkerAt(s);
}

function expectEnd(s: Scanner, after: string): void {
  s.ws();
  if (!s.atEnd()) s.fail(`Expected the end of the requirement or a semicolon (after ${after})`);
}

/**
 * Parses a PEP 508 requirement: `name[extra1,extra2]>=1,<2 ; marker`, `name (>=1.0)`, or
 * `name @ url ; marker` (whitespace required before the `;` after a URL). Comments are not allowed.
 * Throws TSPACK_MARKER_SYNTAX with a caret on a syntax error.
 */
export function parseRequirement(text: string): Requirement {
  const s: Scanner = new Scanner(text, "requirement");
  s.ws();
  const nameMatch = s.take(NAME);
  if (nameMatch === null) s.fail("Expected a package name");
  const name = normalizeName(nameMatch[0]);
  s.ws();
  const extras = s.peekChar() === "[" ? parseExtras(s) : [];
  s.ws();
  if (s.peekChar() === "@") {
    s.pos++;
    s.ws();
    const url = s.take(/[^\s]+/);
    if (url === null) s.fail("Expected a URL after @");
    const afterUrl = s.pos;
    s.ws();
    if (s.atEnd()) return { name, extras, specifier: "", url: url[0] };
    if (s.pos === afterUrl) s.fail("Expected whitespace after the URL");
    if (s.peekChar() !== ";")
      s.fail("Expected the end of the requirement or a semicolon (after the URL and whitespace)");
    const marker = parseMarkerPart(s);
    expectEnd(s, "the marker");
    return { name, extras, specifier: "", url: url[0], marker };
  }
  let specifier: string;
  if (s.peekChar() === "(") {
    const open = s.pos;
    s.pos++;
    specifier = parseSpecifier(s);
    s.ws();
    if (s.peekChar() !== ")") s.fail("Expected a closing parenthesis for the version specifier", open);
    s.pos++;
  } else {
    specifier = parseSpecifier(s);
  }
  s.ws();
  if (s.peekChar() === ";") {
    const marker = parseMarkerPart(s);
    expectEnd(s, "the marker");
    return { name, extras, specifier, marker };
  }
  expectEnd(s, specifier === "" ? "the name" : "the version specifier");
  return { name, extras, specifier };
}
