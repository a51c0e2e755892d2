import { markerEnvironmentFor } from "@tspack/plan";
import { DEFAULT_TARGET, targetFromPlatform } from "@tspack/platform-tags";
import { describe, expect, it } from "vitest";

describe("markerEnvironmentFor", () => {
  it("is uv's cross-target environment for x86_64 CPython 3.13", () => {
    expect(markerEnvironmentFor(DEFAULT_TARGET)).toEqual({
      implementation_name: "cpython",
      implementation_version: "3.13.0",
      os_name: "posix",
      platform_machine: "x86_64",
      platform_python_implementation: "CPython",
      platform_release: "",
      platform_system: "Linux",
      platform_version: "",
      python_full_version: "3.13.0",
      python_version: "3.13",
      sys_platform: "linux",
    });
  });

  it("takes the machine and the Python version from the target", () => {
    const env = markerEnvironmentFor(targetFromPlatform("aarch64-manylinux_2_28", "3.12.7"));
    expect([env.platform_machine, env.python_version, env.python_full_version, env.implementation_version]).toEqual([
      "aarch64",
      "3.12",
      "3.12.7",
      "3.12.7",
    ]);
  });
});
