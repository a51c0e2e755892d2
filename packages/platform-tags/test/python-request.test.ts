import { describe, expect, it } from "vitest";
import { parsePythonRequest } from "../src/index.js";

describe("parsePythonRequest", () => {
  it.each([
    ["3.13", [3, 13], "3.13.0", false],
    ["3.13.5", [3, 13], "3.13.5", false],
    ["3.13t", [3, 13], "3.13.0", true],
    ["3.14.1t", [3, 14], "3.14.1", true],
    ["3.9", [3, 9], "3.9.0", false],
    ["cpython3.12", [3, 12], "3.12.0", false],
  ])("parses %s", (input, python, full, ft) => {
    expect(parsePythonRequest(input)).toEqual({ python, pythonFullVersion: full, freeThreaded: ft });
  });

  it("refuses versions outside 3.9–3.14 and lists the supported ones", () => {
    expect(() => parsePythonRequest("3.8")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The Python version "3.8" is not supported: tspack targets CPython 3.9, 3.10, 3.11, 3.12, 3.13, 3.14]`,
    );
    expect(() => parsePythonRequest("2.7")).toThrow(/is not supported/);
    expect(() => parsePythonRequest("3.15")).toThrow(/is not supported/);
  });

  it("refuses free-threading before 3.13 and malformed input", () => {
    expect(() => parsePythonRequest("3.12t")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The Python version "3.12t" is not supported: free-threaded builds exist only for CPython 3.13 and later]`,
    );
    expect(() => parsePythonRequest("three")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The Python version "three" is invalid: expected a version such as 3.13, 3.13.5 or 3.13t]`,
    );
    expect(() => parsePythonRequest("3")).toThrow(/is invalid/);
  });
});
