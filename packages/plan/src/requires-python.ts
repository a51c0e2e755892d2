import { plainReleaseSatisfies, satisfiesSpecifier } from "@tspack/pep440";

const OPERATORS = ["~=", "==", "!=", "<=", ">=", "<", ">"] as const;

/** `version op X.Y[.Z…]` for a plain clause and version, or undefined when either is not plain. */
function plainClause(version: string, clause: string): boolean | undefined {
  const text = clause.trim();
  const op = OPERATORS.find((o) => text.startsWith(o));
  if (op === undefined) return undefined;
  return plainReleaseSatisfies(version, op, text.slice(op.length).trim());
}

/**
 * True when the target Python `version` satisfies the lock's `requires-python`. Release-only versions and
 * plain clauses (`>=3.12`, `>=3.9, <4`) are compared directly; anything else (wildcards, pre-releases,
 * invalid text) goes through @tspack/pep440's general parser, whose first use in a process costs a few
 * milliseconds.
 */
export function satisfiesRequiresPython(version: string, requiresPython: string): boolean {
  let all = true;
  for (const clause of requiresPython.split(",")) {
    const r = plainClause(version, clause);
    if (r === undefined) return satisfiesSpecifier(version, requiresPython);
    all &&= r;
  }
  return all;
}
