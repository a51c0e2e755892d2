import { isValidSpecifier, isValidVersion, plainReleaseSatisfies, satisfiesSpecifier } from "@tspack/pep440";
import type { MarkerEnvironment } from "./marker-environment.js";
import type { MarkerExpression, MarkerOperator, MarkerTree } from "./marker-tree.js";
import { normalizeName } from "./names.js";

const SPECIFIER_OPERATORS: ReadonlySet<MarkerOperator> = new Set(["==", "!=", "<", "<=", ">", ">=", "~=", "==="]);

/** Every PEP 440 version starts like this (after whitespace, `v`, epoch): a cheap pre-check for `linux`, `win32`… */
const MAYBE_VERSION = /^\s*v?\d/i;

function compareStrings(a: string, b: string): number {
  // Python compares str by code point.
  const ca = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const cb = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i] ?? 0) - (cb[i] ?? 0);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** packaging's `_eval_op`: PEP 440 when `op rhs` is a specifier and `lhs` a version, else string comparison. */
function evalOp(lhs: string, op: MarkerOperator, rhs: string): boolean {
  const plain = plainReleaseSatisfies(lhs, op, rhs);
  if (plain !== undefined) return plain;
  if (
    SPECIFIER_OPERATORS.has(op) &&
    op !== "===" &&
    MAYBE_VERSION.test(lhs) &&
    isValidVersion(lhs) &&
    isValidSpecifier(`${op}${rhs}`)
  ) {
    return satisfiesSpecifier(lhs, `${op}${rhs}`, { prereleases: true });
  }
  const c = compareStrings(lhs, rhs);
  switch (op) {
    case "==":
    case "===":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "in":
      return rhs.includes(lhs);
    case "not in":
      return !rhs.includes(lhs);
    case "~=":
      return false;
  }
}

function evalExpression(
  e: MarkerExpression,
  env: MarkerEnvironment,
  extras: ReadonlySet<string>,
  groups: ReadonlySet<string>,
): boolean {
  const variable = e.left.type === "variable" ? e.left.name : e.right.type === "variable" ? e.right.name : undefined;
  const literal = e.left.type === "string" ? e.left.value : e.right.type === "string" ? e.right.value : "";
  if (variable === "extra") {
    // `extra == 'x'` holds when the normalized x is one of the requested extras.
    if (e.op === "==") return extras.has(normalizeName(literal));
    if (e.op === "!=") return !extras.has(normalizeName(literal));
    return false;
  }
  if (variable === "extras" || variable === "dependency_groups") {
    const set = variable === "extras" ? extras : groups;
    const has = set.has(normalizeName(literal));
    return e.op === "in" ? has : e.op === "not in" ? !has : false;
  }
  if (variable === undefined) return false;
  const value = env[variable];
  return e.left.type === "variable" ? evalOp(value, e.op, literal) : evalOp(literal, e.op, value);
}

function evalTree(
  t: MarkerTree,
  env: MarkerEnvironment,
  extras: ReadonlySet<string>,
  groups: ReadonlySet<string>,
): boolean {
  switch (t.kind) {
    case "true":
      return true;
    case "false":
      return false;
    case "expr":
      return evalExpression(t, env, extras, groups);
    case "and":
      return t.children.every((c) => evalTree(c, env, extras, groups));
    case "or":
      return t.children.some((c) => evalTree(c, env, extras, groups));
  }
}

/**
 * Evaluates a marker like pypa/packaging: PEP 440 comparison when the right-hand side forms a valid
 * specifier and the left-hand side a valid version, string comparison otherwise; `in` is a substring test.
 * `extra == 'x'` is true iff the normalized `x` is in `extras`; `'x' in extras` / `'g' in dependency_groups`
 * (uv's PEP 751 markers) consult `extras` / `groups`.
 */
export function evaluateMarker(
  tree: MarkerTree,
  env: MarkerEnvironment,
  extras: Iterable<string> = [],
  groups: Iterable<string> = [],
): boolean {
  const extraSet = new Set(Array.from(extras, normalizeName));
  const groupSet = new Set(Array.from(groups, normalizeName));
  return evalTree(tree, env, extraSet, groupSet);
}
