import { describe, expect, it } from "vitest";
import { resolveCacheDir } from "../src/index.js";

describe("resolveCacheDir", () => {
  const cases: Array<[string, Parameters<typeof resolveCacheDir>[0], string]> = [
    [
      "--cache-dir wins",
      { cacheDir: "/x", env: { TSPACK_CACHE_DIR: "/y", XDG_CACHE_HOME: "/z" }, homedir: "/h" },
      "/x",
    ],
    ["relative --cache-dir against cwd", { cacheDir: "c", env: {}, homedir: "/h", cwd: "/w" }, "/w/c"],
    ["TSPACK_CACHE_DIR", { env: { TSPACK_CACHE_DIR: "/y", XDG_CACHE_HOME: "/z" }, homedir: "/h" }, "/y"],
    [
      "TSPACK_CACHE_DIR before uv's UV_CACHE_DIR",
      { env: { TSPACK_CACHE_DIR: "/y", UV_CACHE_DIR: "/u" }, homedir: "/h" },
      "/y",
    ],
    [
      "UV_CACHE_DIR: a folder of tspack's own inside uv's cache, before XDG_CACHE_HOME",
      { env: { UV_CACHE_DIR: "/u", XDG_CACHE_HOME: "/z" }, homedir: "/h" },
      "/u/tspack",
    ],
    ["relative UV_CACHE_DIR against cwd", { env: { UV_CACHE_DIR: "uv" }, homedir: "/h", cwd: "/w" }, "/w/uv/tspack"],
    ["XDG_CACHE_HOME", { env: { XDG_CACHE_HOME: "/z" }, homedir: "/h" }, "/z/tspack"],
    ["relative XDG_CACHE_HOME is ignored", { env: { XDG_CACHE_HOME: "rel" }, homedir: "/h" }, "/h/.cache/tspack"],
    ["empty values are ignored", { cacheDir: "", env: { TSPACK_CACHE_DIR: "" }, homedir: "/h" }, "/h/.cache/tspack"],
    ["~/.cache/tspack", { env: {}, homedir: "/h" }, "/h/.cache/tspack"],
  ];
  it.each(cases)("%s", (_name, options, expected) => {
    expect(resolveCacheDir(options)).toBe(expected);
  });
});
