import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { PYTHON_PLATFORMS, targetFromPlatform } from "../src/index.js";

describe("targetFromPlatform", () => {
  it.each<[string, "x86_64" | "aarch64", number]>([
    ["x86_64-manylinux2014", "x86_64", 17],
    ["manylinux2014_x86_64", "x86_64", 17],
    ["x86_64-manylinux_2_17", "x86_64", 17],
    ["manylinux_2_17_x86_64", "x86_64", 17],
    ["x86_64-manylinux_2_28", "x86_64", 28],
    ["x86_64-unknown-linux-gnu", "x86_64", 28],
    ["linux", "x86_64", 28],
    ["x86_64-manylinux_2_31", "x86_64", 31],
    ["x86_64-manylinux_2_34", "x86_64", 34],
    ["x86_64-manylinux_2_40", "x86_64", 40],
    ["aarch64-manylinux2014", "aarch64", 17],
    ["manylinux2014_aarch64", "aarch64", 17],
    ["aarch64-manylinux_2_17", "aarch64", 17],
    ["aarch64-manylinux_2_28", "aarch64", 28],
    ["aarch64-unknown-linux-gnu", "aarch64", 28],
    ["aarch64-manylinux_2_34", "aarch64", 34],
    ["manylinux_2_40_aarch64", "aarch64", 40],
  ])("maps %s to %s glibc 2.%d", (triple, arch, minor) => {
    expect(targetFromPlatform(triple, "3.13")).toEqual({
      implementation: "cpython",
      pythonFullVersion: "3.13.0",
      python: [3, 13],
      arch,
      glibc: [2, minor],
      freeThreaded: false,
    });
  });

  it("has uv's 13 manylinux triples per arch (no 2_29/2_30)", () => {
    expect(PYTHON_PLATFORMS.map((p) => p.name).filter((n) => n.startsWith("x86_64"))).toEqual([
      "x86_64-manylinux2014",
      "x86_64-manylinux_2_17",
      "x86_64-manylinux_2_28",
      ...[31, 32, 33, 34, 35, 36, 37, 38, 39, 40].map((m) => `x86_64-manylinux_2_${m}`),
    ]);
    expect(() => targetFromPlatform("x86_64-manylinux_2_29", "3.13")).toThrow(/unknown platform/);
  });

  it("takes the Python version from the request, including patch and free-threading", () => {
    expect(targetFromPlatform("linux", "3.12.8")).toMatchObject({ python: [3, 12], pythonFullVersion: "3.12.8" });
    expect(targetFromPlatform("linux", "3.13t")).toMatchObject({ pythonFullVersion: "3.13.0", freeThreaded: true });
  });

  it("refuses musl with a message saying Lambda is glibc-based", () => {
    expect(() => targetFromPlatform("x86_64-unknown-linux-musl", "3.13")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The Python platform "x86_64-unknown-linux-musl" is not supported: AWS Lambda runs glibc-based Amazon Linux, so musllinux wheels cannot run there]`,
    );
    try {
      targetFromPlatform("aarch64-unknown-linux-musl", "3.13");
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_TARGET_INVALID")).toBe(true);
      expect((e as { hint: string }).hint).toContain("manylinux");
    }
  });

  it.each([
    ["aarch64-apple-darwin", "AWS Lambda runs Linux (x86_64 or arm64)"],
    ["x86_64-pc-windows-msvc", "AWS Lambda runs Linux (x86_64 or arm64)"],
    ["riscv64-unknown-linux", "AWS Lambda runs only x86_64 and arm64 (aarch64)"],
    ["i686-manylinux2014", "AWS Lambda runs only x86_64 and arm64 (aarch64)"],
    ["sparc-sun-solaris", "unknown platform"],
  ])("refuses %s", (triple, reason) => {
    expect(() => targetFromPlatform(triple, "3.13")).toThrow(
      `The Python platform "${triple}" is not supported: ${reason}`,
    );
  });

  it("lists the supported platforms in the hint for an unknown one", () => {
    try {
      targetFromPlatform("nope", "3.13");
      expect.unreachable();
    } catch (e) {
      expect((e as { hint: string }).hint).toMatch(
        /^Supported platforms: x86_64-manylinux2014, x86_64-manylinux_2_17,/,
      );
    }
  });
});
