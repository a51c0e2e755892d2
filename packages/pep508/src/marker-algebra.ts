import { parseSpecifiers } from "@tspack/pep440";
import {
  and,
  CAT,
  FALSE,
  type NodeId,
  not,
  or,
  type Release,
  restrictBy,
  simplifyPythonVersions,
  TRUE,
  VERSIONS,
} from "./algebra-core.js";
import { displayNode, nodeToTree } from "./dnf.js";
import { rememberNode, specifierToRange, toNode, type VersionOp } from "./lowering.js";
import type { MarkerTree } from "./marker-tree.js";
import { boundingRange, full, intersection, type Ranges, unbounded } from "./ranges.js";

function canonical(n: NodeId): MarkerTree {
  const t = nodeToTree(n);
  rememberNode(t, n);
  return t;
}

/** Conjunction in canonical form (semantic: contradictions become {@link MARKER_FALSE}). */
export function markerAnd(a: MarkerTree, b: MarkerTree): MarkerTree {
  return canonical(and(toNode(a), toNode(b)));
}

/** Disjunction in canonical form (semantic: tautologies become {@link MARKER_TRUE}). */
export function markerOr(a: MarkerTree, b: MarkerTree): MarkerTree {
  return canonical(or(toNode(a), toNode(b)));
}

/** Negation in canonical form. */
export function markerNot(m: MarkerTree): MarkerTree {
  return canonical(not(toNode(m)));
}

/** The canonical form of a marker (the tree {@link formatMarker} prints). */
export function canonicalizeMarker(m: MarkerTree): MarkerTree {
  return canonical(toNode(m));
}

/** True when the marker holds in every environment (after uv's simplification). */
export function isMarkerTrue(m: MarkerTree): boolean {
  return toNode(m) === TRUE;
}

/** True when no environment satisfies the marker (after uv's simplification). */
export function isMarkerFalse(m: MarkerTree): boolean {
  return toNode(m) === FALSE;
}

/** True when both markers denote the same function (same canonical diagram). */
export function markersEqual(a: MarkerTree, b: MarkerTree): boolean {
  return toNode(a) === toNode(b);
}

/** True when no environment satisfies both markers. */
export function markersDisjoint(a: MarkerTree, b: MarkerTree): boolean {
  return and(toNode(a), toNode(b)) === FALSE;
}

/** Options of {@link simplifyMarker}. */
export interface SimplifyMarkerOptions {
  /** The lock's `requires-python` specifier set (e.g. `>=3.12`); bounds it implies are dropped. */
  requiresPython?: string;
}

function requiresPythonRange(spec: string): Ranges<Release> {
  let range: Ranges<Release> = full();
  for (const s of parseSpecifiers(spec)) {
    if (s.operator === "===" || s.parsed === undefined) continue;
    const op: VersionOp = s.wildcard ? (s.operator === "==" ? "==*" : "!=*") : s.operator;
    range = intersection(VERSIONS, range, specifierToRange({ op, release: s.parsed.release }));
  }
  return range;
}

/**
 * uv's `SimplifiedMarkerTree`: drops `python_full_version` bounds implied by `requiresPython`
 * (`python_full_version >= '3.8' and python_full_version < '3.12'` under `>=3.8` → `python_full_version < '3.12'`).
 * Throws TSPACK_VERSION_INVALID on an invalid `requiresPython`.
 */
export function simplifyMarker(m: MarkerTree, options: SimplifyMarkerOptions = {}): MarkerTree {
  const n = toNode(m);
  if (options.requiresPython === undefined || options.requiresPython.trim() === "") return canonical(n);
  const b = boundingRange(requiresPythonRange(options.requiresPython));
  if (b === undefined) return canonical(FALSE);
  return canonical(simplifyPythonVersions(n, b.lo ?? unbounded(), b.hi ?? unbounded()));
}

/**
 * Replaces `extra == 'x'` terms by true/false where `decide(x)` returns a boolean (`x` is the normalized
 * extra name, including uv's encoded conflict extras such as `extra-7-project-foo`); `undefined` keeps it.
 */
export function resolveExtras(m: MarkerTree, decide: (extra: string) => boolean | undefined): MarkerTree {
  return canonical(restrictBy(toNode(m), (v) => (v.cat === CAT.EXTRA ? decide(v.value) : undefined)));
}

/**
 * uv's canonical marker text (`impl Display for MarkerTree`): DNF, `python_version` as
 * `python_full_version`, single quotes, uv's term/clause order. Always-true prints `""` (omit the marker),
 * always-false prints `python_version < '0'`.
 */
export function formatMarker(m: MarkerTree): string {
  return displayNode(toNode(m));
}
