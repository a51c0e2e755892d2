import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { compareRelease, withWorkBudget } from "../src/algebra-core.js";
import { type DnfTerm, formatTerm, MAX_DNF_TERMS, simplifyDnf } from "../src/dnf.js";
import { formatMarkerNode, markerNodeOr, markerToNode, parseMarker, simplifyMarkerNode } from "../src/index.js";

const VERSION_NEGATION: Record<string, string> = {
  "==": "!=",
  "!=": "==",
  "==*": "!=*",
  "!=*": "==*",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
};
const STRING_NEGATION: Record<string, string> = {
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
    return a.key === b.key && compareRelease(a.release, b.release) === 0 && VERSION_NEGATION[a.op] === b.op;
  }
  if (a.t === "string" && b.t === "string")
    return a.key === b.key && a.value === b.value && STRING_NEGATION[a.op] === b.op;
  if (a.t === "extra" && b.t === "extra") return a.name === b.name && a.op !== b.op;
  if (a.t === "list" && b.t === "list") return a.list === b.list && a.value === b.value && a.op !== b.op;
  return false;
}

/** uv's `simplify` as written in simplify.rs (nested loops): the reference for the indexed version. */
function referenceSimplify(dnf: DnfTerm[][]): DnfTerm[][] {
  const keys = dnf.map((c) => c.map(formatTerm));
  for (let i = 0; i < dnf.length; i++) {
    const clause = dnf[i] as DnfTerm[];
    const clauseKeys = keys[i] as string[];
    const redundant: number[] = [];
    terms: for (let skipped = 0; skipped < clause.length; skipped++) {
      const skippedTerm = clause[skipped] as DnfTerm;
      const skippedKey = clauseKeys[skipped];
      for (let j = 0; j < dnf.length; j++) {
        if (i === j) continue;
        const otherKeys = keys[j] as string[];
        const ok = (dnf[j] as DnfTerm[]).every((term, ti) => {
          const k = otherKeys[ti] as string;
          if (k === skippedKey) return false;
          if (isNegation(term, skippedTerm)) return true;
          const pos = clauseKeys.indexOf(k);
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

/** xorshift32 */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function randomTerm(r: () => number): DnfTerm {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  switch (pick(["version", "string", "extra", "list"] as const)) {
    case "version":
      return {
        t: "version",
        key: pick(["python_full_version", "implementation_version"] as const),
        op: pick(["==", "!=", "<", "<=", ">", ">=", "==*", "!=*"] as const),
        release: pick([[3, 8], [3, 8, 0], [3, 9], [3]]),
      };
    case "string":
      return {
        t: "string",
        key: pick(["sys_platform", "os_name"] as const),
        op: pick(["==", "!=", "<", ">=", "in", "not in", "contains", "not contains"] as const),
        value: pick(["linux", "nt", "a|b"]),
      };
    case "extra":
      return { t: "extra", name: pick(["a", "b", "c"]), op: pick(["==", "!="] as const) };
    case "list":
      return {
        t: "list",
        list: pick(["extras", "dependency_groups"] as const),
        value: pick(["x", "y"]),
        op: pick(["in", "not in"] as const),
      };
  }
}

const show = (dnf: DnfTerm[][]) => dnf.map((c) => c.map(formatTerm).join(" and "));

describe("simplifyDnf", () => {
  it("gives uv's result on 1,000 random normal forms (shared and copied terms, duplicates, empty clauses)", () => {
    const r = rng(20251125);
    for (let n = 0; n < 1000; n++) {
      const pool = Array.from({ length: 1 + Math.floor(r() * 8) }, () => randomTerm(r));
      const dnf: DnfTerm[][] = Array.from({ length: Math.floor(r() * 7) }, () =>
        Array.from({ length: Math.floor(r() * 5) }, () => {
          const t = pool[Math.floor(r() * pool.length)] as DnfTerm;
          return r() < 0.3 ? { ...t } : t;
        }),
      );
      const copy = () => dnf.map((c) => c.slice());
      expect(show(simplifyDnf(copy())), `case ${n}: ${JSON.stringify(show(dnf))}`).toEqual(
        show(referenceSimplify(copy())),
      );
    }
  });
});

describe("long markers", () => {
  const chain = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(" or ");

  it("prints a chain of 1,500 extras in about linear time (uv's nested loops take hours)", () => {
    const started = performance.now();
    const text = formatMarkerNode(markerToNode(parseMarker(chain(1500, (i) => `extra == 'e${i}'`))));
    expect(text.split(" or ")).toHaveLength(1500);
    expect(text.startsWith("extra == 'e0' or extra == 'e1' or extra == 'e10' or")).toBe(true);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("combines a long list as a balanced tree with the same result as uv's left fold", () => {
    const parts = Array.from({ length: 80 }, (_, i) =>
      i % 3 === 0
        ? `extra == 'x${i}'`
        : i % 3 === 1
          ? `python_full_version == '3.${i}'`
          : `platform_machine == 'm${i}'`,
    );
    const fold = parts.map((p) => markerToNode(parseMarker(p))).reduce((a, b) => markerNodeOr(a, b));
    expect(markerToNode(parseMarker(parts.join(" or ")))).toBe(fold);
    // sys_platform with os_name: uv's left fold, kept as is (impossible combinations are removed as it goes).
    const platforms = Array.from({ length: 40 }, (_, i) => `(os_name == 'nt' and sys_platform == 's${i}')`);
    const folded = platforms.map((p) => markerToNode(parseMarker(p))).reduce((a, b) => markerNodeOr(a, b));
    expect(markerToNode(parseMarker(platforms.join(" or ")))).toBe(folded);
  });

  it("handles 2,000 python versions and 2,000 platform names", () => {
    const versions = formatMarkerNode(
      markerToNode(parseMarker(chain(2000, (i) => `python_full_version == '3.${i}.1'`))),
    );
    expect(versions.split(" or ")).toHaveLength(2000);
    const platforms = formatMarkerNode(markerToNode(parseMarker(chain(2000, (i) => `sys_platform == 's${i}'`))));
    expect(platforms.split(" or ")).toHaveLength(2000);
  });

  it.each([["10,000 distinct extras", chain(10_000, (i) => `extra == 'e${i}'`)]])(
    "refuses %s with TSPACK_MARKER_SYNTAX instead of exhausting the stack or memory",
    (_, text) => {
      let error: unknown;
      try {
        formatMarkerNode(markerToNode(parseMarker(text)));
      } catch (e) {
        error = e;
      }
      expect(isTspackError(error, "TSPACK_MARKER_SYNTAX")).toBe(true);
      expect((error as Error).message).toMatch(/^The marker is too complex: /);
    },
  );

  it("bounds the work of folding os_name/sys_platform pairs left to right (quadratic, like uv)", () => {
    const text = chain(300, (i) => `(os_name == 'o${i}' and sys_platform == 's${i}')`);
    const tooMuch = new Error("budget");
    expect(() =>
      withWorkBudget(
        20_000,
        () => markerToNode(parseMarker(text)),
        () => tooMuch,
      ),
    ).toThrow(tooMuch);
  });

  it("bounds the normal form", () => {
    expect(MAX_DNF_TERMS).toBeGreaterThan(1500 * 1500);
  });
});

describe("diagrams with exponentially many paths", () => {
  it("simplifies requires-python bounds once per shared subgraph", () => {
    // Variables ordered p0a < p0b < p1a < ...: a diagram of 80 nodes with 2^40 paths.
    const pairs = Array.from({ length: 40 }, (_, i) => `(extra == 'p${i}a' or extra == 'p${i}b')`).join(" and ");
    const n = markerToNode(parseMarker(pairs));
    const started = performance.now();
    expect(simplifyMarkerNode(n, { requiresPython: ">=3.9" })).toBe(n);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("refuses a marker whose diagram is exponential in its length (uv builds it forever)", () => {
    // With the order a0 < a1 < ... < b0 < b1 < ..., (a0 or b0) and (a1 or b1) and ... has 2^k nodes.
    const pairs = Array.from({ length: 40 }, (_, i) => `(extra == 'a${i}' or extra == 'b${i}')`).join(" and ");
    expect(() => markerToNode(parseMarker(pairs))).toThrow(/^The marker is too complex: building it takes more than/);
  });
});
