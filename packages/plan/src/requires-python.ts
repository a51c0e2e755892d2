import { satisfiesSpecifier } from "@tspack/pep440";
import { compareReleases, parsePlainRelease } from "./version-order.js";

const OPERATORS = ["~=", "==", "!=", "<=", ">=", "<", ">"] as const;

/** `v op s` for a plain clause, or undefined when the clause is not `op X.Y[.Z…]`. */
function plainClause(v: readonly number[], clause: string): boolean | undefined {
  const text = clause.trim();
  const op = OPERATORS.find((o) => text.startsWith(o));
  if (op === undefined) return undefined;
  const s = parsePlainRelease(text.slice(op.length).trim());
  if (s === undefined) return undefined;
  const c = compareReleases(v, s);
  switch (op) {
    case "==":
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
    case "~=":
      // `~= X.Y.Z` is `>= X.Y.Z, == X.Y.*`; `~= X` is invalid (left to the general path).
      if (s.length < 2) return undefined;
      return c >= 0 && s.slice(0, -1).every((x, i) => (v[i] ?? 0) === x);
  }
}

/**
 * True when the target Python `version` satisfies the lock's `requires-python`. Release-only versions and
 * plain clauses (`>=3.12`, `>=3.9, <4`) are compared directly; anything else (wildcards, pre-releases,
 * invalid text) goes through @tspack/pep440, whose first use in a process costs a few milliseconds.
 */
export function satisfiesRequiresPython(version: string, requiresPython: string): boolean {
  const v = parsePlainRelease(version);
  if (v !== undefined) {
    let all = true;
    for (const clause of requiresPython.split(",")) {
      const r = plainClause(v, clause);
      if (r === undefined) return satisfiesSpecifier(version, requiresPython);
      all &&= r;
    }
    return all;
  }
  return satisfiesSpecifier(version, requiresPython);
}
