import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  formatCaret,
  formatPath,
  formatSourceExcerpt,
  isTspackError,
  redactUrl,
  TspackError,
} from "../src/index.js";

describe("TspackError", () => {
  it("carries a stable code, a hint and details, and is recognised by brand", () => {
    const e = new TspackError(ERROR_CODES.LOCK_INVALID, "bad", { hint: "run uv lock", details: { path: "a" } });
    expect(isTspackError(e)).toBe(true);
    expect(isTspackError(e, "TSPACK_LOCK_INVALID")).toBe(true);
    expect(isTspackError(e, "TSPACK_USAGE")).toBe(false);
    expect(isTspackError(new Error("x"))).toBe(false);
    expect(e.toJSON()).toEqual({
      code: "TSPACK_LOCK_INVALID",
      message: "bad",
      hint: "run uv lock",
      details: { path: "a" },
    });
  });

  it("is recognised across copies of the class (brand, not instanceof)", () => {
    const foreign = Object.assign(new Error("x"), { code: "TSPACK_USAGE" });
    Object.defineProperty(foreign, Symbol.for("tspack.error"), { value: true });
    expect(isTspackError(foreign, "TSPACK_USAGE")).toBe(true);
  });
});

describe("formatters", () => {
  it("puts a caret under the column", () => {
    expect(formatCaret("os_name ==", 8, 2)).toBe("os_name ==\n        ^^");
  });
  it("shows the offending line with its number", () => {
    expect(formatSourceExcerpt("a = 1\nb = = 2\n", 2, 5)).toBe("2 | b = = 2\n        ^");
  });
  it("builds dotted paths", () => {
    expect(formatPath(["package", 12, "wheels", 3, "hash"])).toBe("package[12].wheels[3].hash");
  });
  it("redacts credentials", () => {
    expect(redactUrl("https://user:secret@example.com/simple/")).toBe("https://****@example.com/simple/");
    expect(redactUrl("https://example.com/x")).toBe("https://example.com/x");
  });
});
