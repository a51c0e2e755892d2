import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { parsePyproject } from "../src/pyproject.js";

const parse = (tables: string) =>
  parsePyproject(`[project]\nname = "app"\nversion = "0.1.0"\n${tables}`, "pyproject.toml");

function errorOf(tables: string): { message: string; hint?: string } {
  try {
    parse(tables);
  } catch (e) {
    if (isTspackError(e)) return { message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
    throw e;
  }
  throw new Error("expected an error");
}

describe("[[tool.uv.index]]", () => {
  it("reads every entry in order with uv's defaults", () => {
    const info = parse(`
[[tool.uv.index]]
name = "private"
url = "https://pkgs.example/simple"

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true
default = true
authenticate = "never"
cache-control = { api = "max-age=600" }

[[tool.uv.index]]
url = "./wheels"
format = "flat"
`);
    expect(info.uv.indexes).toEqual([
      {
        name: "private",
        url: "https://pkgs.example/simple",
        default: false,
        explicit: false,
        format: "simple",
        authenticate: "auto",
      },
      {
        name: "pytorch-cpu",
        url: "https://download.pytorch.org/whl/cpu",
        default: true,
        explicit: true,
        format: "simple",
        authenticate: "never",
      },
      { url: "./wheels", default: false, explicit: false, format: "flat", authenticate: "auto" },
    ]);
  });

  it("is absent without the table", () => {
    expect(parse("").uv.indexes).toBeUndefined();
  });

  it.each([
    [`[[tool.uv.index]]\nname = "x"\n`, "`tool.uv.index[0].url`: the index has no url"],
    [
      `[[tool.uv.index]]\nname = "my index"\nurl = "https://h/simple"\n`,
      '`tool.uv.index[0].name`: the index name "my index" may only contain',
    ],
    [`[[tool.uv.index]]\nname = ""\nurl = "https://h/simple"\n`, "`tool.uv.index[0].name`: the index name is empty"],
    [
      `[[tool.uv.index]]\nurl = "https://h/simple"\nauthenticate = "sometimes"\n`,
      '`tool.uv.index[0].authenticate`: "sometimes" is not one of "auto", "always", "never"',
    ],
    [
      `[[tool.uv.index]]\nurl = "https://h/simple"\nexplicit = "yes"\n`,
      "`tool.uv.index[0].explicit`: expected a boolean, found a string",
    ],
    [`[tool.uv]\nindex = { url = "https://h/simple" }\n`, "`tool.uv.index`: expected an array, found a table"],
  ])("refuses %j", (tables, message) => {
    expect(errorOf(tables).message).toContain(message);
  });
});
