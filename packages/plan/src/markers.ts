/**
 * The marker algebra of the selection, on interned decision-diagram nodes (@tspack/pep508's node
 * API): a parse cache keyed by marker string, equality by `===`, and the substitution of `extra`
 * variables by markers that uv's export needs (`resolve_activated_extras`). Nothing is turned back into
 * a tree or text until a selected package is emitted. Internal to the plan package.
 */
import {
  formatMarkerNode,
  MARKER_NODE_FALSE,
  MARKER_NODE_TRUE,
  type MarkerNode,
  type MarkerTree,
  markerNodeAnd,
  markerNodeExtras,
  markerNodeNot,
  markerNodeOr,
  markerNodeToTree,
  markerToNode,
  parseMarker,
  resolveExtrasNode,
  simplifyMarkerNode,
} from "@tspack/pep508";

/** A marker as plain data (what {@link SelectedPackage.marker} holds). */
export type Marker = MarkerTree;

/** A marker during selection: an interned node (equal markers are `===`). */
export type Node = MarkerNode;

/** Always true. */
export const TRUE: Node = MARKER_NODE_TRUE;
/** Always false. */
export const FALSE: Node = MARKER_NODE_FALSE;

/** Parses marker strings once each; the lock repeats the same few markers many times. */
export class MarkerCache {
  readonly #parsed = new Map<string, Node>();

  /** The node of a marker string; "" and undefined are `true`. */
  parse(text: string | undefined): Node {
    if (text === undefined || text === "") return TRUE;
    let m = this.#parsed.get(text);
    if (m === undefined) {
      m = markerToNode(parseMarker(text));
      this.#parsed.set(text, m);
    }
    return m;
  }

  /** uv's canonical display ("" for true), memoized per node. */
  format(m: Node): string {
    return formatMarkerNode(m);
  }

  /** The canonical marker tree of a node (memoized, shared and frozen). */
  tree(m: Node): Marker {
    return markerNodeToTree(m);
  }

  /**
   * Replaces every `extra == 'x'` by `lookup(x)` (and `extra != 'x'` by its negation). Extras for which
   * `lookup` returns undefined are false, like uv's `resolve_activated_extras`.
   */
  substituteExtras(m: Node, lookup: (extra: string) => Node | undefined): Node {
    let out = m;
    for (const name of markerNodeExtras(m)) {
      const c = lookup(name) ?? FALSE;
      const m1 = resolveExtrasNode(out, (e) => (e === name ? true : undefined));
      const m0 = resolveExtrasNode(out, (e) => (e === name ? false : undefined));
      if (c === TRUE) out = m1;
      else if (c === FALSE || m0 === m1) out = m0;
      else out = or(and(c, m1), and(markerNodeNot(c), m0));
    }
    return out;
  }

  /** Existential projection of the extras (uv's `without_extras` for fork markers). */
  withoutExtras(m: Node): Node {
    let out = m;
    for (const name of markerNodeExtras(m)) {
      const m1 = resolveExtrasNode(out, (e) => (e === name ? true : undefined));
      const m0 = resolveExtrasNode(out, (e) => (e === name ? false : undefined));
      out = or(m1, m0);
    }
    return out;
  }

  /** Removes python bounds implied by requires-python (uv's simplified markers). */
  simplify(m: Node, requiresPython: string | undefined): Node {
    if (requiresPython === undefined || m === TRUE || m === FALSE) return m;
    return simplifyMarkerNode(m, { requiresPython });
  }
}

/** Conjunction with true/false/equal fast paths (the algebra memoizes the rest). */
export function and(a: Node, b: Node): Node {
  if (a === b || a === TRUE || b === FALSE) return b;
  if (b === TRUE || a === FALSE) return a;
  return markerNodeAnd(a, b);
}

/** Disjunction with true/false/equal fast paths. */
export function or(a: Node, b: Node): Node {
  if (a === b || a === FALSE || b === TRUE) return b;
  if (b === FALSE || a === TRUE) return a;
  return markerNodeOr(a, b);
}
