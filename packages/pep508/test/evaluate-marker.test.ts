import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evaluateMarker, type MarkerEnvironment, parseMarker } from "../src/index.js";

/** A Lambda-like target: CPython 3.13 on x86_64 Linux (platform_release/version empty, like uv). */
const LAMBDA: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.13.1",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "",
  platform_system: "Linux",
  platform_version: "",
  python_full_version: "3.13.1",
  python_version: "3.13",
  sys_platform: "linux",
};

const WINDOWS: MarkerEnvironment = {
  ...LAMBDA,
  os_name: "nt",
  platform_machine: "AMD64",
  platform_system: "Windows",
  platform_release: "10",
  platform_version: "10.0.19045",
  sys_platform: "win32",
  python_full_version: "3.9.7",
  python_version: "3.9",
  implementation_version: "3.9.7",
};

describe("evaluateMarker", () => {
  it.each([
    ["sys_platform == 'linux'", true, false],
    ["sys_platform == 'win32'", false, true],
    ["os.name == 'nt'", false, true],
    ["platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'", true, false],
    ["python_version >= '3.9'", true, true],
    ["python_version > '3.9'", true, false],
    ["python_version < '3.10'", false, true],
    ["python_version == '3.13'", true, false],
    ["python_full_version == '3.13.*'", true, false],
    ["python_full_version != '3.9.*'", true, false],
    ["python_full_version >= '3.13.1'", true, false],
    ["python_full_version > '3.13.0rc1'", true, false],
    ["python_version ~= '3.9'", true, true],
    ["python_full_version ~= '3.9.0'", false, true],
    ["'3.10' <= python_version", true, false],
    ["python_version in '3.8 3.9'", false, true],
    ["'linux' in sys_platform", true, false],
    ["'lin' in sys_platform", true, false],
    ["'win' not in sys_platform", true, false],
    ["sys_platform in 'linux darwin'", true, false],
    ["platform_machine == 'x86_64' or platform_machine == 'AMD64'", true, true],
    ["platform_machine == 'aarch64' and sys_platform == 'linux'", false, false],
    ["platform_release >= '5'", false, true],
    ["platform_version >= '10.0'", false, true],
    ["platform_system < 'M'", true, false],
    ["implementation_version === '3.13.1'", true, false],
    ["(sys_platform == 'win32' or python_version >= '3.12') and implementation_name == 'cpython'", true, true],
    ["sys_platform == 'win32' or python_version >= '3.12' and implementation_name == 'pypy'", false, true],
    ["os_name ~= 'posix'", false, false],
  ])("%s → linux %j, windows %j", (marker, onLinux, onWindows) => {
    const tree = parseMarker(marker);
    expect(evaluateMarker(tree, LAMBDA)).toBe(onLinux);
    expect(evaluateMarker(tree, WINDOWS)).toBe(onWindows);
  });

  it.each([
    ["extra == 'socks'", [], false],
    ["extra == 'socks'", ["socks"], true],
    ["extra == 'Socks_Extra'", ["socks.extra"], true],
    ["extra != 'socks'", [], true],
    ["extra != 'socks'", ["SOCKS"], false],
    ["'socks' == extra", ["socks"], true],
    ["extra == 'a' and extra == 'b'", ["a", "b"], true],
    ["extra > 'a'", ["b"], false],
    ["'socks' in extras", ["socks"], true],
    ["'socks' not in extras", ["socks"], false],
  ])("%s with extras %j → %j", (marker, extras, expected) => {
    expect(evaluateMarker(parseMarker(marker), LAMBDA, extras)).toBe(expected);
  });

  it("evaluates dependency_groups against the groups argument", () => {
    const m = parseMarker("'dev' in dependency_groups");
    expect(evaluateMarker(m, LAMBDA, [], ["Dev"])).toBe(true);
    expect(evaluateMarker(m, LAMBDA, ["dev"], [])).toBe(false);
  });

  const python = spawnSync("python3", ["-c", "import pip._vendor.packaging.markers"], { encoding: "utf8" });
  it.skipIf(python.status !== 0)("agrees with pypa/packaging (pip's vendored copy) on a table of markers", () => {
    const markers = [
      "python_version >= '3.9' and sys_platform == 'linux'",
      "python_full_version < '3.13.1' or os_name == 'nt'",
      "platform_machine in 'x86_64 aarch64'",
      "'86' in platform_machine",
      "python_version != '3.13' and platform_system == 'Linux'",
      "python_full_version == '3.13.*'",
      "implementation_name == 'cpython' and platform_python_implementation == 'CPython'",
      "platform_release >= '5'",
      "platform_system < 'M'",
      "python_version ~= '3.9'",
      "'3.10' <= python_version",
    ];
    const envs = [LAMBDA, WINDOWS];
    const script = `
import json, sys
from pip._vendor.packaging.markers import Marker
data = json.load(sys.stdin)
print(json.dumps([[Marker(m).evaluate(env) for env in data["envs"]] for m in data["markers"]]))
`;
    const r = spawnSync("python3", ["-c", script], { input: JSON.stringify({ markers, envs }), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const expected = JSON.parse(r.stdout) as boolean[][];
    const actual = markers.map((m) => envs.map((env) => evaluateMarker(parseMarker(m), env)));
    expect(actual).toEqual(expected);
  });
});
