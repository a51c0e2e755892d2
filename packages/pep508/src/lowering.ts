/** Lowering of parsed marker expressions to decision-diagram nodes (uv's `parse.rs` + `InternerGuard::expression`). */
import { parsePlainRelease, parseVersion } from "@tspack/pep440";
import {
  and,
  CANONICAL_STRING_KEYS,
  CAT,
  createNode,
  edgesFromBool,
  edgesFromRange,
  FALSE,
  type NodeId,
  or,
  platformVariables,
  type Release,
  STRINGS,
  type StringKey,
  TRUE,
  VERSIONS,
  variable,
  withWorkBudget,
} from "./algebra-core.js";
import type { MarkerExpression, MarkerOperator, MarkerTree, MarkerVariable } from "./marker-tree.js";
import { isValidName, normalizeName } from "./names.js";
import { complement, excl, fromBounds, incl, type Ranges, singleton, unbounded, union } from "./ranges.js";
import { markerTooComplex, tooDeep } from "./syntax-error.js";

/** A version operator of the algebra (`==*`/`!=*` are the `.*` forms). */
export type VersionOp = "==" | "===" | "!=" | "<" | "<=" | ">" | ">=" | "~=" | "==*" | "!=*";

/** A release-only version specifier. */
export interface ReleaseSpecifier {
  readonly op: VersionOp;
  readonly release: Release;
}

/** Trailing zeros removed (`[3, 0]` → `[3]`, `[0, 0]` → `[0]`). */
export function trimRelease(r: Release): Release {
  let n = r.length;
  while (n > 1 && r[n - 1] === 0) n--;
  return r.slice(0, n);
}

const WILDCARD_VERSION = /^\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*\s*$/i;

/** Parses `op value` as a release-only specifier like uv's `VersionSpecifier::from_pattern(...).only_release()`. */
function parseReleaseSpecifier(op: MarkerOperator, value: string, allowStar: boolean): ReleaseSpecifier | undefined {
  if (op === "in" || op === "not in") return undefined;
  const star = value.trimEnd().endsWith(".*");
  if (star) {
    if (!allowStar || (op !== "==" && op !== "!=")) return undefined;
    const base = value.trimEnd().slice(0, -2);
    if (!WILDCARD_VERSION.test(base)) return undefined;
    const release = parsePlainRelease(base) ?? parseVersion(base)?.release;
    return release === undefined ? undefined : { op: op === "==" ? "==*" : "!=*", release };
  }
  const plain = parsePlainRelease(value);
  if (plain !== undefined) return op === "~=" && plain.length < 2 ? undefined : { op, release: plain };
  const v = parseVersion(value);
  if (v === undefined) return undefined;
  if (v.local !== undefined && op !== "==" && op !== "!=" && op !== "===") return undefined;
  if (op === "~=" && v.release.length < 2) return undefined;
  return { op, release: v.release };
}

function bumpLast(r: Release): Release {
  const out = r.slice();
  out[out.length - 1] = (out[out.length - 1] ?? 0) + 1;
  return out;
}

/** uv's `release_specifier_to_range(spec.only_release(), trim = true)`. */
export function specifierToRange(s: ReleaseSpecifier): Ranges<Release> {
  const t = trimRelease(s.release);
  switch (s.op) {
    case "==":
    case "===":
      return singleton(t);
    case "!=":
      return complement(VERSIONS, singleton(t));
    case "<":
      return fromBounds(VERSIONS, unbounded(), excl(t));
    case "<=":
      return fromBounds(VERSIONS, unbounded(), incl(t));
    case ">":
      return fromBounds(VERSIONS, excl(t), unbounded());
    case ">=":
      return fromBounds(VERSIONS, incl(t), unbounded());
    case "~=": {
      const upper = bumpLast(s.release.slice(0, -1));
      return fromBounds(VERSIONS, incl(t), excl(upper));
    }
    case "==*":
      return fromBounds(VERSIONS, incl(trimRelease(s.release)), excl(bumpLast(s.release)));
    case "!=*":
      return complement(VERSIONS, fromBounds(VERSIONS, incl(trimRelease(s.release)), excl(bumpLast(s.release))));
  }
}

/** uv's `python_version_to_full_version`: a node constant when the comparison is always true/false. */
export function pythonVersionToFullVersion(s: ReleaseSpecifier): ReleaseSpecifier | NodeId {
  const rel = s.release;
  if (s.op === "==*" || s.op === "!=*") {
    if (rel.length === 1) return s;
    if (rel.slice(2).every((x) => x === 0)) return { op: s.op, release: rel.slice(0, 2) };
    return FALSE;
  }
  if (s.op === "~=") {
    if (rel.length === 2) return s;
    if (rel.slice(2).every((x) => x === 0)) return { op: "==*", release: rel.slice(0, 2) };
    return FALSE;
  }
  const trimmed = trimRelease(rel);
  const majorMinor: [number, number] | undefined =
    trimmed.length === 1 ? [trimmed[0] ?? 0, 0] : trimmed.length === 2 ? [trimmed[0] ?? 0, trimmed[1] ?? 0] : undefined;
  if (majorMinor !== undefined) {
    const [major, minor] = majorMinor;
    switch (s.op) {
      case "==":
      case "===":
        return { op: "==*", release: [major, minor] };
      case "!=":
        return { op: "!=*", release: [major, minor] };
      case ">":
        return { op: ">=", release: [major, minor + 1] };
      case "<":
      case ">=":
        return s;
      case "<=":
        return { op: "<", release: [major, minor + 1] };
    }
  }
  const major = rel[0] ?? 0;
  const minor = rel[1] ?? 0;
  switch (s.op) {
    case "==":
    case "===":
      return FALSE;
    case "!=":
      return TRUE;
    case "<":
    case "<=":
      return { op: "<", release: [major, minor + 1] };
    case ">":
    case ">=":
      return { op: ">=", release: [major, minor + 1] };
  }
}

const FULL_VERSION = variable(CAT.VERSION, 1);
const IMPLEMENTATION_VERSION = variable(CAT.VERSION, 0);

function versionNode(key: "implementation_version" | "python_full_version", range: Ranges<Release>): NodeId {
  const v = key === "python_full_version" ? FULL_VERSION : IMPLEMENTATION_VERSION;
  return createNode(v, { type: "version", edges: edgesFromRange(VERSIONS, range) });
}

function invert(op: MarkerOperator): MarkerOperator | "contains" | "not contains" {
  switch (op) {
    case "<":
      return ">";
    case "<=":
      return ">=";
    case ">":
      return "<";
    case ">=":
      return "<=";
    case "in":
      return "contains";
    case "not in":
      return "not contains";
    default:
      return op;
  }
}

function lowerVersion(key: MarkerVariable, op: MarkerOperator, value: string, inverted: boolean): NodeId | undefined {
  const canonicalKey = key === "implementation_version" ? "implementation_version" : "python_full_version";
  if (!inverted && (op === "in" || op === "not in")) {
    // `python_version in '3.8 3.9'`: a version-aware membership test.
    const parts = value.split(/\s+/).filter((p) => p !== "");
    let range: Ranges<Release> = [];
    for (const p of parts) {
      const v = parseVersion(p);
      if (v === undefined) return undefined;
      if (key === "python_version") {
        const spec = pythonVersionToFullVersion({ op: "==", release: v.release });
        if (typeof spec === "number") return spec;
        range = union(VERSIONS, range, specifierToRange(spec));
      } else {
        range = union(VERSIONS, range, singleton(trimRelease(v.release)));
      }
    }
    if (op === "not in") range = complement(VERSIONS, range);
    return versionNode(canonicalKey, range);
  }
  const effective = inverted ? invert(op) : op;
  if (effective === "contains" || effective === "not contains" || effective === "in" || effective === "not in") {
    return undefined;
  }
  const spec = parseReleaseSpecifier(effective, value, !inverted);
  if (spec === undefined) return undefined;
  if (key === "python_version") {
    const full = pythonVersionToFullVersion(spec);
    if (typeof full === "number") return full;
    return versionNode("python_full_version", specifierToRange(full));
  }
  return versionNode(canonicalKey, specifierToRange(spec));
}

const PLATFORM_SYSTEM_TO_SYS_PLATFORM: Readonly<Record<string, string>> = {
  Windows: "win32",
  Darwin: "darwin",
  Linux: "linux",
  AIX: "aix",
  Emscripten: "emscripten",
  Android: "android",
};

function lowerString(
  key: StringKey,
  op: MarkerOperator | "contains" | "not contains",
  value: string,
): NodeId | undefined {
  const keyIndex = CANONICAL_STRING_KEYS.indexOf(key);
  switch (op) {
    case "~=":
      return undefined;
    case "in":
    case "not in":
      return createNode(variable(CAT.IN, keyIndex, value), edgesFromBool(op === "in"));
    case "contains":
    case "not contains":
      return createNode(variable(CAT.CONTAINS, keyIndex, value), edgesFromBool(op === "contains"));
  }
  let k = key;
  let v = value;
  const mapped = key === "platform_system" ? PLATFORM_SYSTEM_TO_SYS_PLATFORM[value] : undefined;
  if (mapped !== undefined) {
    k = "sys_platform";
    v = mapped;
  }
  const lexicographic = k === "platform_release" || k === "platform_version";
  let range: Ranges<string>;
  switch (op) {
    case "==":
    case "===":
      range = singleton(v);
      break;
    case "!=":
      range = complement(STRINGS, singleton(v));
      break;
    case ">":
      range = lexicographic ? fromBounds(STRINGS, excl(v), unbounded()) : [];
      break;
    case ">=":
      range = lexicographic ? fromBounds(STRINGS, incl(v), unbounded()) : singleton(v);
      break;
    case "<":
      range = lexicographic ? fromBounds(STRINGS, unbounded(), excl(v)) : [];
      break;
    case "<=":
      range = lexicographic ? fromBounds(STRINGS, unbounded(), incl(v)) : singleton(v);
      break;
  }
  return createNode(variable(CAT.STRING, CANONICAL_STRING_KEYS.indexOf(k)), {
    type: "string",
    edges: edgesFromRange(STRINGS, range),
  });
}

const LIST_KEYS = { extras: 0, dependency_groups: 1 } as const;

/** Lowers one expression; `undefined` when uv ignores it (with a warning), e.g. `os_name ~= 'x'`. */
export function lowerExpression(e: MarkerExpression): NodeId | undefined {
  const inverted = e.left.type === "string";
  const key = e.left.type === "variable" ? e.left.name : e.right.type === "variable" ? e.right.name : undefined;
  const value = e.left.type === "string" ? e.left.value : e.right.type === "string" ? e.right.value : undefined;
  if (key === undefined || value === undefined) return undefined;
  switch (key) {
    case "python_version":
    case "python_full_version":
    case "implementation_version":
      return lowerVersion(key, e.op, value, inverted);
    case "extra": {
      if (e.op !== "==" && e.op !== "!=") return undefined;
      if (!isValidName(value)) return FALSE;
      return createNode(variable(CAT.EXTRA, 0, normalizeName(value)), edgesFromBool(e.op === "=="));
    }
    case "extras":
    case "dependency_groups": {
      if (e.op !== "in" && e.op !== "not in") return undefined;
      const pairKey = isValidName(value) ? LIST_KEYS[key] : 2 + LIST_KEYS[key];
      const pairValue = isValidName(value) ? normalizeName(value) : value;
      return createNode(variable(CAT.LIST, pairKey, pairValue), edgesFromBool(e.op === "in"));
    }
    default:
      return lowerString(key, inverted ? invert(e.op) : e.op, value);
  }
}

const cache = new WeakMap<MarkerTree, NodeId>();

function lowerOptional(t: MarkerTree): NodeId | undefined {
  switch (t.kind) {
    case "true":
      return TRUE;
    case "false":
      return FALSE;
    case "expr":
      return lowerExpression(t);
    case "and":
    case "or": {
      const parts: NodeId[] = [];
      for (const c of t.children) {
        const n = lowerTree(c, true);
        if (n !== undefined) parts.push(n);
      }
      return combine(parts, t.kind === "and" ? and : or);
    }
  }
}

/** Children up to this many are folded left to right, like uv's parser does. */
const FOLD_LIMIT = 32;

/**
 * The conjunction or disjunction of `parts`. uv folds left to right; that costs a quadratic number of
 * nodes for a long chain of distinct variables (`extra == 'a' or extra == 'b' or ...`), so a long list
 * is combined as a balanced tree instead, which gives the same node whenever the operands decide on at
 * most one of os_name, sys_platform and platform_system: every combination `and` removes as impossible
 * names two of them, so no removal can happen in either order, and without removals the algebra is
 * associative and its diagrams canonical. Other long lists are folded like uv's, to stay byte-identical.
 */
function combine(parts: NodeId[], op: (a: NodeId, b: NodeId) => NodeId): NodeId | undefined {
  if (parts.length === 0) return undefined;
  let platforms = 0;
  if (parts.length > FOLD_LIMIT) for (const p of parts) platforms |= platformVariables(p);
  if (parts.length <= FOLD_LIMIT || (platforms & (platforms - 1)) !== 0) {
    let acc = parts[0] as NodeId;
    for (let i = 1; i < parts.length; i++) acc = op(acc, parts[i] as NodeId);
    return acc;
  }
  let level = parts;
  while (level.length > 1) {
    const next: NodeId[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? op(level[i] as NodeId, level[i + 1] as NodeId) : (level[i] as NodeId));
    }
    level = next;
  }
  return level[0];
}

function lowerTree(t: MarkerTree, optional: boolean): NodeId | undefined {
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  const n = lowerOptional(t);
  if (n === undefined) return optional ? undefined : TRUE;
  cache.set(t, n);
  return n;
}

/**
 * The most edges lowering one marker may build (measured): a real marker builds a few dozen; 3,000
 * alternatives over distinct extras about 45,000; 3,000 `python_full_version == …` alternatives 82,000;
 * 500 `(os_name == … and sys_platform == …)` alternatives, which are folded left to right like uv does
 * at a quadratic cost, 256,000 (about 490 fit). Beyond it (or for a diagram that is exponential in the marker's length)
 * the marker is refused, in well under a second, instead of exhausting memory.
 */
export const MAX_LOWERING_EDGES = 250_000;

/**
 * The decision-diagram node of a marker tree (expressions uv ignores count as absent). Throws
 * TSPACK_MARKER_SYNTAX when the marker is too large to build (more than {@link MAX_LOWERING_EDGES}
 * edges, or a diagram deeper than the call stack).
 */
export function toNode(t: MarkerTree): NodeId {
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  try {
    return withWorkBudget(
      MAX_LOWERING_EDGES,
      () => lowerTree(t, false) ?? TRUE,
      () => markerTooComplex(`building it takes more than ${MAX_LOWERING_EDGES} decision-diagram edges`),
    );
  } catch (e) {
    throw tooDeep(e);
  }
}

/** Remembers the node of a tree built from a node (so round trips are free). */
export function rememberNode(t: MarkerTree, n: NodeId): void {
  cache.set(t, n);
}
