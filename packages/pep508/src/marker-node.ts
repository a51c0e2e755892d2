/**
 * Node-level marker algebra: operations on interned decision-diagram node ids. Equal markers get the
 * same id, so equality is `===`, and nothing is converted back to a tree or text until asked
 * ({@link markerNodeToTree}, {@link formatMarkerNode}, both memoized per node).
 */
import { parseSpecifiers } from "@tspack/pep440";
import {
  and,
  CAT,
  childIds,
  FALSE,
  type NodeId,
  nodeOf,
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
import { MARKER_FALSE, MARKER_TRUE, type MarkerTree } from "./marker-tree.js";
import { type Bound, boundingRange, full, intersection, type Ranges } from "./ranges.js";
import { tooDeep } from "./syntax-error.js";

declare const markerNodeBrand: unique symbol;

/**
 * An interned marker (a decision-diagram node id). Ids are only meaningful inside the running process;
 * two markers denote the same function exactly when their ids are equal.
 */
export type MarkerNode = number & { readonly [markerNodeBrand]: true };

/** The always-true node. */
export const MARKER_NODE_TRUE = TRUE as MarkerNode;

/** The always-false node. */
export const MARKER_NODE_FALSE = FALSE as MarkerNode;

/** The node of a marker tree (cached per tree object; expressions uv ignores count as absent). */
export function markerToNode(m: MarkerTree): MarkerNode {
  return toNode(m) as MarkerNode;
}

/** Conjunction (contradictions, including uv's impossible platform combinations, are false). */
export function markerNodeAnd(a: MarkerNode, b: MarkerNode): MarkerNode {
  try {
    return and(a, b) as MarkerNode;
  } catch (e) {
    throw tooDeep(e);
  }
}

/** Disjunction (tautologies are true). */
export function markerNodeOr(a: MarkerNode, b: MarkerNode): MarkerNode {
  try {
    return or(a, b) as MarkerNode;
  } catch (e) {
    throw tooDeep(e);
  }
}

/** Negation. */
export function markerNodeNot(a: MarkerNode): MarkerNode {
  return not(a) as MarkerNode;
}

/** True when no environment satisfies both nodes. */
export function markerNodesDisjoint(a: MarkerNode, b: MarkerNode): boolean {
  return markerNodeAnd(a, b) === FALSE;
}

const trees = new Map<NodeId, MarkerTree>();

function deepFreeze(t: MarkerTree): MarkerTree {
  if (t.kind === "and" || t.kind === "or") {
    for (const c of t.children) deepFreeze(c);
    Object.freeze(t.children);
  } else if (t.kind === "expr") {
    Object.freeze(t.left);
    Object.freeze(t.right);
  }
  return Object.freeze(t);
}

/**
 * The canonical tree of a node (DNF in uv's display order), memoized: the same node always gives the
 * same frozen tree object. True and false give {@link MARKER_TRUE} and {@link MARKER_FALSE}.
 */
export function markerNodeToTree(n: MarkerNode): MarkerTree {
  if (n === TRUE) return MARKER_TRUE;
  if (n === FALSE) return MARKER_FALSE;
  let t = trees.get(n);
  if (t === undefined) {
    t = deepFreeze(nodeToTree(n));
    rememberNode(t, n);
    trees.set(n, t);
  }
  return t;
}

/** uv's canonical marker text of a node (memoized): `""` for true, `python_version < '0'` for false. */
export function formatMarkerNode(n: MarkerNode): string {
  return displayNode(n);
}

/** Options of {@link simplifyMarkerNode}. */
export interface SimplifyMarkerNodeOptions {
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

interface PythonBounds {
  readonly bounds: { readonly lo: Bound<Release>; readonly hi: Bound<Release> } | undefined;
  readonly memo: Map<NodeId, NodeId>;
}
const simplified = new Map<string, PythonBounds>();

/**
 * uv's `SimplifiedMarkerTree` on a node: drops `python_full_version` bounds implied by `requiresPython`
 * (memoized per requires-python text and node). Throws TSPACK_VERSION_INVALID on an invalid `requiresPython`.
 */
export function simplifyMarkerNode(n: MarkerNode, options: SimplifyMarkerNodeOptions = {}): MarkerNode {
  const rp = options.requiresPython;
  if (rp === undefined || rp.trim() === "") return n;
  let py = simplified.get(rp);
  if (py === undefined) {
    const b = boundingRange(requiresPythonRange(rp));
    py = { bounds: b === undefined ? undefined : { lo: b.lo, hi: b.hi }, memo: new Map() };
    simplified.set(rp, py);
  }
  if (py.bounds === undefined) return MARKER_NODE_FALSE;
  let out = py.memo.get(n);
  if (out === undefined) {
    try {
      out = simplifyPythonVersions(n, py.bounds.lo, py.bounds.hi);
    } catch (e) {
      throw tooDeep(e);
    }
    py.memo.set(n, out);
  }
  return out as MarkerNode;
}

/**
 * Replaces `extra == 'x'` decisions by true/false where `decide(x)` returns a boolean (`x` is the
 * normalized extra name, including uv's encoded conflict extras); `undefined` keeps the decision.
 */
export function resolveExtrasNode(n: MarkerNode, decide: (extra: string) => boolean | undefined): MarkerNode {
  try {
    return restrictBy(n, (v) => (v.cat === CAT.EXTRA ? decide(v.value) : undefined)) as MarkerNode;
  } catch (e) {
    throw tooDeep(e);
  }
}

const extrasOf = new Map<NodeId, readonly string[]>();

/** The normalized names of the `extra` variables the node decides on, sorted and distinct (memoized). */
export function markerNodeExtras(n: MarkerNode): readonly string[] {
  const id = (n & ~1) as NodeId;
  if (id === TRUE) return [];
  const hit = extrasOf.get(id);
  if (hit !== undefined) return hit;
  const names = new Set<string>();
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [id];
  while (stack.length > 0) {
    const base = (stack.pop() as NodeId) & ~1;
    if (base === TRUE || seen.has(base)) continue;
    seen.add(base);
    const node = nodeOf(base);
    if (node.v.cat === CAT.EXTRA) names.add(node.v.value);
    for (const c of childIds(node.e)) stack.push(c);
  }
  const out = Object.freeze([...names].sort());
  extrasOf.set(id, out);
  return out;
}
