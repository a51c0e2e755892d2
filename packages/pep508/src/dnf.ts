/**
 * Display of decision-diagram markers in uv's canonical form: DNF extraction, redundancy elimination and
 * sorting, ported from `crates/uv-pep508/src/marker/simplify.rs` and `impl Display for MarkerTreeContents`.
 */
import {
  CANONICAL_STRING_KEYS,
  CAT,
  childIds,
  FALSE,
  type NodeId,
  negate,
  nodeOf,
  type Release,
  STRINGS,
  type StringKey,
  TRUE,
  VERSION_KEYS,
  VERSIONS,
  type VersionKey,
} from "./algebra-core.js";
import { trimRelease } from "./lowering.js";
import type { MarkerExpression, MarkerTree } from "./marker-tree.js";
import { type Bound, boundEquals, boundingRange, type Domain, type Ranges, type Segment, union } from "./ranges.js";
import { markerTooComplex } from "./syntax-error.js";

type VersionTermOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "==*" | "!=*";
type StringTermOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "contains" | "not contains";

/** One term of a DNF clause. */
export type DnfTerm =
  | { readonly t: "version"; readonly key: VersionKey; readonly op: VersionTermOp; readonly release: Release }
  | { readonly t: "string"; readonly key: StringKey; readonly op: StringTermOp; readonly value: string }
  | { readonly t: "extra"; readonly name: string; readonly op: "==" | "!=" }
  | {
      readonly t: "list";
      readonly list: "extras" | "dependency_groups";
      readonly value: string;
      readonly op: "in" | "not in";
    };

const LIST_NAMES = ["extras", "dependency_groups", "extras", "dependency_groups"] as const;

/** uv's `MarkerValueString` declaration order (the display sort order of string keys). */
const STRING_KIND: Readonly<Record<StringKey, number>> = {
  implementation_name: 0,
  os_name: 1,
  platform_machine: 3,
  platform_python_implementation: 5,
  platform_release: 8,
  platform_system: 9,
  platform_version: 10,
  sys_platform: 12,
};

function kind(t: DnfTerm): [number, number] {
  switch (t.t) {
    case "version":
      return [0, VERSION_KEYS.indexOf(t.key)];
    case "string":
      return [2, STRING_KIND[t.key]];
    case "list":
      return [3, t.list === "extras" ? 0 : 1];
    case "extra":
      return [4, 0];
  }
}

function compareKind(a: DnfTerm, b: DnfTerm): number {
  const [a0, a1] = kind(a);
  const [b0, b1] = kind(b);
  return a0 !== b0 ? a0 - b0 : a1 - b1;
}

function compareClauses(a: readonly DnfTerm[], b: readonly DnfTerm[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareKind(a[i] as DnfTerm, b[i] as DnfTerm);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The display text of one term (uv's `impl Display for MarkerExpression`). */
export function formatTerm(t: DnfTerm): string {
  switch (t.t) {
    case "version": {
      const v = t.release.join(".");
      if (t.op === "==*" || t.op === "!=*") return `${t.key} ${t.op.slice(0, 2)} '${v}.*'`;
      return `${t.key} ${t.op} '${v}'`;
    }
    case "string":
      if (t.op === "contains") return `'${t.value}' in ${t.key}`;
      if (t.op === "not contains") return `'${t.value}' not in ${t.key}`;
      return `${t.key} ${t.op} '${t.value}'`;
    case "extra":
      return `extra ${t.op} '${t.name}'`;
    case "list":
      return `'${t.value}' ${t.op} ${t.list}`;
  }
}

const termKey = formatTerm;

const VERSION_NEGATION: Readonly<Record<VersionTermOp, VersionTermOp>> = {
  "==": "!=",
  "!=": "==",
  "==*": "!=*",
  "!=*": "==*",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
};

const STRING_NEGATION: Readonly<Record<StringTermOp, StringTermOp>> = {
  "==": "!=",
  "!=": "==",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
  in: "not in",
  "not in": "in",
  contains: "not contains",
  "not contains": "contains",
};

function sameRelease(a: Release, b: Release): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Groups edges by (negated) child in first-occurrence order (uv's `collect_edges`). */
function collectEdges<T>(
  d: Domain<T>,
  edges: readonly (readonly [Ranges<T>, NodeId])[],
  parent: NodeId,
): [NodeId, Ranges<T>][] {
  // Segments are gathered per child and normalized once: a union per edge is quadratic for a node
  // with thousands of edges, and gives the same set.
  const groups = new Map<NodeId, Segment<T>[]>();
  for (const [r, c] of edges) {
    const child = negate(c, parent);
    const b = boundingRange(r);
    if (b === undefined) continue;
    const list = groups.get(child);
    if (list === undefined) groups.set(child, [b]);
    else list.push(b);
  }
  const out: [NodeId, Ranges<T>][] = [];
  for (const [child, segs] of groups) out.push([child, segs.length === 1 ? segs : union(d, [], segs)]);
  return out;
}

/** `Some(excluded values)` when the range is everything except single points. */
function rangeInequality<T>(d: Domain<T>, r: Ranges<T>): T[] | undefined {
  const b = boundingRange(r);
  if (b === undefined || b.lo.t !== "u" || b.hi.t !== "u") return undefined;
  const excluded: T[] = [];
  for (let i = 0; i + 1 < r.length; i++) {
    const end = (r[i] as Segment<T>).hi;
    const start = (r[i + 1] as Segment<T>).lo;
    if (end.t === "e" && start.t === "e" && d.cmp(end.v, start.v) === 0) excluded.push(end.v);
    else return undefined;
  }
  return excluded;
}

function starRangeSpecifier(r: Ranges<Release>): DnfTerm | undefined {
  if (r.length !== 2) return undefined;
  const [a, b] = r as [Segment<Release>, Segment<Release>];
  if (a.lo.t !== "u" || a.hi.t !== "e" || b.lo.t !== "i" || b.hi.t !== "u") return undefined;
  const v1 = trimRelease(a.hi.v);
  const v2 = b.lo.v;
  if (v1.length === 1 && sameRelease(v2, [v1[0] ?? 0, 1])) {
    return { t: "version", key: "python_full_version", op: "!=*", release: [v1[0] ?? 0, 0] };
  }
  if (v1.length === 2 && sameRelease(v2, [v1[0] ?? 0, (v1[1] ?? 0) + 1])) {
    return { t: "version", key: "python_full_version", op: "!=*", release: a.hi.v };
  }
  return undefined;
}

function fromReleaseOnlyBounds(key: VersionKey, lo: Bound<Release>, hi: Bound<Release>): DnfTerm[] {
  if (lo.t === "i" && hi.t === "i" && boundEquals(VERSIONS, lo, hi)) {
    return [{ t: "version", key, op: "==", release: lo.v }];
  }
  if (lo.t === "i" && hi.t === "e") {
    const v1 = trimRelease(lo.v);
    const v2 = trimRelease(hi.v);
    if (v1.length === 1 && sameRelease(v2, [v1[0] ?? 0, 1])) {
      return [{ t: "version", key, op: "==*", release: [v1[0] ?? 0, 0] }];
    }
    if (v1.length === 2 && sameRelease(v2, [v1[0] ?? 0, (v1[1] ?? 0) + 1])) {
      return [{ t: "version", key, op: "==*", release: v1 }];
    }
  }
  const out: DnfTerm[] = [];
  if (lo.t !== "u") out.push({ t: "version", key, op: lo.t === "i" ? ">=" : ">", release: lo.v });
  if (hi.t !== "u") out.push({ t: "version", key, op: hi.t === "i" ? "<=" : "<", release: hi.v });
  return out;
}

function stringFromBounds(key: StringKey, lo: Bound<string>, hi: Bound<string>): DnfTerm[] {
  if (lo.t === "i" && hi.t === "i" && lo.v === hi.v) return [{ t: "string", key, op: "==", value: lo.v }];
  if (lo.t === "e" && hi.t === "e" && lo.v === hi.v) return [{ t: "string", key, op: "!=", value: lo.v }];
  const out: DnfTerm[] = [];
  if (lo.t !== "u") out.push({ t: "string", key, op: lo.t === "i" ? ">=" : ">", value: lo.v });
  if (hi.t !== "u") out.push({ t: "string", key, op: hi.t === "i" ? "<=" : "<", value: hi.v });
  return out;
}

/** The branches of a node as (terms added to the path, child) in uv's `collect_dnf` order. */
function branches(id: NodeId): Array<[DnfTerm[], NodeId]> {
  const out: Array<[DnfTerm[], NodeId]> = [];
  const n = nodeOf(id);
  if (n.e.type === "version") {
    const key = VERSION_KEYS[n.v.key] ?? "python_full_version";
    for (const [child, range] of collectEdges(VERSIONS, n.e.edges, id)) {
      const excluded = rangeInequality(VERSIONS, range);
      if (excluded !== undefined) {
        out.push([excluded.map((release) => ({ t: "version", key, op: "!=", release })), child]);
        continue;
      }
      const star = starRangeSpecifier(range);
      if (star !== undefined && star.t === "version") {
        out.push([[{ ...star, key }], child]);
        continue;
      }
      for (const seg of range) out.push([fromReleaseOnlyBounds(key, seg.lo, seg.hi), child]);
    }
    return out;
  }
  if (n.e.type === "string") {
    const key = CANONICAL_STRING_KEYS[n.v.key] ?? "os_name";
    for (const [child, range] of collectEdges(STRINGS, n.e.edges, id)) {
      const excluded = rangeInequality(STRINGS, range);
      if (excluded !== undefined) {
        out.push([excluded.map((value) => ({ t: "string", key, op: "!=", value })), child]);
        continue;
      }
      for (const seg of range) out.push([stringFromBounds(key, seg.lo, seg.hi), child]);
    }
    return out;
  }
  const [high, low] = childIds(n.e).map((c) => negate(c, id)) as [NodeId, NodeId];
  for (const [positive, child] of [
    [true, high],
    [false, low],
  ] as const) {
    let term: DnfTerm;
    const key = CANONICAL_STRING_KEYS[n.v.key] ?? "os_name";
    switch (n.v.cat) {
      case CAT.IN:
        term = { t: "string", key, op: positive ? "in" : "not in", value: n.v.value };
        break;
      case CAT.CONTAINS:
        term = { t: "string", key, op: positive ? "contains" : "not contains", value: n.v.value };
        break;
      case CAT.EXTRA:
        term = { t: "extra", name: n.v.value, op: positive ? "==" : "!=" };
        break;
      default:
        term = { t: "list", list: LIST_NAMES[n.v.key] ?? "extras", value: n.v.value, op: positive ? "in" : "not in" };
    }
    out.push([[term], child]);
  }
  return out;
}

/**
 * The most terms a marker's normal form may have before simplification. A chain of N alternatives on
 * distinct variables (`extra == 'e1' or extra == 'e2' or ...`) has about N²/2, so this allows several
 * thousand; beyond it the marker is refused instead of exhausting memory.
 */
export const MAX_DNF_TERMS = 5_000_000;

/**
 * Every path from the root to true, as clauses of terms (uv's `collect_dnf`), depth first with an
 * explicit stack: a chain of thousands of variables would overflow the call stack.
 */
function collectDnf(id: NodeId): DnfTerm[][] {
  const dnf: DnfTerm[][] = [];
  const path: DnfTerm[] = [];
  let total = 0;
  const stack: Array<{ terms: readonly DnfTerm[]; child: NodeId; depth: number }> = [
    { terms: [], child: id, depth: 0 },
  ];
  while (stack.length > 0) {
    const task = stack.pop() as { terms: readonly DnfTerm[]; child: NodeId; depth: number };
    path.length = task.depth;
    for (const t of task.terms) path.push(t);
    const x = task.child;
    if (x === FALSE) continue;
    if (x === TRUE) {
      if (path.length > 0) {
        total += path.length;
        if (total > MAX_DNF_TERMS) throw markerTooComplex(`its normal form has more than ${MAX_DNF_TERMS} terms`);
        dnf.push(path.slice());
      }
      continue;
    }
    const list = branches(x);
    for (let k = list.length - 1; k >= 0; k--) {
      const [terms, child] = list[k] as [DnfTerm[], NodeId];
      stack.push({ terms, child, depth: path.length });
    }
  }
  return dnf;
}

/** A term's identity for {@link isNegation}: two terms negate each other when one's key is the other's `neg`. */
function negationKeys(t: DnfTerm): [self: string, neg: string] {
  switch (t.t) {
    case "version": {
      const r = trimRelease(t.release).join(".");
      return [`v|${t.key}|${t.op}|${r}`, `v|${t.key}|${VERSION_NEGATION[t.op]}|${r}`];
    }
    case "string": {
      const v = JSON.stringify(t.value);
      return [`s|${t.key}|${t.op}|${v}`, `s|${t.key}|${STRING_NEGATION[t.op]}|${v}`];
    }
    case "extra":
      return [`e|${t.op}|${t.name}`, `e|${t.op === "==" ? "!=" : "=="}|${t.name}`];
    case "list": {
      const v = JSON.stringify(t.value);
      return [`l|${t.list}|${t.op}|${v}`, `l|${t.list}|${t.op === "in" ? "not in" : "in"}|${v}`];
    }
  }
}

/**
 * uv's `simplify` (`crates/uv-pep508/src/marker/simplify.rs`): drops terms made redundant by other
 * clauses, then clauses that contain another clause. Same result as uv's nested loops, with terms
 * interned and candidate clauses looked up in indexes, so a normal form of a million terms takes
 * linear time in the common cases instead of a quartic one:
 * - a term of clause i is redundant when some other clause j is a subset of clause i (without the term,
 *   and without terms already found redundant) plus the term's negation; such a j either contains the
 *   negation (index by negation key) or lies inside clause i, and then contains the rarest of its terms,
 *   its "sentinel", which clause i must hold (index by sentinel);
 * - a clause is redundant when another clause is its subset (same sentinel index).
 */
export function simplifyDnf(dnf: DnfTerm[][]): DnfTerm[][] {
  // Interning: text key → id; negation keys → ids.
  const textIds = new Map<string, number>();
  const negIds = new Map<string, number>();
  const selfNeg: number[] = []; // text id → its negation-class id
  const negNeg: number[] = []; // text id → the negation-class id of its negation
  const negId = (k: string): number => {
    let n = negIds.get(k);
    if (n === undefined) negIds.set(k, (n = negIds.size));
    return n;
  };
  // Clauses share term objects (paths through the same node), so most terms are looked up by identity.
  const byObject = new Map<DnfTerm, number>();
  const clauses: number[][] = dnf.map((clause) =>
    clause.map((term) => {
      let id = byObject.get(term);
      if (id !== undefined) return id;
      const key = termKey(term);
      id = textIds.get(key);
      if (id === undefined) {
        id = textIds.size;
        textIds.set(key, id);
        const [self, neg] = negationKeys(term);
        selfNeg[id] = negId(self);
        negNeg[id] = negId(neg);
      }
      byObject.set(term, id);
      return id;
    }),
  );
  // Per-clause membership without a Map per clause: `stamp[id] === i` when clause i holds term id,
  // at the first position `firstPos[id]`.
  const stamp = new Int32Array(textIds.size).fill(-1);
  const firstPos = new Int32Array(textIds.size);
  // Indexes (entries may go stale as clauses lose terms; every candidate is checked exactly).
  const occurrences: number[] = new Array(textIds.size).fill(0);
  const byNeg: Array<number[] | undefined> = new Array(negIds.size);
  for (let j = 0; j < clauses.length; j++) {
    const seen = new Set<number>();
    for (const id of clauses[j] as number[]) {
      if (seen.has(id)) continue;
      seen.add(id);
      occurrences[id] = (occurrences[id] as number) + 1;
      const n = selfNeg[id] as number;
      const list = byNeg[n];
      if (list === undefined) byNeg[n] = [j];
      else list.push(j);
    }
  }
  const bySentinel: Array<number[] | undefined> = new Array(textIds.size);
  const sentinel: number[] = new Array(clauses.length).fill(-1);
  const empties: number[] = [];
  const index = (j: number): void => {
    const c = clauses[j] as number[];
    if (c.length === 0) {
      sentinel[j] = -1;
      empties.push(j);
      return;
    }
    let best = c[0] as number;
    for (const id of c) if ((occurrences[id] as number) < (occurrences[best] as number)) best = id;
    sentinel[j] = best;
    const list = bySentinel[best];
    if (list === undefined) bySentinel[best] = [j];
    else list.push(j);
  };
  for (let j = 0; j < clauses.length; j++) index(j);
  /** Clauses j (≠ i) that may be subsets of the terms of clause i, plus the empty clauses. */
  const subsetCandidates = (i: number): number[] => {
    const out: number[] = [];
    const c = clauses[i] as number[];
    for (const id of c) {
      const list = bySentinel[id];
      if (list !== undefined) for (const j of list) if (j !== i && sentinel[j] === id) out.push(j);
    }
    for (const j of empties) if (j !== i && (clauses[j] as number[]).length === 0) out.push(j);
    return out;
  };

  for (let i = 0; i < clauses.length; i++) {
    const clause = clauses[i] as number[];
    for (let p = 0; p < clause.length; p++) {
      const id = clause[p] as number;
      if (stamp[id] !== i) {
        stamp[id] = i;
        firstPos[id] = p;
      }
    }
    const redundant = new Uint8Array(clause.length);
    let removed = 0;
    const subsets = subsetCandidates(i);
    /** uv's test: every term of clause j is the negation of `s`, or a live term of clause i other than `s`. */
    const passes = (j: number, s: number, sNeg: number): boolean => {
      for (const t of clauses[j] as number[]) {
        if (t === s) return false;
        if (selfNeg[t] === sNeg) continue;
        if (stamp[t] !== i || redundant[firstPos[t] as number] === 1) return false;
      }
      return true;
    };
    for (let skipped = 0; skipped < clause.length; skipped++) {
      const s = clause[skipped] as number;
      const sNeg = negNeg[s] as number;
      let hit = false;
      const withNegation = byNeg[sNeg];
      if (withNegation !== undefined) {
        for (const j of withNegation) {
          if (j !== i && passes(j, s, sNeg)) {
            hit = true;
            break;
          }
        }
      }
      if (!hit) {
        for (const j of subsets) {
          if (passes(j, s, sNeg)) {
            hit = true;
            break;
          }
        }
      }
      if (hit) {
        redundant[skipped] = 1;
        removed++;
      }
    }
    if (removed > 0) {
      const terms = dnf[i] as DnfTerm[];
      const keptIds: number[] = [];
      const keptTerms: DnfTerm[] = [];
      for (let p = 0; p < clause.length; p++) {
        if (redundant[p] === 1) continue;
        keptIds.push(clause[p] as number);
        keptTerms.push(terms[p] as DnfTerm);
      }
      clauses[i] = keptIds;
      dnf[i] = keptTerms;
      if (sentinel[i] === -1 || !keptIds.includes(sentinel[i] as number)) index(i);
    }
  }

  const redundantClauses = new Set<number>();
  stamp.fill(-1);
  for (let i = 0; i < clauses.length; i++) {
    for (const id of clauses[i] as number[]) stamp[id] = i;
    for (const j of subsetCandidates(i)) {
      if (redundantClauses.has(j)) continue;
      if ((clauses[j] as number[]).every((t) => stamp[t] === i)) {
        redundantClauses.add(i);
        break;
      }
    }
  }
  return dnf.filter((_, i) => !redundantClauses.has(i));
}

const dnfCache = new Map<NodeId, readonly (readonly DnfTerm[])[]>();

/** The simplified, sorted DNF of a node (uv's `to_dnf`), memoized per node (do not mutate). */
export function toDnf(id: NodeId): readonly (readonly DnfTerm[])[] {
  const hit = dnfCache.get(id);
  if (hit !== undefined) return hit;
  const simplified = simplifyDnf(collectDnf(id));
  for (const clause of simplified) clause.sort(compareKind);
  simplified.sort(compareClauses);
  dnfCache.set(id, simplified);
  return simplified;
}

const displayCache = new Map<NodeId, string>();

/** uv's marker Display: `""` for true, `python_version < '0'` for false. */
export function displayNode(id: NodeId): string {
  if (id === TRUE) return "";
  if (id === FALSE) return "python_version < '0'";
  const hit = displayCache.get(id);
  if (hit !== undefined) return hit;
  const dnf = toDnf(id);
  const text =
    dnf.length === 1
      ? (dnf[0] as DnfTerm[]).map(formatTerm).join(" and ")
      : dnf
          .map((c) => (c.length === 1 ? formatTerm(c[0] as DnfTerm) : `(${c.map(formatTerm).join(" and ")})`))
          .join(" or ");
  displayCache.set(id, text);
  return text;
}

function termToExpression(t: DnfTerm): MarkerExpression {
  switch (t.t) {
    case "version": {
      const v = t.release.join(".");
      const star = t.op === "==*" || t.op === "!=*";
      return {
        kind: "expr",
        left: { type: "variable", name: t.key },
        op: star ? (t.op === "==*" ? "==" : "!=") : (t.op as MarkerExpression["op"]),
        right: { type: "string", value: star ? `${v}.*` : v },
      };
    }
    case "string":
      if (t.op === "contains" || t.op === "not contains") {
        return {
          kind: "expr",
          left: { type: "string", value: t.value },
          op: t.op === "contains" ? "in" : "not in",
          right: { type: "variable", name: t.key },
        };
      }
      return {
        kind: "expr",
        left: { type: "variable", name: t.key },
        op: t.op,
        right: { type: "string", value: t.value },
      };
    case "extra":
      return {
        kind: "expr",
        left: { type: "variable", name: "extra" },
        op: t.op,
        right: { type: "string", value: t.name },
      };
    case "list":
      return {
        kind: "expr",
        left: { type: "string", value: t.value },
        op: t.op,
        right: { type: "variable", name: t.list },
      };
  }
}

/** The canonical marker tree of a node: `or` of `and`s of expressions, in uv's display order. */
export function nodeToTree(id: NodeId): MarkerTree {
  if (id === TRUE) return { kind: "true" };
  if (id === FALSE) return { kind: "false" };
  const clauses: MarkerTree[] = toDnf(id).map((c) =>
    c.length === 1 ? termToExpression(c[0] as DnfTerm) : { kind: "and", children: c.map(termToExpression) },
  );
  return clauses.length === 1 ? (clauses[0] as MarkerTree) : { kind: "or", children: clauses };
}
