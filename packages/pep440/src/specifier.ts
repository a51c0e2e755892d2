import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  compareVersions,
  formatVersion,
  isPrerelease,
  type Pep440Version,
  parseVersion,
  parseVersionOrThrow,
} from "./version.js";

/** A specifier operator. `==`/`!=` with `wildcard` are the `.*` prefix forms. */
export type SpecifierOperator = "===" | "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">";

/** One clause of a specifier set, e.g. `>=1.0` or `==3.9.*`. */
export interface Specifier {
  readonly operator: SpecifierOperator;
  /** The version as written for `===`, otherwise the normalized version (without `.*`). */
  readonly version: string;
  /** The parsed version (`undefined` only for `===` with a non-PEP 440 string). */
  readonly parsed: Pep440Version | undefined;
  /** True for `==X.*` / `!=X.*`. */
  readonly wildcard: boolean;
}

const CLAUSE = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*(.*?)\s*$/s;
const WILDCARD_VERSION = /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*$/i;

function parseClause(clause: string): Specifier | string {
  const m = CLAUSE.exec(clause);
  if (m === null) return `"${clause.trim()}" does not start with an operator (==, !=, <=, >=, <, >, ~=, ===)`;
  const operator = m[1] as SpecifierOperator;
  const raw = m[2] ?? "";
  if (raw === "") return `"${clause.trim()}" has no version after "${operator}"`;
  if (operator === "===") {
    if (/[\s;)]/.test(raw)) return `"${raw}" is not a valid arbitrary-equality string`;
    return { operator, version: raw, parsed: parseVersion(raw), wildcard: false };
  }
  if (raw.endsWith(".*")) {
    const base = raw.slice(0, -2);
    if (operator !== "==" && operator !== "!=") return `"${operator}${raw}": ".*" is only allowed with == and !=`;
    if (!WILDCARD_VERSION.test(base)) return `"${operator}${raw}": ".*" needs a release-only version before it`;
    const parsed = parseVersion(base);
    if (parsed === undefined) return `"${base}" is not a PEP 440 version`;
    return { operator, version: formatVersion(parsed), parsed, wildcard: true };
  }
  const parsed = parseVersion(raw);
  if (parsed === undefined) return `"${raw}" is not a PEP 440 version`;
  if (parsed.local !== undefined && operator !== "==" && operator !== "!=") {
    return `"${operator}${raw}": a local version label is only allowed with == and !=`;
  }
  if (operator === "~=" && parsed.release.length < 2) return `"~=${raw}" needs at least two release segments`;
  return { operator, version: formatVersion(parsed), parsed, wildcard: false };
}

function parseOrReason(specifiers: string): Specifier[] | string {
  if (specifiers.trim() === "") return [];
  const out: Specifier[] = [];
  for (const clause of specifiers.split(",")) {
    const s = parseClause(clause);
    if (typeof s === "string") return s;
    out.push(s);
  }
  return out;
}

/**
 * Parses a comma-separated specifier set (`>=1.0, <2`); `""` is the empty set. Throws
 * TSPACK_VERSION_INVALID naming the input.
 */
export function parseSpecifiers(specifiers: string): Specifier[] {
  const r = parseOrReason(specifiers);
  if (typeof r === "string") {
    throw new TspackError(ERROR_CODES.VERSION_INVALID, `The version specifier "${specifiers}" is invalid: ${r}`, {
      hint: 'Specifiers look like ">=1.0,<2", "==3.9.*" or "~=1.4" (https://peps.python.org/pep-0440/#version-specifiers).',
    });
  }
  return r;
}

/** True when `s` is a valid (possibly empty) comma-separated PEP 440 specifier set. */
export function isValidSpecifier(s: string): boolean {
  return typeof parseOrReason(s) !== "string";
}

/** The specifier text of one clause (`>=1.0`, `==3.9.*`). */
export function formatSpecifier(s: Specifier): string {
  return `${s.operator}${s.version}${s.wildcard ? ".*" : ""}`;
}

/** The normalized specifier set: normalized versions, clauses in input order joined by `,` (like uv.lock). */
export function normalizeSpecifier(specifiers: string): string {
  return parseSpecifiers(specifiers).map(formatSpecifier).join(",");
}

function publicOf(v: Pep440Version): Pep440Version {
  return v.local === undefined ? v : { ...v, local: undefined };
}

function baseOf(v: Pep440Version): Pep440Version {
  return { epoch: v.epoch, release: v.release, pre: undefined, post: undefined, dev: undefined, local: undefined };
}

function cmp(a: Pep440Version, b: Pep440Version): number {
  return compareVersions(formatVersion(a), formatVersion(b));
}

function prefixMatch(v: Pep440Version, spec: Pep440Version): boolean {
  if (v.epoch !== spec.epoch) return false;
  return spec.release.every((seg, i) => (v.release[i] ?? 0) === seg);
}

/** packaging's `Specifier.prereleases`: an inclusive clause that names a pre-release admits pre-releases. */
function admitsPrereleases(s: Specifier): boolean {
  if (s.operator === "!=" || s.operator === "<" || s.operator === ">") return false;
  return s.parsed !== undefined && isPrerelease(s.parsed);
}

function clauseContains(s: Specifier, v: Pep440Version, raw: string): boolean {
  const spec = s.parsed;
  if (s.operator === "===")
    return raw.trim().toLowerCase() === s.version.toLowerCase() || formatVersion(v) === s.version.toLowerCase();
  if (spec === undefined) return false;
  switch (s.operator) {
    case "==":
    case "!=": {
      const eq = s.wildcard
        ? prefixMatch(v, spec)
        : spec.local !== undefined
          ? cmp(v, spec) === 0
          : cmp(publicOf(v), spec) === 0;
      return s.operator === "==" ? eq : !eq;
    }
    case "<=":
      return cmp(publicOf(v), spec) <= 0;
    case ">=":
      return cmp(publicOf(v), spec) >= 0;
    case "<":
      if (cmp(v, spec) >= 0) return false;
      return !(!isPrerelease(spec) && isPrerelease(v) && cmp(baseOf(v), baseOf(spec)) === 0);
    case ">":
      if (cmp(v, spec) <= 0) return false;
      if (spec.post === undefined && v.post !== undefined && cmp(baseOf(v), baseOf(spec)) === 0) return false;
      return !(v.local !== undefined && cmp(baseOf(v), baseOf(spec)) === 0);
    case "~=": {
      const prefix: Pep440Version = { ...baseOf(spec), release: spec.release.slice(0, -1) };
      return cmp(publicOf(v), spec) >= 0 && prefixMatch(v, prefix);
    }
  }
}

/** Options for {@link satisfiesSpecifier}. */
export interface SatisfiesOptions {
  /** Force pre-release acceptance on or off; by default like packaging (admitted when a clause names one). */
  prereleases?: boolean;
}

/**
 * True when `version` is in the comma-separated specifier set (PEP 440 semantics, like packaging's
 * `SpecifierSet.contains`). Pre-releases match only when a clause names a pre-release (`>=1.0rc1`) or
 * `prereleases` is set. Throws TSPACK_VERSION_INVALID on an invalid version or specifier.
 */
export function satisfiesSpecifier(version: string, specifiers: string, options: SatisfiesOptions = {}): boolean {
  const specs = parseSpecifiers(specifiers);
  const v = parseVersion(version);
  if (v === undefined) {
    // Arbitrary equality may compare non-PEP 440 strings.
    if (specs.length > 0 && specs.every((s) => s.operator === "===")) {
      return specs.every((s) => version.trim().toLowerCase() === s.version.toLowerCase());
    }
    parseVersionOrThrow(version);
    return false;
  }
  const prereleases = options.prereleases ?? specs.some(admitsPrereleases);
  if (!prereleases && isPrerelease(v)) return false;
  return specs.every((s) => clauseContains(s, v, version));
}
