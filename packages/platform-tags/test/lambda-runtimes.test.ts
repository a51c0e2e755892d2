import { describe, expect, it } from "vitest";
import { findLambdaRuntime, LAMBDA_RUNTIMES, normalizeArch, supportedTags, targetFromRuntime } from "../src/index.js";

describe("LAMBDA_RUNTIMES", () => {
  it("covers python3.9–3.14 with Amazon Linux 2 (glibc 2.26) up to 3.11 and AL2023 (2.34) from 3.12", () => {
    expect(LAMBDA_RUNTIMES.map((r) => [r.runtime, r.os, r.glibc.join(".")])).toEqual([
      ["python3.9", "Amazon Linux 2", "2.26"],
      ["python3.10", "Amazon Linux 2", "2.26"],
      ["python3.11", "Amazon Linux 2", "2.26"],
      ["python3.12", "Amazon Linux 2023", "2.34"],
      ["python3.13", "Amazon Linux 2023", "2.34"],
      ["python3.14", "Amazon Linux 2023", "2.34"],
    ]);
    expect(findLambdaRuntime("python3.13")).toEqual({
      runtime: "python3.13",
      python: "3.13",
      os: "Amazon Linux 2023",
      glibc: [2, 34],
      interpreter: "/var/lang/bin/python3.13",
      baseImage: "public.ecr.aws/lambda/python:3.13",
    });
  });
});

describe("targetFromRuntime", () => {
  it("builds the target of a runtime; arm64 and aarch64 are the same arch", () => {
    expect(targetFromRuntime("python3.13", "arm64")).toEqual({
      implementation: "cpython",
      pythonFullVersion: "3.13.0",
      python: [3, 13],
      arch: "aarch64",
      glibc: [2, 34],
      freeThreaded: false,
    });
    expect(targetFromRuntime("python3.13", "aarch64")).toEqual(targetFromRuntime("python3.13", "arm64"));
    expect(targetFromRuntime("python3.11", "x86_64")).toMatchObject({ python: [3, 11], glibc: [2, 26] });
  });

  it("gives python3.13 x86_64 the same 1002 tags as x86_64-manylinux_2_34", () => {
    expect(supportedTags(targetFromRuntime("python3.13", "x86_64"))).toHaveLength(1002);
  });

  it("refuses unknown runtimes and architectures", () => {
    expect(() => targetFromRuntime("python3.8", "x86_64")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The Lambda runtime "python3.8" is not supported: unknown Python runtime]`,
    );
    expect(() => targetFromRuntime("python3.13", "amd64" as "x86_64")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The architecture "amd64" is not supported: AWS Lambda runs x86_64 or arm64]`,
    );
    expect(normalizeArch("ARM64")).toBe("aarch64");
  });
});
