import { describe, expect, it } from "vitest";
import { lastSegment, wheelFilenameVersion } from "../src/_files.js";

describe("lastSegment", () => {
  it.each([
    ["https://x/a/b-1.0-py3-none-any.whl", true, "b-1.0-py3-none-any.whl"],
    [
      "https://x/a/torch-2.5.1%2Bcpu-cp313-cp313-linux_x86_64.whl?x=1#sha256=00",
      true,
      "torch-2.5.1+cpu-cp313-cp313-linux_x86_64.whl",
    ],
    ["https://x/bad%E0%A4%A.whl", true, "bad%E0%A4%A.whl"],
    ["sub/dir/c-1.0-py3-none-any.whl", false, "c-1.0-py3-none-any.whl"],
    ["sub\\dir\\d%20-1.0-py3-none-any.whl", false, "d%20-1.0-py3-none-any.whl"],
  ])("%s → %s", (location, isUrl, expected) => {
    expect(lastSegment(location, isUrl)).toBe(expected);
  });
});

describe("wheelFilenameVersion", () => {
  it.each([
    ["a-1.0-py3-none-any.whl", "1.0"],
    ["a-1.0-1build-py3-none-any.whl", "1.0"],
    ["torch-2.5.1+cpu-cp313-cp313-linux_x86_64.whl", "2.5.1+cpu"],
  ])("reads the version of %s", (filename, version) => {
    expect(wheelFilenameVersion(filename)).toEqual({ version });
  });

  it.each([
    ["a-1.0.tar.gz", 'the wheel filename "a-1.0.tar.gz" is invalid: must end with ".whl"'],
    [
      "a-1.0-py3-any.whl",
      'the wheel filename "a-1.0-py3-any.whl" is invalid: expected 5 or 6 dash-separated parts (name-version[-build]-python-abi-platform), found 4',
    ],
    ["a--1.0-py3-none-any.whl", 'the wheel filename "a--1.0-py3-none-any.whl" is invalid: has an empty part'],
    ["a-1.0-py3-none-.whl", 'the wheel filename "a-1.0-py3-none-.whl" is invalid: has an empty part'],
    ["-1.0-py3-none-any.whl", 'the wheel filename "-1.0-py3-none-any.whl" is invalid: has an empty part'],
    [
      "a-one-py3-none-any.whl",
      'the wheel filename "a-one-py3-none-any.whl" is invalid: the version "one" is not a valid PEP 440 version',
    ],
  ])("rejects %s", (filename, error) => {
    expect(wheelFilenameVersion(filename)).toEqual({ error });
  });
});
