import { describe, expect, it } from "vitest";
import { compileGlob, globMatches, globMatchesFileOrParent, matchGlob } from "../src/glob.js";

describe("matchGlob", () => {
  it.each([
    // pattern, path, matches
    ["*.py", "main.py", true],
    ["*.py", "app/main.py", true], // no slash: any depth
    ["*.py", "app/main.pyc", false],
    ["/*.py", "app/main.py", false], // leading slash anchors
    ["/*.py", "main.py", true],
    ["app/*.py", "app/main.py", true],
    ["app/*.py", "app/sub/main.py", false], // * stays in one segment
    ["app/**/*.py", "app/main.py", true], // ** matches zero segments
    ["app/**/*.py", "app/a/b/main.py", true],
    ["app/**", "app/a/b.txt", true],
    ["app/**", "app", false],
    ["**/tests/*.py", "x/tests/t.py", true],
    ["**/tests/*.py", "tests/t.py", true],
    ["**", "anything/at/all", true],
    ["?.py", "a.py", true],
    ["?.py", "ab.py", false],
    ["?", "/", false],
    ["[abc].py", "b.py", true],
    ["[abc].py", "d.py", false],
    ["[a-c].py", "c.py", true],
    ["[!a-c].py", "d.py", true],
    ["[!a-c].py", "a.py", false],
    ["[^a].py", "b.py", true],
    ["data/[!x]", "data//", false],
    ["\\*.py", "*.py", true],
    ["\\*.py", "a.py", false],
    ["[unclosed", "[unclosed", true],
    ["a.b", "axb", false], // dots are literal
    ["./app/main.py", "app/main.py", true],
    ["app/", "app", false], // dirs only: a file path never matches
  ])("%s ~ %s → %s", (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it("trailing slash matches directories only", () => {
    const g = compileGlob("build/");
    expect(g.dirOnly).toBe(true);
    expect(globMatches(g, "build", true)).toBe(true);
    expect(globMatches(g, "build", false)).toBe(false);
    expect(globMatchesFileOrParent(g, "build/x.py")).toBe(true);
    expect(globMatchesFileOrParent(g, "pkg/build/x.py")).toBe(true);
    expect(globMatchesFileOrParent(g, "builder/x.py")).toBe(false);
  });

  it.each([
    ["app", "app/main.py", true],
    ["app", "lib/app/main.py", true],
    ["/app", "lib/app/main.py", false],
    ["app/templates", "app/templates/index.html", true],
    ["*.md", "docs/readme.md", true],
    ["docs", "docs2/x", false],
  ])("file-or-parent %s ~ %s → %s", (pattern, path, expected) => {
    expect(globMatchesFileOrParent(compileGlob(pattern), path)).toBe(expected);
  });
});
