import { describe, expect, it } from "vitest";
import { DEFAULT_TARGET, explainNearestMiss, targetFromPlatform, targetFromRuntime } from "../src/index.js";

// numpy 2.3.1 on PyPI ships cp313 Linux wheels only for manylinux_2_27/2_28 (plus musllinux, macOS, Windows).
const numpy = [
  "numpy-2.3.1-cp313-cp313-macosx_14_0_arm64.whl",
  "numpy-2.3.1-cp313-cp313-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl",
  "numpy-2.3.1-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
  "numpy-2.3.1-cp313-cp313-musllinux_1_2_x86_64.whl",
  "numpy-2.3.1-cp313-cp313-win_amd64.whl",
  "numpy-2.3.1-cp313-cp313t-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
];
const numpyPkg = { name: "numpy", version: "2.3.1" };

describe("explainNearestMiss", () => {
  it("suggests the runtime whose glibc is new enough", () => {
    expect(explainNearestMiss(numpyPkg, numpy, DEFAULT_TARGET)).toBe(
      "numpy 2.3.1 has wheels for manylinux_2_28_x86_64 but the target allows up to manylinux_2_17: the python3.13 runtime supports manylinux_2_34 (try `--runtime python3.13`)",
    );
    expect(explainNearestMiss(numpyPkg, numpy, targetFromPlatform("aarch64-manylinux2014", "3.13"))).toBe(
      "numpy 2.3.1 has wheels for manylinux_2_28_aarch64 but the target allows up to manylinux_2_17: the python3.13 runtime supports manylinux_2_34 (try `--runtime python3.13`)",
    );
  });

  it("returns undefined when a wheel already fits", () => {
    expect(explainNearestMiss(numpyPkg, numpy, targetFromRuntime("python3.13", "x86_64"))).toBeUndefined();
  });

  it("suggests the other architecture when only that one has wheels", () => {
    const wheels = ["x-1.0-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"];
    expect(explainNearestMiss({ name: "x", version: "1.0" }, wheels, DEFAULT_TARGET)).toBe(
      "x 1.0 has wheels for manylinux_2_17_aarch64 but the target is cp313 x86_64 manylinux_2_17: the python3.13 runtime on arm64 supports it (try `--runtime python3.13 --arch arm64`)",
    );
  });

  it("suggests another Python runtime when only other ABIs exist", () => {
    const wheels = [
      { python: ["cp312"], abi: ["cp312"], platform: ["manylinux2014_x86_64"] },
      { python: ["cp311"], abi: ["cp311"], platform: ["manylinux2014_x86_64"] },
    ];
    expect(explainNearestMiss({ name: "x", version: "1.0" }, wheels, DEFAULT_TARGET)).toBe(
      "x 1.0 has wheels for cp312-cp312-manylinux2014_x86_64 but the target is cp313 x86_64 manylinux_2_17: the python3.12 runtime on x86_64 supports it (try `--runtime python3.12`)",
    );
  });

  it("says no runtime fits when the wheel needs a glibc newer than Amazon Linux 2023", () => {
    const wheels = ["x-1.0-cp313-cp313-manylinux_2_39_x86_64.whl", "x-1.0-cp313-cp313-manylinux_2_35_x86_64.whl"];
    expect(explainNearestMiss({ name: "x", version: "1.0" }, wheels, DEFAULT_TARGET)).toBe(
      "x 1.0 has wheels for manylinux_2_35_x86_64 but the target allows up to manylinux_2_17: no Lambda runtime provides glibc 2.35 (the newest, Amazon Linux 2023, has glibc 2.34)",
    );
  });

  it("returns undefined for wheels no Lambda target can use (musl, macOS, Windows)", () => {
    const wheels = ["x-1.0-cp313-cp313-musllinux_1_2_x86_64.whl", "x-1.0-cp313-cp313-win_amd64.whl", "bad.whl"];
    expect(explainNearestMiss({ name: "x", version: "1.0" }, wheels, DEFAULT_TARGET)).toBeUndefined();
  });

  it("points a free-threaded target at the GIL runtime", () => {
    const t = targetFromPlatform("x86_64-manylinux2014", "3.13t");
    expect(explainNearestMiss({ name: "x", version: "1.0" }, ["x-1.0-cp313-cp313-manylinux2014_x86_64.whl"], t)).toBe(
      "x 1.0 has wheels for cp313-cp313-manylinux2014_x86_64 but the target is cp313t x86_64 manylinux_2_17: the python3.13 runtime on x86_64 supports it (try `--runtime python3.13`)",
    );
  });
});
