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

function isNegation(a: DnfTerm, b: DnfTerm): boolean {
  if (a.t === "version" && b.t === "version") {
    return a.key === b.key && VERSIONS.cmp(a.release, b.release) === 0 && VERSION_NEGATION[a.op] === b.op;
  }
  if (a.t === "string" && b.t === "string")
    return a.key === b.key && a.value === b.value && STRING_NEGATION[a.op] === b.op;
  if (a.t === "extra" && b.t === "extra") return a.name === b.name && a.op !== b.op;
  if (a.t === "list" && b.t === "list") return a.list === b.list && a.value === b.value && a.op !== b.op;
  return false;
}

function sameRelease(a: Release, b: Release): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Groups edges by (negated) child in first-occurrence order (uv's `collect_edges`). */
function collectEdges<T>(
  d: Domain<T>,
  edges: readonly (readonly [Ranges<T>, NodeId])[],
  parent: NodeId,
): [NodeId, Ranges<T>][] {
  const out: [NodeId, Ranges<T>][] = [];
  for (const [r, c] of edges) {
    const child = negate(c, parent);
    const b = boundingRange(r);
    if (b === undefined) continue;
    const seg: Ranges<T> = [b];
    const hit = out.find(([n]) => n === child);
    if (hit !== undefined) hit[1] = union(d, hit[1], seg);
    else out.push([child, seg]);
  }
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

function collectDnf(id: NodeId, dnf: DnfTerm[][], path: DnfTerm[]): void {
  if (id === FALSE) return;
  if (id === TRUE) {
    if (path.length > 0) dnf.push(path.slice());
    return;
  }
  const n = nodeOf(id);
  const recurseWith = (terms: DnfTerm[], child: NodeId) => {
    const mark = path.length;
    path.push(...terms);
    collectDnf(child, dnf, path);
    path.length = mark;
  };
  if (n.e.type === "version") {
    const key = VERSION_KEYS[n.v.key] ?? "python_full_version";
    for (const [child, range] of collectEdges(VERSIONS, n.e.edges, id)) {
      const excluded = rangeInequality(VERSIONS, range);
      if (excluded !== undefined) {
        recurseWith(
          excluded.map((release) => ({ t: "version", key, op: "!=", release })),
          child,
        );
        continue;
      }
      const star = starRangeSpecifier(range);
      if (star !== undefined && star.t === "version") {
        recurseWith([{ ...star, key }], child);
        continue;
      }
      for (const seg of range) recurseWith(fromReleaseOnlyBounds(key, seg.lo, seg.hi), child);
    }
    return;
  }
  if (n.e.type === "string") {
    const key = CANONICAL_STRING_KEYS[n.v.key] ?? "os_name";
    for (const [child, range] of collectEdges(STRINGS, n.e.edges, id)) {
      const excluded = rangeInequality(STRINGS, range);
      if (excluded !== undefined) {
        recurseWith(
          excluded.map((value) => ({ t: "string", key, op: "!=", value })),
          child,
        );
        continue;
      }
      for (const seg of range) recurseWith(stringFromBounds(key, seg.lo, seg.hi), child);
    }
    return;
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
    recurseWith([term], child);
  }
}

/** uv's `simplify`: drops terms made redundant by other clauses, then clauses that contain another clause. */
function simplify(dnf: DnfTerm[][]): DnfTerm[][] {
  const keys = dnf.map((c) => c.map(termKey));
  for (let i = 0; i < dnf.length; i++) {
    const clause = dnf[i] as DnfTerm[];
    const clauseKeys = keys[i] as string[];
    const redundant: number[] = [];
    terms: for (let skipped = 0; skipped < clause.length; skipped++) {
      const skippedTerm = clause[skipped] as DnfTerm;
      const skippedKey = clauseKeys[skipped];
      for (let j = 0; j < dnf.length; j++) {
        if (i === j) continue;
        const other = dnf[j] as DnfTerm[];
        const otherKeys = keys[j] as string[];
        const ok = other.every((term, ti) => {
          const k = otherKeys[ti];
          if (k === skippedKey) return false;
          if (isNegation(term, skippedTerm)) return true;
          const pos = clauseKeys.indexOf(k as string);
          return pos >= 0 && !redundant.includes(pos);
        });
        if (ok) {
          redundant.push(skipped);
          continue terms;
        }
      }
    }
    redundant.sort((a, b) => b - a);
    for (const r of redundant) {
      clause.splice(r, 1);
      clauseKeys.splice(r, 1);
    }
  }
  const redundantClauses: number[] = [];
  clauses: for (let i = 0; i < dnf.length; i++) {
    const clauseKeys = keys[i] as string[];
    for (let j = 0; j < dnf.length; j++) {
      if (i === j || redundantClauses.includes(j)) continue;
      if ((keys[j] as string[]).every((k) => clauseKeys.includes(k))) {
        redundantClauses.push(i);
        continue clauses;
      }
    }
  }
  return dnf.filter((_, i) => !redundantClauses.includes(i));
}

const dnfCache = new Map<NodeId, readonly (readonly DnfTerm[])[]>();

/** The simplified, sorted DNF of a node (uv's `to_dnf`), memoized per node (do not mutate). */
export function toDnf(id: NodeId): readonly (readonly DnfTerm[])[] {
  const hit = dnfCache.get(id);
  if (hit !== undefined) return hit;
  const dnf: DnfTerm[][] = [];
  collectDnf(id, dnf, []);
  const simplified = simplify(dnf);
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
