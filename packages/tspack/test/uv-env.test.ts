import { describe, expect, it } from "vitest";
import { envBool, firstEnv, indexSettings, parseBoolishValue, parseIndexArg } from "../src/uv-env.js";

describe("uv's environment variables", () => {
  it("reads booleans as uv does (clap's boolish values) and refuses anything else", () => {
    for (const v of ["1", "true", "YES", "on", "y"]) expect(parseBoolishValue(v), v).toBe(true);
    for (const v of ["0", "false", "No", "off", "n"]) expect(parseBoolishValue(v), v).toBe(false);
    expect(envBool({ UV_OFFLINE: "" }, "UV_OFFLINE")).toBeUndefined();
    // The first variable set wins: TSPACK_* is named first by every caller.
    expect(envBool({ TSPACK_OFFLINE: "0", UV_OFFLINE: "1" }, "TSPACK_OFFLINE", "UV_OFFLINE")).toBe(false);
    expect(() => envBool({ UV_FROZEN: "sure" }, "UV_FROZEN")).toThrowError('UV_FROZEN="sure" is not a boolean');
    expect(firstEnv({ A: "", B: "x" }, "A", "B")).toEqual({ name: "B", value: "x" });
  });

  it("parses `[NAME=]URL` like uv's --index (a `=` after `://` is part of the URL)", () => {
    expect(parseIndexArg("corp=https://x.example/simple")).toEqual({ name: "corp", url: "https://x.example/simple" });
    expect(parseIndexArg("https://x.example/simple?a=b")).toEqual({ url: "https://x.example/simple?a=b" });
    expect(parseIndexArg("./wheels")).toEqual({ url: "./wheels" });
  });

  it("index variables stand in for absent flags: UV_DEFAULT_INDEX before UV_INDEX_URL, lists split as uv splits them", () => {
    const env = {
      UV_DEFAULT_INDEX: "https://d.example/simple",
      UV_INDEX_URL: "https://i.example/simple",
      UV_INDEX: "a=https://a.example/simple https://b.example/simple",
      UV_EXTRA_INDEX_URL: "https://e1.example/simple  https://e2.example/simple",
      UV_FIND_LINKS: "./w1,https://links.example/",
    };
    expect(indexSettings({}, env)).toEqual({
      defaultIndex: "https://d.example/simple",
      indexes: [
        { name: "a", url: "https://a.example/simple" },
        { url: "https://b.example/simple" },
        { url: "https://e1.example/simple" },
        { url: "https://e2.example/simple" },
      ],
      findLinks: ["./w1", "https://links.example/"],
      noIndex: false,
    });
    // A flag replaces its variable (it does not add to it).
    expect(
      indexSettings({ defaultIndex: "https://f.example/simple", index: ["https://g.example/simple"] }, env),
    ).toMatchObject({
      defaultIndex: "https://f.example/simple",
      indexes: [
        { url: "https://g.example/simple" },
        { url: "https://e1.example/simple" },
        { url: "https://e2.example/simple" },
      ],
    });
  });
});
