import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  canonicalizeMarker,
  evaluateMarker,
  formatMarker,
  isMarkerFalse,
  isMarkerTrue,
  MARKER_FALSE,
  MARKER_TRUE,
  type MarkerEnvironment,
  type MarkerTree,
  markerAnd,
  markerNot,
  markerOr,
  markersDisjoint,
  markersEqual,
  parseMarker,
  resolveExtras,
  simplifyMarker,
} from "../src/index.js";

const p = parseMarker;
const fmt = (s: string) => formatMarker(p(s));

describe("formatMarker (uv's canonical Display)", () => {
  it("prints the spec's verbatim examples unchanged", () => {
    for (const s of [
      "(python_full_version >= '3.12' and implementation_name != 'pypy' and os_name == 'nt') or (implementation_name != 'pypy' and os_name == 'nt' and sys_platform == 'win32')",
      "os_name == 'nt' and sys_platform == 'win32'",
      "sys_platform == 'darwin' or sys_platform == 'win32'",
      "sys_platform == 'win32'",
      "python_full_version < '3.12'",
      "python_full_version != '3.11.*'",
    ]) {
      expect(fmt(s)).toBe(s);
    }
  });

  it("combines like uv export: AND of sys_platform and os_name, OR in either order", () => {
    expect(formatMarker(markerAnd(p("sys_platform == 'win32'"), p("os_name == 'nt'")))).toBe(
      "os_name == 'nt' and sys_platform == 'win32'",
    );
    expect(formatMarker(markerOr(p("sys_platform == 'darwin'"), p("sys_platform == 'win32'")))).toBe(
      "sys_platform == 'darwin' or sys_platform == 'win32'",
    );
    expect(formatMarker(markerOr(p("sys_platform == 'win32'"), p("sys_platform == 'darwin'")))).toBe(
      "sys_platform == 'darwin' or sys_platform == 'win32'",
    );
  });

  it.each([
    // python_version → python_full_version
    ["python_version > '3.11'", "python_full_version >= '3.12'"],
    ["python_version == '3.9'", "python_full_version == '3.9.*'"],
    ["python_version != '3.7'", "python_full_version != '3.7.*'"],
    ["python_version <= '3.7'", "python_full_version < '3.8'"],
    [
      "python_version >= '3.8' and python_version < '3.12'",
      "python_full_version >= '3.8' and python_full_version < '3.12'",
    ],
    ["python_version == '3.9.1'", "python_version < '0'"],
    ["python_version != '3.9.1'", ""],
    ["python_version < '3.9.1'", "python_full_version < '3.10'"],
    ["python_version ~= '3.9'", "python_full_version >= '3.9' and python_full_version < '4'"],
    ["python_version ~= '3.9.0'", "python_full_version == '3.9.*'"],
    ["python_version == '3.*'", "python_full_version >= '3' and python_full_version < '4'"],
    ["python_version in '3.9 3.10'", "python_full_version >= '3.9' and python_full_version < '3.11'"],
    ["'3.9' < python_version", "python_full_version >= '3.10'"],
    // release-only bounds, trimmed
    ["python_full_version >= '3.13.0rc1'", "python_full_version >= '3.13'"],
    ["python_full_version < '3.10.0'", "python_full_version < '3.10'"],
    ["python_full_version >= '3.9' and python_full_version < '3.10'", "python_full_version == '3.9.*'"],
    ["python_full_version < '3.8' or python_full_version >= '3.9'", "python_full_version != '3.8.*'"],
    [
      "python_full_version != '3.9.1' and python_full_version != '3.9.2'",
      "python_full_version != '3.9.1' and python_full_version != '3.9.2'",
    ],
    [
      "implementation_version >= '3.8' and python_full_version >= '3.9'",
      "implementation_version >= '3.8' and python_full_version >= '3.9'",
    ],
    // term and clause order, quoting, aliases
    [
      'sys_platform == "linux" and platform_machine == "x86_64"',
      "platform_machine == 'x86_64' and sys_platform == 'linux'",
    ],
    ["sys_platform != 'win32' and sys_platform != 'darwin'", "sys_platform != 'darwin' and sys_platform != 'win32'"],
    [
      "sys_platform == 'win32' or sys_platform == 'linux' or sys_platform == 'darwin'",
      "sys_platform == 'darwin' or sys_platform == 'linux' or sys_platform == 'win32'",
    ],
    ["extra == 'b' or extra == 'a'", "extra == 'a' or extra == 'b'"],
    ["extra == 'Foo.Bar'", "extra == 'foo-bar'"],
    ["extra == 'x' and python_version >= '3.9'", "python_full_version >= '3.9' and extra == 'x'"],
    ["os.name == 'nt' and sys.platform == 'win32'", "os_name == 'nt' and sys_platform == 'win32'"],
    ["'linux' in sys_platform", "'linux' in sys_platform"],
    ["sys_platform not in 'linux win32'", "sys_platform not in 'linux win32'"],
    ["'x' in extras and 'dev' not in dependency_groups", "'x' in extras and 'dev' not in dependency_groups"],
    // platform_system values uv maps onto sys_platform
    ["platform_system == 'Linux'", "sys_platform == 'linux'"],
    ["platform_system != 'Windows'", "sys_platform != 'win32'"],
    ["platform_system == 'FreeBSD'", "platform_system == 'FreeBSD'"],
    // ignored expressions (uv warns and drops them)
    ["os_name ~= 'x' or sys_platform == 'linux'", "sys_platform == 'linux'"],
    ["extra > 'x'", ""],
    // constants
    ["sys_platform == 'linux' and sys_platform == 'win32'", "python_version < '0'"],
    ["python_full_version >= '3.12' or python_full_version < '3.12'", ""],
    ["extra == 'not a name!'", "python_version < '0'"],
  ])("%s → %j", (input, expected) => {
    expect(fmt(input)).toBe(expected);
  });

  it.each([
    "sys_platform == 'win32' and platform_system == 'Darwin'",
    "os_name == 'nt' and sys_platform == 'linux'",
    "os_name == 'nt' and sys_platform == 'darwin'",
    "os_name == 'posix' and sys_platform == 'win32'",
    "platform_system == 'Windows' and os_name == 'posix'",
    "platform_system == 'FreeBSD' and sys_platform == 'linux'",
  ])("knows the impossible platform combination %s", (m) => {
    expect(isMarkerFalse(p(m))).toBe(true);
    expect(fmt(m)).toBe("python_version < '0'");
  });

  it("keeps compatible platform combinations", () => {
    expect(fmt("os_name == 'posix' and sys_platform == 'linux'")).toBe(
      "os_name == 'posix' and sys_platform == 'linux'",
    );
    expect(fmt("platform_system == 'iOS' and sys_platform == 'ios'")).toBe(
      "platform_system == 'iOS' and sys_platform == 'ios'",
    );
  });

  it("round-trips every marker of the uv-aws-lambda-example lock", () => {
    const lock = readFileSync(new URL("../../../test/fixtures/uv-aws-lambda-example/uv.lock", import.meta.url), "utf8");
    const markers = [...lock.matchAll(/marker = "([^"]*)"/g)].map((m) => m[1] as string);
    expect(markers.length).toBeGreaterThan(0);
    for (const m of markers) expect(fmt(m)).toBe(m);
  });

  it("round-trips 494 canonical markers from uv's test snapshots", () => {
    const text = readFileSync(new URL("./fixtures/uv-canonical-markers.txt", import.meta.url), "utf8");
    const markers = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(markers.length).toBe(494);
    const mismatches = markers.filter((m) => fmt(m) !== m);
    expect(mismatches).toEqual([]);
  });

  it("matches uv's own simplification unit tests", () => {
    const cases = JSON.parse(readFileSync(new URL("./fixtures/uv-simplify-cases.json", import.meta.url), "utf8")) as {
      simplifies: [string, string][];
      true: string[];
      false: string[];
    };
    expect(cases.simplifies.length).toBeGreaterThan(40);
    const mismatches = cases.simplifies.filter(([input, output]) => fmt(input) !== output);
    expect(mismatches).toEqual([]);
    for (const m of cases.true) expect(isMarkerTrue(p(m))).toBe(true);
    for (const m of cases.false) expect(isMarkerFalse(p(m))).toBe(true);
  });
});

describe("algebra", () => {
  it("reads uv's printed false marker back like uv: not the constant false", () => {
    expect(isMarkerFalse(p("python_version < '0'"))).toBe(false);
    expect(fmt("python_version < '0'")).toBe("python_full_version < '0'");
  });

  it("exposes semantic constants", () => {
    expect(isMarkerTrue(MARKER_TRUE)).toBe(true);
    expect(isMarkerFalse(MARKER_FALSE)).toBe(true);
    expect(formatMarker(MARKER_TRUE)).toBe("");
    expect(formatMarker(MARKER_FALSE)).toBe("python_version < '0'");
    expect(isMarkerTrue(p("sys_platform == 'linux'"))).toBe(false);
    expect(isMarkerFalse(p("sys_platform == 'linux'"))).toBe(false);
    expect(markerAnd(MARKER_TRUE, p("os_name == 'nt'"))).toEqual(p("os_name == 'nt'"));
    expect(markerOr(MARKER_FALSE, p("os_name == 'nt'"))).toEqual(p("os_name == 'nt'"));
    expect(isMarkerTrue(markerOr(p("os_name == 'nt'"), markerNot(p("os_name == 'nt'"))))).toBe(true);
  });

  it("returns canonical trees that print and parse back identically", () => {
    const m = markerAnd(p("python_version >= '3.9'"), p("sys_platform == 'linux' or sys_platform == 'darwin'"));
    expect(m).toEqual(
      p(
        "(python_full_version >= '3.9' and sys_platform == 'darwin') or (python_full_version >= '3.9' and sys_platform == 'linux')",
      ),
    );
    expect(canonicalizeMarker(p("python_version == '3.9'"))).toEqual(p("python_full_version == '3.9.*'"));
    expect(
      markersEqual(p("python_version == '3.9'"), p("python_full_version >= '3.9' and python_full_version < '3.10'")),
    ).toBe(true);
    expect(markersDisjoint(p("sys_platform == 'linux'"), p("os_name == 'nt'"))).toBe(true);
    expect(markersDisjoint(p("sys_platform == 'linux'"), p("os_name == 'posix'"))).toBe(false);
  });

  it("simplifyMarker drops bounds implied by requires-python", () => {
    const s = (m: string, rp: string) => formatMarker(simplifyMarker(p(m), { requiresPython: rp }));
    expect(s("python_full_version >= '3.8' and python_full_version < '3.12'", ">=3.8")).toBe(
      "python_full_version < '3.12'",
    );
    expect(s("python_version > '3.11' and sys_platform == 'linux'", ">=3.12")).toBe("sys_platform == 'linux'");
    expect(s("python_version > '3.11'", ">=3.12")).toBe("");
    expect(s("python_version < '3.12'", ">=3.12")).toBe("python_version < '0'");
    expect(s("python_full_version < '3.13' or sys_platform == 'win32'", ">=3.10,<3.14")).toBe(
      "python_full_version < '3.13' or sys_platform == 'win32'",
    );
    expect(s("sys_platform == 'linux'", "")).toBe("sys_platform == 'linux'");
    expect(formatMarker(simplifyMarker(p("python_version >= '3.9'")))).toBe("python_full_version >= '3.9'");
  });

  it("resolveExtras fixes decided extras and keeps the rest", () => {
    const m = p("(extra == 'foo' and sys_platform == 'linux') or extra == 'bar' or extra == 'extra-7-project-dev'");
    const decide = (x: string) => (x === "foo" ? true : x === "bar" ? false : undefined);
    expect(formatMarker(resolveExtras(m, decide))).toBe("sys_platform == 'linux' or extra == 'extra-7-project-dev'");
    expect(isMarkerTrue(resolveExtras(p("extra == 'foo' or extra == 'bar'"), (x) => x === "foo" || undefined))).toBe(
      true,
    );
    expect(formatMarker(resolveExtras(p("extra != 'foo'"), () => true))).toBe("python_version < '0'");
  });
});

describe("property: the algebra agrees with evaluation", () => {
  // A deterministic PRNG so failures are reproducible.
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;

  const atoms = [
    () => `python_version ${pick(["<", "<=", ">", ">=", "==", "!="])} '3.${pick([8, 9, 10, 11, 12, 13])}'`,
    () => `python_full_version ${pick(["<", "<=", ">", ">=", "==", "!="])} '3.${pick([9, 12, 13])}.${pick([0, 1, 5])}'`,
    () => `python_full_version ${pick(["==", "!="])} '3.${pick([9, 12, 13])}.*'`,
    () => `sys_platform ${pick(["==", "!="])} '${pick(["linux", "win32", "darwin", "cygwin"])}'`,
    () => `os_name ${pick(["==", "!="])} '${pick(["nt", "posix"])}'`,
    () => `platform_machine ${pick(["==", "!="])} '${pick(["x86_64", "aarch64", "AMD64"])}'`,
    () => `implementation_name ${pick(["==", "!="])} '${pick(["cpython", "pypy"])}'`,
    () => `platform_python_implementation ${pick(["==", "!="])} '${pick(["CPython", "PyPy"])}'`,
    () => `extra ${pick(["==", "!="])} '${pick(["a", "b"])}'`,
    () => `'${pick(["lin", "win", "86"])}' ${pick(["in", "not in"])} ${pick(["sys_platform", "platform_machine"])}`,
  ];
  const randomMarker = (depth: number): string => {
    if (depth === 0 || rand(3) === 0) return (pick(atoms) as () => string)();
    const n = 2 + rand(2);
    const parts = Array.from({ length: n }, () => randomMarker(depth - 1));
    return `(${parts.join(pick([" and ", " or "]))})`;
  };

  const envs: [MarkerEnvironment, string[]][] = [];
  for (const py of ["3.8.10", "3.9.0", "3.9.7", "3.12.0", "3.12.5", "3.13.1"]) {
    for (const [sys, os, machine] of [
      ["linux", "posix", "x86_64"],
      ["linux", "posix", "aarch64"],
      ["win32", "nt", "AMD64"],
      ["darwin", "posix", "arm64"],
      ["cygwin", "posix", "x86_64"],
    ] as const) {
      for (const impl of ["cpython", "pypy"]) {
        const env: MarkerEnvironment = {
          implementation_name: impl,
          implementation_version: py,
          os_name: os,
          platform_machine: machine,
          platform_python_implementation: impl === "pypy" ? "PyPy" : "CPython",
          platform_release: "",
          platform_system:
            sys === "win32" ? "Windows" : sys === "darwin" ? "Darwin" : sys === "linux" ? "Linux" : "CYGWIN_NT-10.0",
          platform_version: "",
          python_full_version: py,
          python_version: py.split(".").slice(0, 2).join("."),
          sys_platform: sys,
        };
        envs.push([env, []], [env, ["a"]], [env, ["a", "b"]]);
      }
    }
  }
  const agree = (m: MarkerTree, f: (env: MarkerEnvironment, extras: string[]) => boolean) =>
    envs.every(([env, extras]) => evaluateMarker(m, env, extras) === f(env, extras));

  it("evaluate(and(a, b)) = evaluate(a) && evaluate(b); same for or; parse(format(m)) ≡ m", () => {
    for (let i = 0; i < 150; i++) {
      const a = p(randomMarker(2));
      const b = p(randomMarker(2));
      const ev = (m: MarkerTree) => (env: MarkerEnvironment, extras: string[]) => evaluateMarker(m, env, extras);
      expect(
        agree(markerAnd(a, b), (e, x) => ev(a)(e, x) && ev(b)(e, x)),
        `${formatMarker(a)} AND ${formatMarker(b)}`,
      ).toBe(true);
      expect(
        agree(markerOr(a, b), (e, x) => ev(a)(e, x) || ev(b)(e, x)),
        `${formatMarker(a)} OR ${formatMarker(b)}`,
      ).toBe(true);
      expect(
        agree(markerNot(a), (e, x) => !ev(a)(e, x)),
        `NOT ${formatMarker(a)}`,
      ).toBe(true);
      const text = formatMarker(a);
      const reparsed = text === "" ? MARKER_TRUE : p(text);
      expect(agree(reparsed, ev(a)), `${text}`).toBe(true);
      // uv does not read its own false marker back as false (tree.rs: `!m("python_version < '0'").is_false()`).
      if (text !== "python_version < '0'") expect(formatMarker(reparsed)).toBe(text);
    }
  });
});
