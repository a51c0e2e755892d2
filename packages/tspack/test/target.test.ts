import { describe, expect, it } from "vitest";
import { resolveTarget } from "../src/target.js";

describe("resolveTarget", () => {
  it("defaults to the uv guide's target: x86_64, CPython 3.13.0, manylinux2014", () => {
    expect(resolveTarget()).toMatchObject({
      arch: "x86_64",
      python: [3, 13],
      pythonFullVersion: "3.13.0",
      glibc: [2, 17],
    });
  });
  it("takes the runtime's glibc", () => {
    expect(resolveTarget({ runtime: "python3.13", arch: "arm64" })).toMatchObject({
      arch: "aarch64",
      glibc: [2, 34],
      python: [3, 13],
    });
    expect(resolveTarget({ runtime: "python3.11" })).toMatchObject({ arch: "x86_64", glibc: [2, 26], python: [3, 11] });
    expect(resolveTarget({ runtime: "python3.13", python: "3.13.5" }).pythonFullVersion).toBe("3.13.5");
  });
  it("--arch alone keeps manylinux2014; --python alone changes only the version", () => {
    expect(resolveTarget({ arch: "arm64" })).toMatchObject({ arch: "aarch64", glibc: [2, 17] });
    expect(resolveTarget({ python: "3.12" })).toMatchObject({ arch: "x86_64", python: [3, 12], glibc: [2, 17] });
  });
  it("takes uv triples", () => {
    expect(resolveTarget({ platform: "aarch64-manylinux_2_28", python: "3.12" })).toMatchObject({
      arch: "aarch64",
      glibc: [2, 28],
      python: [3, 12],
    });
  });
  it("refuses contradictions with a hint", () => {
    expect(() => resolveTarget({ runtime: "python3.13", platform: "x86_64-manylinux2014" })).toThrowError(
      expect.objectContaining({ code: "TSPACK_TARGET_INVALID" }),
    );
    expect(() => resolveTarget({ runtime: "python3.13", python: "3.12" })).toThrowError(
      'The Python "3.12" does not match the runtime "python3.13"',
    );
    expect(() => resolveTarget({ platform: "x86_64-manylinux2014", arch: "arm64" })).toThrowError(
      'The architecture "arm64" contradicts --platform "x86_64-manylinux2014"',
    );
  });
});
