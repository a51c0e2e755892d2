import { describe, expect, it } from "vitest";
import {
  canonicalizeMarker,
  formatMarker,
  formatMarkerNode,
  MARKER_FALSE,
  MARKER_NODE_FALSE,
  MARKER_NODE_TRUE,
  MARKER_TRUE,
  type MarkerNode,
  markerAnd,
  markerNodeAnd,
  markerNodeExtras,
  markerNodeNot,
  markerNodeOr,
  markerNodesDisjoint,
  markerNodeToTree,
  markerNot,
  markerOr,
  markerToNode,
  parseMarker,
  resolveExtras,
  resolveExtrasNode,
  simplifyMarker,
  simplifyMarkerNode,
} from "../src/index.js";

const n = (s: string): MarkerNode => markerToNode(parseMarker(s));

describe("marker nodes", () => {
  it("equal markers are the same node, whatever their spelling", () => {
    expect(n("sys_platform == 'win32' and os_name == 'nt'")).toBe(n("os_name == 'nt' and sys_platform == 'win32'"));
    expect(n("python_version >= '3.12'")).toBe(n("python_full_version >= '3.12'"));
    expect(n("platform_system == 'Linux'")).toBe(n("sys_platform == 'linux'"));
    expect(n("sys_platform == 'linux' or sys_platform != 'linux'")).toBe(MARKER_NODE_TRUE);
    expect(markerToNode(MARKER_TRUE)).toBe(MARKER_NODE_TRUE);
    expect(markerToNode(MARKER_FALSE)).toBe(MARKER_NODE_FALSE);
  });

  it("and/or/not are commutative and complementary on ids", () => {
    const a = n("sys_platform == 'win32'");
    const b = n("python_full_version < '3.13'");
    expect(markerNodeAnd(a, b)).toBe(markerNodeAnd(b, a));
    expect(markerNodeOr(a, b)).toBe(markerNodeOr(b, a));
    expect(markerNodeAnd(a, markerNodeNot(a))).toBe(MARKER_NODE_FALSE);
    expect(markerNodeOr(a, markerNodeNot(a))).toBe(MARKER_NODE_TRUE);
    expect(markerNodeNot(markerNodeNot(b))).toBe(b);
    expect(markerNodesDisjoint(a, n("sys_platform == 'linux'"))).toBe(true);
    expect(markerNodesDisjoint(a, b)).toBe(false);
    // uv's known-impossible combinations
    expect(markerNodeAnd(n("os_name == 'nt'"), n("sys_platform == 'linux'"))).toBe(MARKER_NODE_FALSE);
  });

  it("agrees with the tree API (same canonical text) on a table of markers", () => {
    const markers = [
      "sys_platform == 'win32'",
      "platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'",
      "python_full_version >= '3.9' and python_full_version < '3.12' or extra == 'fast'",
      "(os_name == 'nt' or sys_platform == 'darwin') and implementation_name == 'cpython'",
      "extra == 'a' and extra != 'b'",
    ];
    for (const x of markers) {
      for (const y of markers) {
        const [a, b] = [parseMarker(x), parseMarker(y)];
        expect(formatMarkerNode(markerNodeAnd(n(x), n(y)))).toBe(formatMarker(markerAnd(a, b)));
        expect(formatMarkerNode(markerNodeOr(n(x), n(y)))).toBe(formatMarker(markerOr(a, b)));
      }
      expect(formatMarkerNode(markerNodeNot(n(x)))).toBe(formatMarker(markerNot(parseMarker(x))));
    }
  });

  it("markerNodeToTree is memoized: one frozen canonical tree per node", () => {
    const m = n("sys_platform == 'darwin' or sys_platform == 'win32'");
    const t = markerNodeToTree(m);
    expect(markerNodeToTree(m)).toBe(t);
    expect(Object.isFrozen(t)).toBe(true);
    expect(t).toEqual(canonicalizeMarker(parseMarker("sys_platform == 'win32' or sys_platform == 'darwin'")));
    expect(markerToNode(t)).toBe(m);
    expect(markerNodeToTree(MARKER_NODE_TRUE)).toBe(MARKER_TRUE);
    expect(markerNodeToTree(MARKER_NODE_FALSE)).toBe(MARKER_FALSE);
    // The tree API returns the shared trees too.
    expect(markerOr(parseMarker("sys_platform == 'win32'"), parseMarker("sys_platform == 'darwin'"))).toBe(t);
  });

  it("formats true as the empty string and false as uv's false marker", () => {
    expect(formatMarkerNode(MARKER_NODE_TRUE)).toBe("");
    expect(formatMarkerNode(MARKER_NODE_FALSE)).toBe("python_version < '0'");
  });

  it("markerNodeExtras lists the extra variables, sorted and distinct", () => {
    expect(markerNodeExtras(n("sys_platform == 'win32'"))).toEqual([]);
    expect(markerNodeExtras(MARKER_NODE_TRUE)).toEqual([]);
    expect(markerNodeExtras(MARKER_NODE_FALSE)).toEqual([]);
    const m = n("(extra == 'zeta' and sys_platform == 'linux') or extra == 'Alpha' or extra != 'extra-7-project-x'");
    expect(markerNodeExtras(m)).toEqual(["alpha", "extra-7-project-x", "zeta"]);
    expect(markerNodeExtras(markerNodeNot(m))).toEqual(["alpha", "extra-7-project-x", "zeta"]);
  });

  it("resolveExtrasNode and simplifyMarkerNode match the tree API", () => {
    const text = "(extra == 'a' and sys_platform == 'linux') or (extra != 'a' and python_full_version < '3.9')";
    for (const v of [true, false, undefined]) {
      expect(formatMarkerNode(resolveExtrasNode(n(text), (e) => (e === "a" ? v : undefined)))).toBe(
        formatMarker(resolveExtras(parseMarker(text), (e) => (e === "a" ? v : undefined))),
      );
    }
    const py = "python_full_version >= '3.8' and python_full_version < '3.12'";
    expect(formatMarkerNode(simplifyMarkerNode(n(py), { requiresPython: ">=3.8" }))).toBe(
      "python_full_version < '3.12'",
    );
    expect(simplifyMarkerNode(n(py), { requiresPython: ">=3.8" })).toBe(
      markerToNode(simplifyMarker(parseMarker(py), { requiresPython: ">=3.8" })),
    );
    expect(simplifyMarkerNode(n(py), {})).toBe(n(py));
    // An empty requires-python range makes everything false, like simplifyMarker.
    expect(simplifyMarkerNode(MARKER_NODE_TRUE, { requiresPython: ">=3.12,<3.12" })).toBe(MARKER_NODE_FALSE);
    expect(() => simplifyMarkerNode(n(py), { requiresPython: ">=banana" })).toThrow(/banana/);
  });
});
