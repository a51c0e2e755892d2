import { describe, expect, it } from "vitest";
import { parseMarker, parseRequirement } from "../src/index.js";

describe("parseRequirement", () => {
  it.each([
    ["fastapi", { name: "fastapi", extras: [], specifier: "" }],
    ["  Zope.Interface  ", { name: "zope-interface", extras: [], specifier: "" }],
    [
      "requests[Socks, security]>=2.8.1,==2.8.*",
      { name: "requests", extras: ["security", "socks"], specifier: ">=2.8.1,==2.8.*" },
    ],
    ["name[]", { name: "name", extras: [], specifier: "" }],
    ["a [x,x] ( >= 1.0 , < 2 )", { name: "a", extras: ["x"], specifier: ">=1.0,<2" }],
    ["a>=1.0-POST1", { name: "a", extras: [], specifier: ">=1.0.post1" }],
    ["a===foo", { name: "a", extras: [], specifier: "===foo" }],
    [
      "pip @ https://example.com/pip-23.0.1-py3-none-any.whl",
      { name: "pip", extras: [], specifier: "", url: "https://example.com/pip-23.0.1-py3-none-any.whl" },
    ],
  ])("%j", (text, expected) => {
    expect(parseRequirement(text)).toEqual(expected);
  });

  it("parses markers after ';'", () => {
    expect(parseRequirement("trio==0.25.0 ; sys_platform == 'darwin'")).toEqual({
      name: "trio",
      extras: [],
      specifier: "==0.25.0",
      marker: parseMarker("sys_platform == 'darwin'"),
    });
    expect(parseRequirement("cffi;os_name=='nt'").marker).toEqual(parseMarker("os_name == 'nt'"));
    expect(parseRequirement("name[x] @ file:///tmp/x.whl ; python_version < '3.11' and extra == 'y'")).toEqual({
      name: "name",
      extras: ["x"],
      specifier: "",
      url: "file:///tmp/x.whl",
      marker: parseMarker("python_version < '3.11' and extra == 'y'"),
    });
  });

  it("keeps a ';' glued to a URL as part of the URL (whitespace is required before the marker)", () => {
    expect(parseRequirement("name @ http://x/y;os_name=='a'").url).toBe("http://x/y;os_name=='a'");
  });

  it.each([
    ["", `The requirement "" is invalid: Expected a package name\n    \n    ^`],
    [">=1.0", `The requirement ">=1.0" is invalid: Expected a package name\n    >=1.0\n    ^`],
    [
      "pip # comment",
      `The requirement "pip # comment" is invalid: Expected the end of the requirement or a semicolon (after the name)\n    pip # comment\n        ^`,
    ],
    [
      "a>=1.0.*",
      `The requirement "a>=1.0.*" is invalid: The version specifier ">=1.0.*" is invalid: ">=1.0.*": ".*" is only allowed with == and !=\n    a>=1.0.*\n     ^^^^^^^`,
    ],
    ["a[x", `The requirement "a[x" is invalid: Expected "," or "]" after the extra name\n    a[x\n       ^`],
    ["a[,]", `The requirement "a[,]" is invalid: Expected an extra name\n    a[,]\n      ^`],
    [
      "a (>=1.0",
      `The requirement "a (>=1.0" is invalid: Expected a closing parenthesis for the version specifier\n    a (>=1.0\n      ^`,
    ],
    [
      "a>=1.0,",
      `The requirement "a>=1.0," is invalid: Expected a version operator, one of ==, !=, <=, >=, <, >, ~=, ===\n    a>=1.0,\n           ^`,
    ],
    ["a>=", `The requirement "a>=" is invalid: Expected a version after ">="\n    a>=\n       ^`],
    ["a @ ", `The requirement "a @ " is invalid: Expected a URL after @\n    a @ \n        ^`],
    [
      "a @ http://x ; ",
      `The requirement "a @ http://x ; " is invalid: Expected a marker after the semicolon\n    a @ http://x ; \n                   ^`,
    ],
    [
      "a @ http://x foo",
      `The requirement "a @ http://x foo" is invalid: Expected the end of the requirement or a semicolon (after the URL and whitespace)\n    a @ http://x foo\n                 ^`,
    ],
    [
      "a ; os_name == ",
      `The requirement "a ; os_name == " is invalid: Expected a marker variable or quoted string, found the end of the input\n    a ; os_name == \n                   ^`,
    ],
    [
      "a ; os_name == 'x' extra",
      `The requirement "a ; os_name == 'x' extra" is invalid: Expected the end of the requirement or a semicolon (after the marker)\n    a ; os_name == 'x' extra\n                       ^`,
    ],
  ])("error for %j", (text, message) => {
    expect(() => parseRequirement(text)).toThrow(message);
  });

  it("uses TSPACK_MARKER_SYNTAX", () => {
    expect(() => parseRequirement("pip # x")).toThrowErrorMatchingInlineSnapshot(`
      [TspackError: The requirement "pip # x" is invalid: Expected the end of the requirement or a semicolon (after the name)
          pip # x
              ^]
    `);
    try {
      parseRequirement("pip # x");
    } catch (e) {
      expect((e as { code: string }).code).toBe("TSPACK_MARKER_SYNTAX");
    }
  });
});
