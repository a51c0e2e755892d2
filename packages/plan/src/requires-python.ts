import { satisfiesSpecifier } from "@tspack/pep440";

const PLAIN_RELEASE = /^\d{1,15}(?:\.\d{1,15})*$/;
const PLAIN_CLAUSE = /^\s*(~=|==|!=|<=|>=|<|>)\s*(\d{1,15}(?:\.\d{1,15})*)\s*$/;

function release(s: string): number[] {
  return s.split(".").map(Number);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function clauseHolds(v: readonly number[], op: string, s: readonly number[]): boolean {
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
    default:
      // `~= X.Y.Z` is `>= X.Y.Z, == X.Y.*`.
      return c >= 0 && s.slice(0, -1).every((x, i) => (v[i] ?? 0) === x);
  }
}

/**
 * True when the target Python `version` satisfies the lock's `requires-python`. Release-only versions and
 * plain clauses (`>=3.12`, `>=3.9, <4`) are compared directly; anything else (wildcards, pre-releases,
 * invalid text) goes through @tspack/pep440, whose first use in a process costs a few milliseconds.
 */
export function satisfiesRequiresPython(version: string, requiresPython: string): boolean {
  if (PLAIN_RELEASE.test(version)) {
    const v = release(version);
    const clauses = requiresPython.split(",").map((c) => PLAIN_CLAUSE.exec(c));
    const plain = clauses.every((m) => m !== null && !(m[1] === "~=" && !(m[2] as string).includes(".")));
    if (plain)
      return clauses.every((m) =>
        clauseHolds(v, (m as RegExpExecArray)[1] as string, release((m as RegExpExecArray)[2] as string)),
      );
  }
  return satisfiesSpecifier(version, requiresPython);
}
