import { satisfiesSpecifier } from "@tspack/pep440";

/** Digits and dots only, at most 15 digits per segment (so `Number` is exact); undefined otherwise. */
function plainRelease(s: string): number[] | undefined {
  const out: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return undefined;
      n = n * 10 + (c - 48);
    } else if (c === 46 && digits > 0) {
      out.push(n);
      n = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0) return undefined;
  out.push(n);
  return out;
}

const OPERATORS = ["~=", "==", "!=", "<=", ">=", "<", ">"] as const;

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `v op s` for a plain clause, or undefined when the clause is not `op X.Y[.Z…]`. */
function plainClause(v: readonly number[], clause: string): boolean | undefined {
  const text = clause.trim();
  const op = OPERATORS.find((o) => text.startsWith(o));
  if (op === undefined) return undefined;
  const s = plainRelease(text.slice(op.length).trim());
  if (s === undefined) return undefined;
  const c = compare(v, s);
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
  const v = plainRelease(version);
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
