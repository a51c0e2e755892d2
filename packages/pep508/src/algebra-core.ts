/**
 * A TypeScript port of uv's marker algebra (`crates/uv-pep508/src/marker/algebra.rs`): a reduced,
 * ordered algebraic decision diagram with complemented edges, interned globally so that equivalent
 * markers get the same node id. Versions are release-only with trailing zeros trimmed (like uv's
 * `only_release_trimmed`), strings compare by code point.
 */
import {
  type Bound,
  boundingRange,
  canConjoin,
  compareStart,
  complement,
  conjoin,
  contains,
  type Domain,
  excl,
  forEachOverlap,
  fromBounds,
  incl,
  intersect,
  intersection,
  type Ranges,
  rangesKey,
  type Segment,
  unbounded,
} from "./ranges.js";

/** A trimmed release-only version (`[3, 12]`). */
export type Release = readonly number[];

/** Ordering of release tuples (zero padded). */
export function compareRelease(a: Release, b: Release): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Code point order (Rust `str` order). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
}

/** The version domain. */
export const VERSIONS: Domain<Release> = { cmp: compareRelease, key: (v) => v.join(".") };
/** The string domain. */
export const STRINGS: Domain<string> = { cmp: compareCodePoints, key: (v) => JSON.stringify(v) };

/** uv's `CanonicalMarkerValueString` order (also the decision-diagram variable order). */
export const CANONICAL_STRING_KEYS = [
  "os_name",
  "sys_platform",
  "platform_system",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_version",
  "implementation_name",
] as const;
/** A canonical string key. */
export type StringKey = (typeof CANONICAL_STRING_KEYS)[number];
/** uv's `CanonicalMarkerValueVersion` order. */
export const VERSION_KEYS = ["implementation_version", "python_full_version"] as const;
/** A canonical version key. */
export type VersionKey = (typeof VERSION_KEYS)[number];
/** The list keys. */
export type ListKey = "extras" | "dependency_groups";

/** Variable categories in uv's `enum Variable` order. */
export const CAT = { STRING: 0, VERSION: 1, IN: 2, CONTAINS: 3, EXTRA: 4, LIST: 5 } as const;

/** A decision variable. `key` indexes CANONICAL_STRING_KEYS / VERSION_KEYS / list keys. */
export interface Variable {
  readonly cat: number;
  readonly key: number;
  readonly value: string;
  readonly id: string;
}

/** Creates a variable. */
export function variable(cat: number, key: number, value = ""): Variable {
  return { cat, key, value, id: `${cat}:${key}:${value}` };
}

function compareVariables(a: Variable, b: Variable): number {
  if (a.cat !== b.cat) return a.cat < b.cat ? -1 : 1;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return compareCodePoints(a.value, b.value);
}

/** A node id: 0 = true, 1 = false, else `(index + 1) << 1 | complement`. */
export type NodeId = number;
/** The true terminal. */
export const TRUE: NodeId = 0;
/** The false terminal. */
export const FALSE: NodeId = 1;

/** Complement. */
export function not(id: NodeId): NodeId {
  return id ^ 1;
}

/** A child id seen through its (possibly complemented) parent. */
export function negate(child: NodeId, parent: NodeId): NodeId {
  return (parent & 1) === 1 ? child ^ 1 : child;
}

/** Range edges of a version or string node. */
export type RangeEdges<T> = readonly (readonly [Ranges<T>, NodeId])[];

/** The children of a node. */
export type Edges =
  | { readonly type: "version"; readonly edges: RangeEdges<Release> }
  | { readonly type: "string"; readonly edges: RangeEdges<string> }
  | { readonly type: "bool"; readonly high: NodeId; readonly low: NodeId };

/** A decision node. */
export interface Node {
  readonly v: Variable;
  readonly e: Edges;
}

const nodes: Node[] = [];
const unique = new Map<string, number>();
/** Conjunction memo keyed by {@link pairKey} (numbers: no string building on the hot path). */
type PairCache = Map<number | string, NodeId>;
const andCache: PairCache = new Map();
let exclusionsNode: NodeId | undefined;

const PAIR_SHIFT = 0x4000000; // 2^26: both ids below it give an exact integer key below 2^52

/** A memo key for an unordered pair of node ids (conjunction is commutative). */
function pairKey(x: NodeId, y: NodeId): number | string {
  const lo = x < y ? x : y;
  const hi = x < y ? y : x;
  return hi < PAIR_SHIFT ? lo * PAIR_SHIFT + hi : `${lo},${hi}`;
}

/** The node behind an id (ignoring the complement bit). */
export function nodeOf(id: NodeId): Node {
  const n = nodes[(id >> 1) - 1];
  if (n === undefined) throw new Error(`marker algebra: unknown node ${id}`);
  return n;
}

/** The direct children (not negated by the parent). */
export function childIds(e: Edges): NodeId[] {
  return e.type === "bool" ? [e.high, e.low] : e.edges.map(([, n]) => n);
}

function notEdges(e: Edges): Edges {
  if (e.type === "bool") return { type: "bool", high: e.high ^ 1, low: e.low ^ 1 };
  if (e.type === "version") return { type: "version", edges: e.edges.map(([r, n]) => [r, n ^ 1] as const) };
  return { type: "string", edges: e.edges.map(([r, n]) => [r, n ^ 1] as const) };
}

function edgesKey(e: Edges): string {
  if (e.type === "bool") return `b${e.high},${e.low}`;
  if (e.type === "version") return `v${e.edges.map(([r, n]) => `${rangesKey(VERSIONS, r)}>${n}`).join(";")}`;
  return `s${e.edges.map(([r, n]) => `${rangesKey(STRINGS, r)}>${n}`).join(";")}`;
}

/** Edges {@link createNode} may still build before {@link withWorkBudget}'s limit is reached. */
let budget = Number.POSITIVE_INFINITY;

/**
 * Runs `f` with a limit on the work of the algebra (the edges of the nodes it builds), calling
 * `exceeded` to get the error to throw when it is crossed. A marker of thousands of alternatives over
 * os_name and sys_platform costs a quadratic number of nodes (the left fold uv does), which would
 * exhaust memory; real markers build a few dozen edges. Nested calls share the outer limit.
 */
export function withWorkBudget<T>(limit: number, f: () => T, exceeded: () => Error): T {
  const outer = budget;
  const start = Math.min(outer, limit);
  budget = start;
  try {
    return f();
  } catch (e) {
    // The outer limit, when it is the stricter one, reports its own error.
    if (e === BUDGET_EXCEEDED && start === limit) throw exceeded();
    throw e;
  } finally {
    budget = outer === Number.POSITIVE_INFINITY ? outer : outer - (start - budget);
  }
}

const BUDGET_EXCEEDED = new Error("marker algebra: work budget exceeded");

/** Interns a node, applying the reduction rules (uv's `create_node`). */
export function createNode(v: Variable, children: Edges): NodeId {
  if (budget !== Number.POSITIVE_INFINITY) {
    budget -= children.type === "bool" ? 2 : children.edges.length;
    if (budget < 0) throw BUDGET_EXCEEDED;
  }
  let e = children;
  let first = childIds(e)[0] ?? TRUE;
  let flipped = false;
  if ((first & 1) === 1) {
    e = notEdges(e);
    first ^= 1;
    flipped = true;
  }
  if (childIds(e).every((c) => c === first)) return flipped ? first ^ 1 : first;
  const key = `${v.id}#${edgesKey(e)}`;
  let index = unique.get(key);
  if (index === undefined) {
    nodes.push({ v, e });
    index = nodes.length - 1;
    unique.set(key, index);
  }
  const id = (index + 1) << 1;
  return flipped ? id ^ 1 : id;
}

/** Edges for a range: true inside, false outside, sorted by start (uv's `from_range`). */
export function edgesFromRange<T>(d: Domain<T>, r: Ranges<T>): RangeEdges<T> {
  const out: [Ranges<T>, NodeId][] = [];
  for (const s of r) out.push([[s], TRUE]);
  for (const s of complement(d, r)) out.push([[s], FALSE]);
  out.sort((a, b) => compareStart(d, a[0], b[0]));
  return out;
}

/** Boolean edges: `extra == 'x'` is `from_bool(true)`. */
export function edgesFromBool(positive: boolean): Edges {
  return positive ? { type: "bool", high: TRUE, low: FALSE } : { type: "bool", high: FALSE, low: TRUE };
}

function mapEdges(e: Edges, parent: NodeId, f: (n: NodeId) => NodeId): Edges {
  if (e.type === "bool") return { type: "bool", high: f(negate(e.high, parent)), low: f(negate(e.low, parent)) };
  if (e.type === "version") {
    return { type: "version", edges: e.edges.map(([r, n]) => [r, f(negate(n, parent))] as const) };
  }
  return { type: "string", edges: e.edges.map(([r, n]) => [r, f(negate(n, parent))] as const) };
}

function applyRanges<T>(
  d: Domain<T>,
  left: RangeEdges<T>,
  lp: NodeId,
  right: RangeEdges<T>,
  rp: NodeId,
  f: (a: NodeId, b: NodeId) => NodeId,
): RangeEdges<T> {
  const combined: [Ranges<T>, NodeId][] = [];
  forEachOverlap(d, left, right, (i, j) => {
    const [lr, lc] = left[i] as readonly [Ranges<T>, NodeId];
    const [rr, rc] = right[j] as readonly [Ranges<T>, NodeId];
    const inter = intersect(d, rr, lr);
    if (inter.length === 0) return false;
    const node = f(negate(lc, lp), negate(rc, rp));
    const last = combined[combined.length - 1];
    if (last !== undefined && last[1] === node && canConjoin(d, last[0], inter)) {
      last[0] = conjoin(d, last[0], inter);
    } else {
      combined.push([inter, node]);
    }
    return false;
  });
  return combined;
}

function applyEdges(a: Edges, ap: NodeId, b: Edges, bp: NodeId, f: (x: NodeId, y: NodeId) => NodeId): Edges {
  if (a.type === "version" && b.type === "version") {
    return { type: "version", edges: applyRanges(VERSIONS, a.edges, ap, b.edges, bp, f) };
  }
  if (a.type === "string" && b.type === "string") {
    return { type: "string", edges: applyRanges(STRINGS, a.edges, ap, b.edges, bp, f) };
  }
  if (a.type === "bool" && b.type === "bool") {
    return {
      type: "bool",
      high: f(negate(a.high, ap), negate(b.high, bp)),
      low: f(negate(a.low, ap), negate(b.low, bp)),
    };
  }
  throw new Error("marker algebra: cannot merge edges of different types");
}

function isConflicting(v: Variable): boolean {
  return v.cat === CAT.STRING && v.key <= 2;
}

const platformMasks = new Map<NodeId, number>();

/**
 * Which of os_name (1), sys_platform (2) and platform_system (4) the node decides on: the variables whose
 * impossible combinations {@link and} removes. They come first in the variable order, so only the top
 * of the diagram is walked (memoized per node).
 */
export function platformVariables(id: NodeId): number {
  const base = id & ~1;
  if (base === TRUE) return 0;
  const known = platformMasks.get(base);
  if (known !== undefined) return known;
  let mask = 0;
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [base];
  while (stack.length > 0) {
    const x = (stack.pop() as NodeId) & ~1;
    if (x === TRUE || seen.has(x)) continue;
    seen.add(x);
    const n = nodeOf(x);
    if (!isConflicting(n.v)) continue;
    mask |= 1 << n.v.key;
    for (const c of childIds(n.e)) stack.push(c);
  }
  platformMasks.set(base, mask);
  return mask;
}

function conjunction(x: NodeId, y: NodeId, cache: PairCache, checkConflicts: boolean, shortcut = true): NodeId {
  if (x === TRUE) return y;
  if (y === TRUE) return x;
  if (x === y) return x;
  if (x === FALSE || y === FALSE) return FALSE;
  if ((x ^ 1) === y) return FALSE;
  const key = pairKey(x, y);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const xn = nodeOf(x);
  const yn = nodeOf(y);
  const conflicts = checkConflicts && isConflicting(xn.v) && isConflicting(yn.v);
  const c = compareVariables(xn.v, yn.v);
  const rec = (a: NodeId, b: NodeId) => conjunction(a, b, cache, checkConflicts, shortcut);
  let node: NodeId;
  if (c < 0)
    node = createNode(
      xn.v,
      mapEdges(xn.e, x, (n) => rec(n, y)),
    );
  else if (c > 0)
    node = createNode(
      yn.v,
      mapEdges(yn.e, y, (n) => rec(n, x)),
    );
  else node = createNode(xn.v, applyEdges(xn.e, x, yn.e, y, rec));
  if (
    conflicts &&
    node !== FALSE &&
    !(shortcut && satisfiableOutsideExclusions(node)) &&
    disjointness(node, not(exclusions()))
  ) {
    node = FALSE;
  }
  cache.set(key, node);
  return node;
}

/** A value of os_name, sys_platform and platform_system that no known-impossible combination names. */
const OUTSIDE_EXCLUSIONS = "";

/**
 * A cheap sufficient test that a node is not inside {@link exclusions} (so the exclusion check cannot
 * change it): the node is satisfiable with os_name, sys_platform and platform_system all set to a value
 * the exclusions do not name. Those three are the first variables of the order, so the walk follows one
 * edge per level and stops at the first other variable (any non-false node is satisfiable).
 */
function satisfiableOutsideExclusions(id: NodeId): boolean {
  let x = id;
  for (;;) {
    if (x === TRUE) return true;
    if (x === FALSE) return false;
    const n = nodeOf(x);
    if (!isConflicting(n.v)) return true;
    if (n.e.type !== "string") return false;
    const edge = n.e.edges.find(([r]) => contains(STRINGS, r, OUTSIDE_EXCLUSIONS));
    if (edge === undefined) return false;
    x = negate(edge[1], x);
  }
}

/** Conjunction (uv's `and`, including the known-impossible platform combinations). */
export function and(x: NodeId, y: NodeId): NodeId {
  return conjunction(x, y, andCache, true);
}

/** {@link and} without the shortcut that skips the exclusion check (only for tests: same results). */
export function andWithFullExclusionCheck(x: NodeId, y: NodeId): NodeId {
  return conjunction(x, y, new Map(), true, false);
}

/** Disjunction via De Morgan. */
export function or(x: NodeId, y: NodeId): NodeId {
  return not(and(not(x), not(y)));
}

function disjointRanges<T>(d: Domain<T>, left: RangeEdges<T>, lp: NodeId, right: RangeEdges<T>, rp: NodeId): boolean {
  let disjoint = true;
  forEachOverlap(d, left, right, (i, j) => {
    const lc = (left[i] as readonly [Ranges<T>, NodeId])[1];
    const rc = (right[j] as readonly [Ranges<T>, NodeId])[1];
    if (disjointness(negate(lc, lp), negate(rc, rp))) return false;
    disjoint = false;
    return true;
  });
  return disjoint;
}

/** True when no environment satisfies both (without the platform-exclusion knowledge). */
export function disjointness(x: NodeId, y: NodeId): boolean {
  if (x === FALSE || y === FALSE) return true;
  if (x === TRUE || y === TRUE) return false;
  if (x === y) return false;
  if ((x ^ 1) === y) return true;
  const xn = nodeOf(x);
  const yn = nodeOf(y);
  const c = compareVariables(xn.v, yn.v);
  if (c < 0) return childIds(xn.e).every((n) => disjointness(negate(n, x), y));
  if (c > 0) return childIds(yn.e).every((n) => disjointness(negate(n, y), x));
  const a = xn.e;
  const b = yn.e;
  if (a.type === "version" && b.type === "version") return disjointRanges(VERSIONS, a.edges, x, b.edges, y);
  if (a.type === "string" && b.type === "string") return disjointRanges(STRINGS, a.edges, x, b.edges, y);
  if (a.type === "bool" && b.type === "bool") {
    return disjointness(negate(a.high, x), negate(b.high, y)) && disjointness(negate(a.low, x), negate(b.low, y));
  }
  return false;
}

/**
 * A string node on canonical key `key` that sends each listed value to its node and every other value
 * to `otherwise`: the same maximal-run edges the conjunction/disjunction of `key == value` nodes
 * produces, so the node is interned identically.
 */
function stringPoints(key: number, points: ReadonlyMap<string, NodeId>, otherwise: NodeId): NodeId {
  const edges: [Ranges<string>, NodeId][] = [];
  const push = (lo: Bound<string>, hi: Bound<string>, child: NodeId): void => {
    const last = edges[edges.length - 1];
    if (last !== undefined && last[1] === child) last[0] = [{ lo: (last[0][0] as Segment<string>).lo, hi }];
    else edges.push([[{ lo, hi }], child]);
  };
  let lo: Bound<string> = unbounded();
  for (const value of [...points.keys()].sort(compareCodePoints)) {
    push(lo, excl(value), otherwise);
    push(incl(value), incl(value), points.get(value) as NodeId);
    lo = excl(value);
  }
  push(lo, unbounded(), otherwise);
  return createNode(variable(CAT.STRING, key), { type: "string", edges });
}

const EXCLUDED_SYSTEMS = ["FreeBSD", "NetBSD", "OpenBSD", "SunOS", "iOS", "iPadOS"];
const EXCLUDED_PLATFORMS = ["aix", "android", "emscripten", "ios", "linux", "darwin", "win32", "cygwin", "wasi"];

/**
 * The disjunction of known-impossible combinations (uv's `exclusions`), built directly as an
 * os_name → sys_platform → platform_system diagram (six node creations instead of 60 disjunctions: this
 * runs in every process that combines platform markers). The impossible combinations: `os_name == 'nt'`
 * with linux/darwin/ios, `os_name == 'posix'` with win32, and the BSD/SunOS/iOS/iPadOS
 * `platform_system` values with any listed `sys_platform` except iOS/iPadOS with ios.
 */
function exclusions(): NodeId {
  if (exclusionsNode !== undefined) return exclusionsNode;
  const [os, sp, ps] = (["os_name", "sys_platform", "platform_system"] as const).map((k) =>
    CANONICAL_STRING_KEYS.indexOf(k),
  ) as [number, number, number];
  const anySystem = stringPoints(ps, new Map(EXCLUDED_SYSTEMS.map((s) => [s, TRUE])), FALSE);
  const notIosSystem = stringPoints(
    ps,
    new Map(EXCLUDED_SYSTEMS.filter((s) => s !== "iOS" && s !== "iPadOS").map((s) => [s, TRUE])),
    FALSE,
  );
  const platforms = (impossible: readonly string[]): NodeId =>
    stringPoints(
      sp,
      new Map(
        EXCLUDED_PLATFORMS.map((p) => [p, impossible.includes(p) ? TRUE : p === "ios" ? notIosSystem : anySystem]),
      ),
      FALSE,
    );
  const byOs = new Map([
    ["nt", platforms(["linux", "darwin", "ios"])],
    ["posix", platforms(["win32"])],
  ]);
  exclusionsNode = stringPoints(os, byOs, platforms([]));
  return exclusionsNode;
}

/** A `key == value` string node without the platform_system normalization. */
function stringEquals(key: StringKey, value: string): NodeId {
  const d = STRINGS;
  return createNode(variable(CAT.STRING, CANONICAL_STRING_KEYS.indexOf(key)), {
    type: "string",
    edges: edgesFromRange(d, [{ lo: { t: "i", v: value }, hi: { t: "i", v: value } }]),
  });
}

/**
 * uv's `exclusions` computed the way uv does (60 disjunctions of conjunctions). Only for tests: it must
 * give the same node as the direct construction used by {@link and}.
 */
export function exclusionsByDisjunction(): NodeId {
  const cache: PairCache = new Map();
  const conj = (a: NodeId, b: NodeId) => conjunction(a, b, cache, false);
  const disj = (a: NodeId, b: NodeId) => not(conj(not(a), not(b)));
  const osNt = stringEquals("os_name", "nt");
  const osPosix = stringEquals("os_name", "posix");
  const sp = (v: string) => stringEquals("sys_platform", v);
  const ps = (v: string) => stringEquals("platform_system", v);
  const pairs: [NodeId, NodeId][] = [
    [osNt, sp("linux")],
    [osNt, sp("darwin")],
    [osNt, sp("ios")],
    [osPosix, sp("win32")],
  ];
  for (const sys of EXCLUDED_SYSTEMS) {
    for (const p of EXCLUDED_PLATFORMS) {
      if (p === "ios" && (sys === "iOS" || sys === "iPadOS")) continue;
      pairs.push([ps(sys), sp(p)]);
    }
  }
  let tree = FALSE;
  for (const [a, b] of pairs) tree = disj(tree, conj(a, b));
  return tree;
}

/** The node {@link and} uses for uv's `exclusions` (exported for tests). */
export function exclusionsNodeId(): NodeId {
  return exclusions();
}

/** Fixes boolean variables where `f` returns a value (uv's `restrict_by`; shared subgraphs are visited once). */
export function restrictBy(id: NodeId, f: (v: Variable) => boolean | undefined): NodeId {
  const memo = new Map<NodeId, NodeId>();
  const go = (x: NodeId): NodeId => {
    if (x === TRUE || x === FALSE) return x;
    // Restriction commutes with complement: work on the regular node, flip the result.
    const base = x & ~1;
    let r = memo.get(base);
    if (r === undefined) {
      const n = nodeOf(base);
      const value = n.e.type === "bool" ? f(n.v) : undefined;
      if (n.e.type === "bool" && value !== undefined) r = go(value ? n.e.high : n.e.low);
      else r = createNode(n.v, mapEdges(n.e, base, go));
      memo.set(base, r);
    }
    return (x & 1) === 1 ? r ^ 1 : r;
  };
  return go(id);
}

/**
 * Drops `python_full_version` decisions implied by the bounds (uv's `simplify_python_versions`,
 * used for requires-python).
 */
export function simplifyPythonVersions(
  id: NodeId,
  lower: Bound<Release>,
  upper: Bound<Release>,
  memo = new Map<NodeId, NodeId>(),
): NodeId {
  if (id === TRUE || id === FALSE || (lower.t === "u" && upper.t === "u")) return id;
  // Memoized per node: a diagram shares subgraphs, and its paths can be exponentially many.
  const known = memo.get(id);
  if (known !== undefined) return known;
  const out = simplifyPythonVersionsOf(id, lower, upper, memo);
  memo.set(id, out);
  return out;
}

function simplifyPythonVersionsOf(
  id: NodeId,
  lower: Bound<Release>,
  upper: Bound<Release>,
  memo: Map<NodeId, NodeId>,
): NodeId {
  const n = nodeOf(id);
  if (!(n.v.cat === CAT.VERSION && n.v.key === 1 && n.e.type === "version")) {
    return createNode(
      n.v,
      mapEdges(n.e, id, (c) => simplifyPythonVersions(c, lower, upper, memo)),
    );
  }
  const py = fromBounds(VERSIONS, lower, upper);
  if (py.length === 0) return FALSE;
  const kept: [Ranges<Release>, NodeId][] = [];
  for (const [r, c] of n.e.edges) {
    const overlap = intersection(VERSIONS, r, py);
    if (overlap.length > 0) kept.push([overlap, c]);
  }
  const first = kept[0];
  const last = kept[kept.length - 1];
  if (first === undefined || last === undefined) return FALSE;
  const firstHi = boundingRange(first[0])?.hi ?? unbounded<Release>();
  kept[0] = [fromBounds(VERSIONS, unbounded<Release>(), firstHi), first[1]];
  const lastEntry = kept[kept.length - 1] as [Ranges<Release>, NodeId];
  const lastLo = boundingRange(lastEntry[0])?.lo ?? unbounded<Release>();
  kept[kept.length - 1] = [fromBounds(VERSIONS, lastLo, unbounded<Release>()), lastEntry[1]];
  return negate(createNode(n.v, { type: "version", edges: kept }), id);
}
