import { isTspackError, type TspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { MAX_MARKER_NESTING, type MarkerTree, parseMarker, parseRequirement } from "../src/index.js";

function catchError(f: () => unknown): TspackError {
  try {
    f();
  } catch (e) {
    if (isTspackError(e)) return e;
    throw e;
  }
  throw new Error("expected an error");
}

const v = (name: string) => ({ type: "variable", name });
const s = (value: string) => ({ type: "string", value });

describe("parseMarker", () => {
  it.each([
    ["os_name == 'nt'", { kind: "expr", left: v("os_name"), op: "==", right: s("nt") }],
    ['sys_platform != "win32"', { kind: "expr", left: v("sys_platform"), op: "!=", right: s("win32") }],
    ["'linux' in sys_platform", { kind: "expr", left: s("linux"), op: "in", right: v("sys_platform") }],
    ["sys_platform not   in 'linux'", { kind: "expr", left: v("sys_platform"), op: "not in", right: s("linux") }],
    ["python_version~='3.9'", { kind: "expr", left: v("python_version"), op: "~=", right: s("3.9") }],
    [
      "implementation_version === '3.13.1'",
      { kind: "expr", left: v("implementation_version"), op: "===", right: s("3.13.1") },
    ],
    ["'3.9' <= python_full_version", { kind: "expr", left: s("3.9"), op: "<=", right: v("python_full_version") }],
    ["os.name == 'nt'", { kind: "expr", left: v("os_name"), op: "==", right: s("nt") }],
    ["sys.platform == 'x'", { kind: "expr", left: v("sys_platform"), op: "==", right: s("x") }],
    ["platform.machine == 'x'", { kind: "expr", left: v("platform_machine"), op: "==", right: s("x") }],
    ["platform.version == 'x'", { kind: "expr", left: v("platform_version"), op: "==", right: s("x") }],
    [
      "python_implementation == 'x'",
      { kind: "expr", left: v("platform_python_implementation"), op: "==", right: s("x") },
    ],
    [
      "platform.python_implementation == 'x'",
      { kind: "expr", left: v("platform_python_implementation"), op: "==", right: s("x") },
    ],
    ["platform_release >= ''", { kind: "expr", left: v("platform_release"), op: ">=", right: s("") }],
    ["platform_system < 'L'", { kind: "expr", left: v("platform_system"), op: "<", right: s("L") }],
    ["implementation_name > 'a'", { kind: "expr", left: v("implementation_name"), op: ">", right: s("a") }],
    [
      "platform_python_implementation == 'CPython'",
      { kind: "expr", left: v("platform_python_implementation"), op: "==", right: s("CPython") },
    ],
    ["extra == 'Foo'", { kind: "expr", left: v("extra"), op: "==", right: s("Foo") }],
    ["'x' in extras", { kind: "expr", left: s("x"), op: "in", right: v("extras") }],
    ["'dev' not in dependency_groups", { kind: "expr", left: s("dev"), op: "not in", right: v("dependency_groups") }],
  ])("%s", (text, expected) => {
    expect(parseMarker(text)).toEqual(expected);
  });

  it("gives 'and' precedence over 'or' and honours parentheses", () => {
    const a = { kind: "expr", left: v("os_name"), op: "==", right: s("a") };
    const b = { kind: "expr", left: v("os_name"), op: "==", right: s("b") };
    const c = { kind: "expr", left: v("os_name"), op: "==", right: s("c") };
    expect(parseMarker("os_name == 'a' or os_name == 'b' and os_name == 'c'")).toEqual({
      kind: "or",
      children: [a, { kind: "and", children: [b, c] }],
    });
    expect(parseMarker("(os_name == 'a' or os_name == 'b') and os_name == 'c'")).toEqual({
      kind: "and",
      children: [{ kind: "or", children: [a, b] }, c],
    });
    // Same-kind junctions are flattened; redundant parentheses vanish.
    expect(parseMarker("((os_name == 'a')) and (os_name == 'b' and os_name == 'c')")).toEqual({
      kind: "and",
      children: [a, b, c],
    });
    expect(parseMarker("os_name=='a'and os_name=='b'")).toEqual({ kind: "and", children: [a, b] } satisfies MarkerTree);
  });

  describe("syntax errors", () => {
    const err = (text: string) => () => parseMarker(text);
    it("names the input and shows a caret", () => {
      expect(err("os_name == ")).toThrowErrorMatchingInlineSnapshot(`
        [TspackError: The marker "os_name == " is invalid: Expected a marker variable or quoted string, found the end of the input
            os_name == 
                       ^]
      `);
      try {
        parseMarker("os_name == ");
      } catch (e) {
        expect((e as { code: string }).code).toBe("TSPACK_MARKER_SYNTAX");
        expect((e as { details: unknown }).details).toEqual({
          column: 11,
          reason: "Expected a marker variable or quoted string, found the end of the input",
        });
      }
    });
    it.each([
      [
        "foo == 'x'",
        `The marker "foo == 'x'" is invalid: Expected a marker variable or quoted string, found the unknown name "foo"\n    foo == 'x'\n    ^^^`,
      ],
      [
        "os_name = 'x'",
        `The marker "os_name = 'x'" is invalid: Expected a marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in\n    os_name = 'x'\n            ^`,
      ],
      [
        "os_name not 'x'",
        `The marker "os_name not 'x'" is invalid: Expected "in" after "not"\n    os_name not 'x'\n                ^`,
      ],
      [
        "os_name == 'x",
        `The marker "os_name == 'x" is invalid: Missing the closing quote (') of this string\n    os_name == 'x\n               ^`,
      ],
      [
        "(os_name == 'x'",
        `The marker "(os_name == 'x'" is invalid: Expected a closing parenthesis for this opening parenthesis\n    (os_name == 'x'\n    ^`,
      ],
      [
        "(os_name == 'x' os_name",
        `The marker "(os_name == 'x' os_name" is invalid: Expected "and", "or" or a closing parenthesis\n    (os_name == 'x' os_name\n                    ^`,
      ],
      [
        "os_name == 'x')",
        `The marker "os_name == 'x')" is invalid: Unmatched closing parenthesis\n    os_name == 'x')\n                  ^`,
      ],
      [
        "os_name == 'x' nor",
        `The marker "os_name == 'x' nor" is invalid: Expected "and", "or" or the end of the marker\n    os_name == 'x' nor\n                   ^`,
      ],
      [
        "os_name == 'x' and",
        `The marker "os_name == 'x' and" is invalid: Expected a marker variable or quoted string, found the end of the input\n    os_name == 'x' and\n                      ^`,
      ],
      [
        "",
        `The marker "" is invalid: Expected a marker variable or quoted string, found the end of the input\n    \n    ^`,
      ],
      [
        "os_name == sys_platform",
        `The marker "os_name == sys_platform" is invalid: Comparing two marker variables ("os_name" and "sys_platform") is not supported\n    os_name == sys_platform\n    ^^^^^^^^^^^^^^^^^^^^^^^`,
      ],
      [
        "'a' == 'b'",
        `The marker "'a' == 'b'" is invalid: Comparing two quoted strings is not supported; one side must be a marker variable\n    'a' == 'b'\n    ^^^^^^^^^^`,
      ],
      [
        "extras in 'x'",
        `The marker "extras in 'x'" is invalid: The marker variable "extras" must be on the right-hand side ('name' in extras)\n    extras in 'x'\n    ^^^^^^^^^^^^^`,
      ],
      [
        "'x' == dependency_groups",
        `The marker "'x' == dependency_groups" is invalid: The marker variable "dependency_groups" only supports the "in" and "not in" operators\n    'x' == dependency_groups\n    ^^^^^^^^^^^^^^^^^^^^^^^^`,
      ],
    ])("%j", (text, message) => {
      expect(err(text)).toThrow(message);
    });
  });
});

describe("parseMarker nesting limit", () => {
  const nested = (depth: number) => `${"(".repeat(depth)}python_version >= '3.8'${")".repeat(depth)}`;

  it(`accepts ${MAX_MARKER_NESTING} levels of parentheses`, () => {
    expect(parseMarker(nested(MAX_MARKER_NESTING))).toEqual({
      kind: "expr",
      left: v("python_version"),
      op: ">=",
      right: s("3.8"),
    });
  });

  it.each([MAX_MARKER_NESTING + 1, 5000, 100_000])(
    "refuses %i levels with TSPACK_MARKER_SYNTAX, not a stack overflow",
    (depth) => {
      const e = catchError(() => parseMarker(nested(depth)));
      expect(e.code).toBe("TSPACK_MARKER_SYNTAX");
      expect(e.message.split("\n")[0]).toContain(
        `is invalid: The marker is nested more than ${MAX_MARKER_NESTING} parentheses deep`,
      );
      expect(e.details).toMatchObject({ column: MAX_MARKER_NESTING });
    },
  );

  it("counts only open parentheses, not a long flat chain", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `(extra == 'e${i}')`).join(" or ");
    expect((parseMarker(chain) as { children: unknown[] }).children).toHaveLength(5000);
  });

  it("limits markers inside requirements too", () => {
    const e = catchError(() => parseRequirement(`a ; ${nested(5000)}`));
    expect(e.code).toBe("TSPACK_MARKER_SYNTAX");
  });
});
