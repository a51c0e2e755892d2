import { describe, expect, it } from "vitest";
import { isUrl, parseGitSourceUrl, requiresHash, sourceKey } from "../src/_source.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("parseGitSourceUrl", () => {
  it.each([
    [`https://github.com/o/r#${SHA}`, { repository: "https://github.com/o/r", commit: SHA }],
    [
      `https://github.com/o/r?subdirectory=packages%2Fc&path=dist%2Fa+b.tar.gz&lfs=true&branch=main#${SHA}`,
      {
        repository: "https://github.com/o/r",
        commit: SHA,
        subdirectory: "packages/c",
        path: "dist/a b.tar.gz",
        lfs: true,
        reference: { kind: "branch", value: "main" },
      },
    ],
    [
      `ssh://git@github.com/o/r.git?tag=v1.2#${SHA.toUpperCase()}`,
      { repository: "ssh://git@github.com/o/r.git", commit: SHA, reference: { kind: "tag", value: "v1.2" } },
    ],
    [`https://h/r?rev=${SHA}#${SHA}`, { repository: "https://h/r", reference: { kind: "rev", value: SHA } }],
    [`https://h/r?unknown=1&rev=abc#${SHA}`, { reference: { kind: "rev", value: "abc" } }],
  ])("reads %s", (raw, expected) => {
    const git = parseGitSourceUrl(raw);
    expect(git).toMatchObject({ kind: "git", raw, ...expected });
  });

  it("leaves absent query parts undefined", () => {
    expect(parseGitSourceUrl(`https://github.com/o/r#${SHA}`)).toEqual({
      kind: "git",
      raw: `https://github.com/o/r#${SHA}`,
      repository: "https://github.com/o/r",
      commit: SHA,
    });
  });

  it.each([
    ["https://github.com/o/r", '"https://github.com/o/r" has no commit fragment (expected "#<40-hex commit>")'],
    ["https://github.com/o/r#", '"https://github.com/o/r#" has no commit fragment (expected "#<40-hex commit>")'],
    [
      "https://github.com/o/r#main",
      '"https://github.com/o/r#main" has an invalid commit fragment "main" (expected 40 hex digits)',
    ],
    [`#${SHA}`, `"#${SHA}" has no repository URL`],
  ])("rejects %s", (raw, error) => {
    expect(parseGitSourceUrl(raw)).toEqual({ error });
  });
});

describe("source helpers", () => {
  it.each([
    ["https://pypi.org/simple", true],
    ["file:///srv/index", true],
    ["../index", false],
    ["C:\\index", false],
    ["/abs/index", false],
  ])("isUrl(%s) = %s", (text, expected) => {
    expect(isUrl(text)).toBe(expected);
  });

  it("states the hash rule of each kind (spec §1.3)", () => {
    const git = parseGitSourceUrl(`https://h/r#${SHA}`);
    const gitArchive = parseGitSourceUrl(`https://h/r?path=a.tar.gz#${SHA}`);
    if ("error" in git || "error" in gitArchive) throw new Error("bad fixture");
    expect([
      requiresHash({ kind: "registry", url: "u" }),
      requiresHash({ kind: "url", url: "u" }),
      requiresHash({ kind: "path", path: "p" }),
      requiresHash(git),
      requiresHash(gitArchive),
      requiresHash({ kind: "directory", path: "d" }),
      requiresHash({ kind: "editable", path: "e" }),
      requiresHash({ kind: "virtual", path: "." }),
    ]).toEqual([undefined, true, true, false, true, false, false, false]);
  });

  it("distinguishes sources by kind and location", () => {
    const keys = new Set([
      sourceKey({ kind: "path", path: "a" }),
      sourceKey({ kind: "directory", path: "a" }),
      sourceKey({ kind: "url", url: "a" }),
      sourceKey({ kind: "url", url: "a", subdirectory: "s" }),
      sourceKey({ kind: "registry", url: "a" }),
    ]);
    expect(keys.size).toBe(5);
  });
});
