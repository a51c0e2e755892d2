import { describe, expect, it } from "vitest";
import { tomlPosition } from "../src/index.js";

const LOCK = `version = 1
requires-python = ">=3.12"

[[package]]
name = "a"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "b", marker = "sys_platform == 'win32'" },
    { name = "c" },
]
wheels = [
    { url = "https://x/a-1.0-py3-none-any.whl", hash = "sha256:00" },
]

[package.optional-dependencies]
fast = [
    { name = "d", marker = "python_full_version < '3.13'" },
]

[[package]]
name = "b" # a comment with "quotes" and [brackets]
version = "2.0"

[package.metadata]
requires-dist = [{ name = "x", specifier = ">=1", marker = "os_name == 'nt'" }]

[[package.wheels]]
url = "https://x/b-2.0-py3-none-any.whl"
`;

describe("tomlPosition", () => {
  it.each([
    [["requires-python"], 2, 19],
    [["package", 0], 4, 1],
    [["package", 0, "name"], 5, 8],
    [["package", 0, "dependencies", 0, "marker"], 9, 28],
    [["package", 0, "dependencies", 1], 10, 5],
    [["package", 0, "wheels", 0, "hash"], 13, 56],
    [["package", 0, "optional-dependencies", "fast", 0, "marker"], 18, 28],
    [["package", 1, "version"], 23, 11],
    [["package", 1, "metadata", "requires-dist", 0, "specifier"], 26, 44],
    [["package", 1, "wheels", 0, "url"], 29, 7],
  ] as const)("finds %j at line %i, column %i", (path, line, column) => {
    expect(tomlPosition(LOCK, path)).toEqual({ line, column, matched: path.length });
  });

  it("falls back to the deepest existing part of the path", () => {
    expect(tomlPosition(LOCK, ["package", 1, "source"])).toEqual({ line: 21, column: 1, matched: 2 });
    expect(tomlPosition(LOCK, ["nothing"])).toBeUndefined();
  });

  it("reads quoted and dotted keys, multi-line strings and CRLF line ends", () => {
    const text = 'a."b.c" = 1\n\'q\' = """x\n]"""\nz = 2\r\n[t]\r\ny = [\r\n  1, # c\r\n  "two",\r\n]\r\n';
    expect(tomlPosition(text, ["a", "b.c"])).toEqual({ line: 1, column: 11, matched: 2 });
    expect(tomlPosition(text, ["z"])).toEqual({ line: 4, column: 5, matched: 1 });
    expect(tomlPosition(text, ["t", "y", 1])).toEqual({ line: 8, column: 3, matched: 3 });
  });

  it("never throws on text that is not TOML", () => {
    for (const text of ["[[", "a = [[[", 'a = "unterminated', "= = =", "[a.\n", "\u0000\u0001"]) {
      expect(() => tomlPosition(text, ["a", 0, "b"])).not.toThrow();
    }
    expect(tomlPosition(`a = ${"[".repeat(5000)}`, ["a", 0, 0])).toEqual({ line: 1, column: 7, matched: 3 });
  });
});
