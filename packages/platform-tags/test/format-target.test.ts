import { describe, expect, it } from "vitest";
import { DEFAULT_TARGET, formatTarget, targetFromRuntime, targetToJSON } from "../src/index.js";

describe("formatTarget / targetToJSON", () => {
  it("formats the default target like `cp313 x86_64 manylinux_2_17`", () => {
    expect(formatTarget(DEFAULT_TARGET)).toBe("cp313 x86_64 manylinux_2_17");
    expect(formatTarget(targetFromRuntime("python3.12", "arm64"))).toBe("cp312 aarch64 manylinux_2_34");
    expect(formatTarget({ ...DEFAULT_TARGET, freeThreaded: true })).toBe("cp313t x86_64 manylinux_2_17");
  });

  it("serializes to a plain object with a fixed key order", () => {
    const json = targetToJSON(DEFAULT_TARGET);
    expect(json).toEqual({
      implementation: "cpython",
      python: "3.13",
      pythonFullVersion: "3.13.0",
      abi: "cp313",
      arch: "x86_64",
      glibc: "2.17",
      platformTag: "manylinux_2_17_x86_64",
      freeThreaded: false,
    });
    expect(JSON.stringify(json)).toBe(
      '{"implementation":"cpython","python":"3.13","pythonFullVersion":"3.13.0","abi":"cp313","arch":"x86_64","glibc":"2.17","platformTag":"manylinux_2_17_x86_64","freeThreaded":false}',
    );
  });

  it("DEFAULT_TARGET is x86_64, CPython 3.13, manylinux2014 and frozen", () => {
    expect(DEFAULT_TARGET).toEqual({
      implementation: "cpython",
      pythonFullVersion: "3.13.0",
      python: [3, 13],
      arch: "x86_64",
      glibc: [2, 17],
      freeThreaded: false,
    });
    expect(Object.isFrozen(DEFAULT_TARGET)).toBe(true);
  });
});
