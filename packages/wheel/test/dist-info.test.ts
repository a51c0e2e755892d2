import { describe, expect, it } from "vitest";
import { checkDistInfoName, findDistInfo } from "../src/index.js";

const fn = { name: "Foo_Bar", version: "1.0" };
const check = (d: string, f: { name: string; version: string } = fn) => {
  try {
    checkDistInfoName("Foo_Bar-1.0-py3-none-any.whl", d, f);
    return "ok";
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe("findDistInfo", () => {
  it("finds the one top-level .dist-info directory, refuses none or two", () => {
    expect(findDistInfo("x.whl", [{ path: "x/a.py" }, { path: "x-1.dist-info/METADATA" }])).toBe("x-1.dist-info");
    expect(() => findDistInfo("x.whl", [{ path: "x/a.py" }, { path: "deep/x-1.dist-info/METADATA" }])).toThrow(
      'The wheel "x.whl" is invalid: it has no .dist-info directory',
    );
    expect(() => findDistInfo("x.whl", [{ path: "b-1.dist-info/M" }, { path: "a-1.dist-info/M" }])).toThrow(
      "it has 2 .dist-info directories: a-1.dist-info, b-1.dist-info",
    );
  });
});

describe("checkDistInfoName", () => {
  it.each([
    ["Foo_Bar-1.0.dist-info", "ok"],
    ["foo_bar-1.0.0.dist-info", "ok"], // same PEP 440 version
    ["foo.bar-1.0.dist-info", "ok"], // same normalized name
    ["foo-bar-1.0.dist-info", "ok"], // unescaped name (older tools)
    ["Foo_Bar-1.0+local.dist-info", "TSPACK_WHEEL_INVALID"], // a local label the filename does not have
    ["foo-1.0.dist-info", "TSPACK_WHEEL_INVALID"], // another package
    ["foo_bar_baz-1.0.dist-info", "TSPACK_WHEEL_INVALID"], // uv and pip accept it (prefix match)
    ["Foo_Bar-2.0.dist-info", "TSPACK_WHEEL_INVALID"],
    ["Foo_Bar.dist-info", "TSPACK_WHEEL_INVALID"],
  ])("%s → %s", (d, expected) => {
    expect(check(d)).toBe(expected);
  });

  it("lets the dist-info drop the filename's local label, as METADATA may", () => {
    expect(check("torch-2.1.0.dist-info", { name: "torch", version: "2.1.0+cpu" })).toBe("ok");
    expect(check("torch-2.1.0+cpu.dist-info", { name: "torch", version: "2.1.0+cpu" })).toBe("ok");
  });
});
