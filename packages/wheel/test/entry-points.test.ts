import { describe, expect, it } from "vitest";
import { parseEntryPoints, parseScriptValue } from "../src/index.js";

describe("parseScriptValue", () => {
  it.each([
    ["foomod:main", "foomod", "main", []],
    ["foomod:main_bar [bar,baz]", "foomod", "main_bar", ["bar", "baz"]],
    ["pylutron_caseta.cli:lap_pair[cli]", "pylutron_caseta.cli", "lap_pair", ["cli"]],
    ["  a.b : C.d  ", "a.b", "C.d", []],
    ["módulo:função", "módulo", "função", []],
  ])("accepts %j", (value, module, fn, extras) => {
    expect(parseScriptValue("s", value)).toEqual({ name: "s", module, function: fn, extras });
  });

  it.each(["", ":weh", "foomod:main_bar [bar", "pylutron_caseta", "weh:", "a:b c"])("refuses %j", (value) => {
    expect(() => parseScriptValue("s", value)).toThrow(/is not of the form "module:function \[extras\]"/);
  });
});

describe("parseEntryPoints", () => {
  it("reads console and gui scripts, keeps other sections, ignores comments", () => {
    const ep = parseEntryPoints(
      "# comment\n[console_scripts]\nfoo = foo.cli:main\n; other comment\nBar=bar:run [x]\n\n[gui_scripts]\ng = g:w\n[pytest11]\nplug = p.q\n  continued\n",
    );
    expect(ep.consoleScripts.map((s) => s.name)).toEqual(["foo", "Bar"]);
    expect(ep.guiScripts).toEqual([{ name: "g", module: "g", function: "w", extras: [] }]);
    expect(ep.sections.pytest11).toEqual({ plug: "p.q\ncontinued" });
  });

  it("applies uv's pip3.X special case (same table as uv's test)", () => {
    const ini =
      "[console_scripts]\npip = a:b1\npip3 = a:b2\npip3.11 = a:b3\npip3.x = a:b4\npip4.11 = a:b5\nmemray = a:b6\nmemray3.11 = a:b7\n";
    const names = parseEntryPoints(ini, { pythonMinor: 99 })
      .consoleScripts.map((s) => `${s.name}=${s.function}`)
      .sort();
    expect(names).toEqual(["memray3.11=b7", "memray=b6", "pip3.99=b2", "pip3.x=b4", "pip3=b2", "pip4.11=b5", "pip=b1"]);
    expect(parseEntryPoints(ini).consoleScripts.map((s) => s.name)).toContain("pip3.11");
  });

  it("refuses a script without value and keys outside sections", () => {
    expect(() => parseEntryPoints("[console_scripts]\nfoo\n")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The entry points file "entry_points.txt" is invalid: [console_scripts] key "foo" has no value]`,
    );
    expect(() => parseEntryPoints("foo = a:b\n")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The entry points file "entry_points.txt" is invalid: line 1 is outside any [section]]`,
    );
    expect(() => parseEntryPoints("[console_scripts]\nfoo: a:b\n")).toThrow(/has no value/);
  });
});
