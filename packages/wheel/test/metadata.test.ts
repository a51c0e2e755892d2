import { describe, expect, it } from "vitest";
import { checkWheelVersion, parseEmailHeaders, parseMetadata, parseWheelFile } from "../src/index.js";

describe("email headers, METADATA and WHEEL", () => {
  it("parses headers with continuation lines and a body", () => {
    const h = parseEmailHeaders("\ufeffName: a\r\nSummary: one\r\n  two\r\nno colon here\r\n\r\nbody: not a header\n");
    expect(h.headers).toEqual([
      ["Name", "a"],
      ["Summary", "one\ntwo"],
    ]);
    expect(h.body).toBe("body: not a header\n");
  });

  it("reads METADATA fields (case-insensitive keys, repeated fields in order)", () => {
    const m = parseMetadata(
      "Metadata-Version: 2.1\nname: FastAPI\nVersion: 0.115.0\nRequires-Python: >=3.8\nRequires-Dist: starlette<0.39,>=0.37\nRequires-Dist: email-validator ; extra == 'all'\nProvides-Extra: all\n\nDescription body\n",
    );
    expect(m).toEqual({
      metadataVersion: "2.1",
      name: "FastAPI",
      version: "0.115.0",
      summary: undefined,
      requiresPython: ">=3.8",
      requiresDist: ["starlette<0.39,>=0.37", "email-validator ; extra == 'all'"],
      providesExtra: ["all"],
    });
    expect(() => parseMetadata("Version: 1\n", "x.whl/x-1.dist-info/METADATA")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The METADATA file "x.whl/x-1.dist-info/METADATA" is invalid: it has no Name]`,
    );
  });

  it("reads WHEEL (first Wheel-Version wins, Root-Is-Purelib must be exactly true)", () => {
    const w = parseWheelFile(
      "Wheel-Version: 1.0\nWheel-Version: 2.0\nGenerator: bdist_wheel (0.38.4)\nRoot-Is-Purelib: True\nTag: py2-none-any\nTag: py3-none-any\n",
    );
    expect(w).toEqual({
      wheelVersion: "1.0",
      versionParts: ["1", "0"],
      rootIsPurelib: false,
      generator: "bdist_wheel (0.38.4)",
      tags: ["py2-none-any", "py3-none-any"],
      build: undefined,
    });
    expect(parseWheelFile("Wheel-Version: 1.9\nRoot-Is-Purelib: true\n").rootIsPurelib).toBe(true);
    expect(() => parseWheelFile("Generator: x\n")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The WHEEL file "WHEEL" is invalid: it has no Wheel-Version]`,
    );
    // Split at the first "." like uv (`split_once('.')`): judged by checkWheelVersion, not refused here.
    expect(parseWheelFile("Wheel-Version: 1.0.1\n").versionParts).toEqual(["1", "0.1"]);
    expect(() => parseWheelFile("Wheel-Version: 1\n")).toThrow('Wheel-Version "1" is not of the form X.Y');
  });

  it("judges Wheel-Version exactly like uv: 0.1 and newer 1.x minors warn, other majors are refused", () => {
    const judge = (v: string) => {
      try {
        return checkWheelVersion("x-1.0-py3-none-any.whl", parseWheelFile(`Wheel-Version: ${v}\n`)) ?? "ok";
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
    };
    expect(
      ["1.0", "0.1", "1.9", "1.10", "1.0.1", "2.0", "0.2", "0.9", "01.0"].map((v) => `${v} → ${judge(v)}`),
    ).toMatchInlineSnapshot(`
      [
        "1.0 → ok",
        "0.1 → Ancient wheel version 0.1 (expected is 1.0)",
        "1.9 → Unsupported wheel minor version (expected 0, got 9)",
        "1.10 → Unsupported wheel minor version (expected 0, got 10)",
        "1.0.1 → Unsupported wheel minor version (expected 0, got 0.1)",
        "2.0 → TSPACK_WHEEL_INVALID: The wheel "x-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 2)",
        "0.2 → TSPACK_WHEEL_INVALID: The wheel "x-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 0)",
        "0.9 → TSPACK_WHEEL_INVALID: The wheel "x-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 0)",
        "01.0 → TSPACK_WHEEL_INVALID: The wheel "x-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 01)",
      ]
    `);
  });
});
