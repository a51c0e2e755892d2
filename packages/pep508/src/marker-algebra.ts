import {
  formatMarkerNode,
  MARKER_NODE_FALSE,
  MARKER_NODE_TRUE,
  markerNodeAnd,
  markerNodeNot,
  markerNodeOr,
  markerNodeToTree,
  markerToNode as node,
  resolveExtrasNode,
  simplifyMarkerNode,
} from "./marker-node.js";
import type { MarkerTree } from "./marker-tree.js";

/** Conjunction in canonical form (semantic: contradictions become {@link MARKER_FALSE}). */
export function markerAnd(a: MarkerTree, b: MarkerTree): MarkerTree {
  return markerNodeToTree(markerNodeAnd(node(a), node(b)));
}

/** Disjunction in canonical form (semantic: tautologies become {@link MARKER_TRUE}). */
export function markerOr(a: MarkerTree, b: MarkerTree): MarkerTree {
  return markerNodeToTree(markerNodeOr(node(a), node(b)));
}

/** Negation in canonical form. */
export function markerNot(m: MarkerTree): MarkerTree {
  return markerNodeToTree(markerNodeNot(node(m)));
}

/** The canonical form of a marker (the tree {@link formatMarker} prints). */
export function canonicalizeMarker(m: MarkerTree): MarkerTree {
  return markerNodeToTree(node(m));
}

/** True when the marker holds in every environment (after uv's simplification). */
export function isMarkerTrue(m: MarkerTree): boolean {
  return node(m) === MARKER_NODE_TRUE;
}

/** True when no environment satisfies the marker (after uv's simplification). */
export function isMarkerFalse(m: MarkerTree): boolean {
  return node(m) === MARKER_NODE_FALSE;
}

/** True when both markers denote the same function (same canonical diagram). */
export function markersEqual(a: MarkerTree, b: MarkerTree): boolean {
  return node(a) === node(b);
}

/** True when no environment satisfies both markers. */
export function markersDisjoint(a: MarkerTree, b: MarkerTree): boolean {
  return markerNodeAnd(node(a), node(b)) === MARKER_NODE_FALSE;
}

/** Options of {@link simplifyMarker}. */
export interface SimplifyMarkerOptions {
  /** The lock's `requires-python` specifier set (e.g. `>=3.12`); bounds it implies are dropped. */
  requiresPython?: string;
}

/**
 * uv's `SimplifiedMarkerTree`: drops `python_full_version` bounds implied by `requiresPython`
 * (`python_full_version >= '3.8' and python_full_version < '3.12'` under `>=3.8` → `python_full_version < '3.12'`).
 * Throws TSPACK_VERSION_INVALID on an invalid `requiresPython`.
 */
export function simplifyMarker(m: MarkerTree, options: SimplifyMarkerOptions = {}): MarkerTree {
  return markerNodeToTree(simplifyMarkerNode(node(m), options));
}

/**
 * Replaces `extra == 'x'` terms by true/false where `decide(x)` returns a boolean (`x` is the normalized
 * extra name, including uv's encoded conflict extras such as `extra-7-project-foo`); `undefined` keeps it.
 */
export function resolveExtras(m: MarkerTree, decide: (extra: string) => boolean | undefined): MarkerTree {
  return markerNodeToTree(resolveExtrasNode(node(m), decide));
}

/**
 * uv's canonical marker text (`impl Display for MarkerTree`): DNF, `python_version` as
 * `python_full_version`, single quotes, uv's term/clause order. Always-true prints `""` (omit the marker),
 * always-false prints `python_version < '0'`.
 */
export function formatMarker(m: MarkerTree): string {
  return formatMarkerNode(node(m));
}
