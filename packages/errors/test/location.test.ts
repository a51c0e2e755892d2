import { describe, expect, it } from "vitest";
import { formatLocation, formatSourceExcerpt, locationDetails, TspackError, withLocation } from "../src/index.js";

describe("formatLocation", () => {
  it("puts the file first and leaves out what is unknown", () => {
    const loc = { file: "uv.lock", path: "package[2].dependencies[0].marker", line: 14, column: 20 };
    expect(formatLocation({ ...loc, package: { name: "anyio", version: "4.7.0" } })).toBe(
      '"uv.lock", line 14, column 20, package[2].dependencies[0].marker (anyio==4.7.0)',
    );
    expect(formatLocation({ file: "uv.lock", path: "version" })).toBe('"uv.lock", version');
    expect(formatLocation({ file: "r.txt", line: 3 })).toBe('"r.txt", line 3');
    expect(formatLocation(loc, { file: false })).toBe("line 14, column 20, package[2].dependencies[0].marker");
    expect(locationDetails({ file: "a", line: 1 })).toEqual({ file: "a", line: 1 });
  });
});

describe("withLocation", () => {
  const marker = new TspackError(
    "TSPACK_MARKER_SYNTAX",
    'The marker "os_name ==" is invalid: x\n    os_name ==\n              ^',
    {
      hint: "fix it",
      details: { column: 10, reason: "x" },
    },
  );

  it("keeps the code and hint, prefixes the location and merges it into details", () => {
    const e = withLocation(marker, {
      file: "uv.lock",
      path: "package[0].dependencies[0].marker",
      line: 9,
      column: 40,
    }) as TspackError;
    expect(e.code).toBe("TSPACK_MARKER_SYNTAX");
    expect(e.hint).toBe("fix it");
    expect(e.cause).toBe(marker);
    expect(e.message.split("\n")[0]).toBe(
      '"uv.lock", line 9, column 40, package[0].dependencies[0].marker: The marker "os_name ==" is invalid: x',
    );
    // The marker's own column is kept under another name.
    expect(e.details).toEqual({
      file: "uv.lock",
      path: "package[0].dependencies[0].marker",
      line: 9,
      column: 40,
      valueColumn: 10,
      reason: "x",
    });
    expect(withLocation(e, { file: "other" })).toBe(e);
  });

  it("adds a source excerpt to a one-line message, and leaves other errors alone", () => {
    const e = withLocation(
      new TspackError("TSPACK_VERSION_INVALID", "bad"),
      { file: "f", line: 2, column: 5 },
      "a\nb = 'x'\n",
    );
    expect((e as Error).message).toBe("\"f\", line 2, column 5: bad\n2 | b = 'x'\n        ^");
    const bug = new TypeError("x");
    expect(withLocation(bug, { file: "f" })).toBe(bug);
  });
});

describe("formatSourceExcerpt", () => {
  it("cuts a long line to a window around the column", () => {
    const line = `${"a".repeat(5000)}X${"b".repeat(5000)}`;
    const [src, caret] = formatSourceExcerpt(line, 1, 5001).split("\n") as [string, string];
    expect(src.length).toBeLessThan(200);
    expect(src[caret.length - 1]).toBe("X");
  });
});
