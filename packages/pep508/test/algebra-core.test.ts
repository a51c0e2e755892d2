import { describe, expect, it } from "vitest";
import {
  and,
  andWithFullExclusionCheck,
  exclusionsByDisjunction,
  exclusionsNodeId,
  FALSE,
  not,
  or,
  TRUE,
} from "../src/algebra-core.js";
import { displayNode } from "../src/dnf.js";
import { toNode } from "../src/lowering.js";
import { parseMarker } from "../src/marker-parser.js";

const n = (s: string) => toNode(parseMarker(s));

describe("algebra core", () => {
  it("builds uv's exclusions directly as the same node as uv's 60 disjunctions", () => {
    const direct = exclusionsNodeId();
    expect(direct).not.toBe(TRUE);
    expect(direct).not.toBe(FALSE);
    expect(exclusionsByDisjunction()).toBe(direct);
  });

  it.each([
    ["os_name == 'nt'", "sys_platform == 'linux'"],
    ["os_name == 'posix'", "sys_platform == 'win32'"],
    ["platform_system == 'FreeBSD'", "sys_platform == 'linux'"],
    ["platform_system == 'iPadOS'", "sys_platform == 'darwin'"],
  ])("%s and %s is impossible", (a, b) => {
    expect(and(n(a), n(b))).toBe(FALSE);
    expect(and(n(b), n(a))).toBe(FALSE);
  });

  it.each([
    ["sys_platform != 'cygwin'", "sys_platform != 'win32'", "sys_platform != 'cygwin' and sys_platform != 'win32'"],
    ["os_name == 'posix'", "sys_platform == 'linux'", "os_name == 'posix' and sys_platform == 'linux'"],
    ["platform_system == 'iOS'", "sys_platform == 'ios'", "platform_system == 'iOS' and sys_platform == 'ios'"],
    ["os_name == 'nt'", "sys_platform != 'linux'", "os_name == 'nt' and sys_platform != 'linux'"],
  ])("%s and %s stays possible", (a, b, text) => {
    expect(displayNode(and(n(a), n(b)))).toBe(text);
  });

  it("conjunction is memoized symmetrically and or is its De Morgan dual", () => {
    const markers = [
      "sys_platform == 'win32'",
      "os_name == 'nt'",
      "python_full_version < '3.12'",
      "extra == 'a'",
      "platform_machine == 'x86_64' or sys_platform == 'darwin'",
    ].map(n);
    for (const a of markers) {
      for (const b of markers) {
        expect(and(a, b)).toBe(and(b, a));
        expect(or(a, b)).toBe(not(and(not(a), not(b))));
      }
    }
  });

  it("skipping the exclusion check for nodes satisfiable outside it never changes a conjunction", () => {
    const atoms = [
      "os_name == 'nt'",
      "os_name != 'nt'",
      "os_name == 'posix'",
      "sys_platform == 'linux'",
      "sys_platform != 'linux'",
      "sys_platform == 'win32'",
      "sys_platform == 'ios'",
      "sys_platform != 'cygwin' and sys_platform != 'win32'",
      "platform_system == 'FreeBSD'",
      "platform_system == 'iOS'",
      "platform_system != 'SunOS'",
      "sys_platform == 'darwin' and platform_machine == 'arm64'",
      "os_name == 'nt' and python_full_version < '3.12'",
      "sys_platform == 'linux' or extra == 'a'",
    ].map(n);
    const markers = [...atoms, ...atoms.map(not)];
    let impossible = 0;
    for (const a of markers) {
      for (const b of markers) {
        const full = andWithFullExclusionCheck(a, b);
        expect(and(a, b), `${displayNode(a)} AND ${displayNode(b)}`).toBe(full);
        if (full === FALSE) impossible++;
      }
    }
    expect(impossible).toBeGreaterThan(20);
  });
});
