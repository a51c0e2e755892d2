import { readFileSync } from "node:fs";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { parseSdistFilename } from "../src/index.js";

describe("parseSdistFilename", () => {
  it.each([
    ["foo_lib-1.2.3.tar.gz", undefined, "foo-lib", "1.2.3", "tar.gz"],
    ["foo_lib-1.2.3.zip", undefined, "foo-lib", "1.2.3", "zip"],
    ["foo_lib-1.2.3a3.tar.bz2", undefined, "foo-lib", "1.2.3a3", "tar.bz2"],
    ["a-1-1.zip", "a", "a", "1-1", "zip"],
    ["a-1-1.zip", undefined, "a-1", "1", "zip"],
    ["Django-5.1.tgz", "django", "django", "5.1", "tgz"],
  ])("parses %s (expected name %s)", (filename, expectedName, name, version, extension) => {
    expect(parseSdistFilename(filename, expectedName)).toEqual({ filename, name, version, extension });
  });

  it.each([
    ["foo-1.0.whl", undefined, 'The source distribution filename "foo-1.0.whl" is invalid: File extension is invalid'],
    [".tar.gz", undefined, 'The source distribution filename ".tar.gz" is invalid: File extension is invalid'],
    [
      "foo.tar.gz",
      undefined,
      'The source distribution filename "foo.tar.gz" is invalid: Missing name-version separator',
    ],
    [
      "bar-1.0.tar.gz",
      "foo",
      'The source distribution filename "bar-1.0.tar.gz" is invalid: Name doesn\'t start with package name foo',
    ],
    [
      "foo-.tar.gz",
      "foo",
      'The source distribution filename "foo-.tar.gz" is invalid: Name doesn\'t start with package name foo',
    ],
    [
      "foo-x.tar.gz",
      "foo",
      'The source distribution filename "foo-x.tar.gz" is invalid: Version section is invalid: expected version to start with a number, but no leading ASCII digits were found',
    ],
    ["f!o-1.0.tar.gz", "foo", 'The source distribution filename "f!o-1.0.tar.gz" is invalid: invalid package name'],
    ["f!o-1.0.tar.gz", undefined, 'The source distribution filename "f!o-1.0.tar.gz" is invalid: invalid package name'],
  ])("refuses %s (expected name %s)", (filename, expectedName, message) => {
    try {
      parseSdistFilename(filename, expectedName);
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_FILENAME_INVALID")).toBe(true);
      expect((e as Error).message).toBe(message);
    }
  });

  it("parses every sdist of the real lock with its package name", () => {
    const lock = readFileSync(new URL("../../../test/fixtures/uv-aws-lambda-example/uv.lock", import.meta.url), "utf8");
    const pairs = lock
      .split("[[package]]")
      .map((block) => /name = "([^"]+)"\nversion = "([^"]+)"[\s\S]*?sdist = \{ url = "[^"]*\/([^"/]+)"/.exec(block))
      .filter((m) => m !== null);
    expect(pairs).toHaveLength(36);
    for (const [, name, version, filename] of pairs) {
      const s = parseSdistFilename(filename!, name);
      expect([s.name, s.version, s.extension]).toEqual([name, version, "tar.gz"]);
      expect(parseSdistFilename(filename!).name).toBe(name);
    }
  });
});
