import { describe, expect, it } from "vitest";
import { authHint } from "../src/fetch-errors.js";
import {
  type CredentialSources,
  findIndex,
  indexCredentialVars,
  indexEnvName,
  indexRootUrl,
  isUrlUnder,
  resolveCredentials,
} from "../src/index.js";

describe("index names → variables (uv's IndexName::to_env_var)", () => {
  it.each([
    ["private", "PRIVATE"],
    ["internal-proxy", "INTERNAL_PROXY"],
    ["my-corp.index_v2", "MY_CORP_INDEX_V2"],
    ["PyTorch.CU130", "PYTORCH_CU130"],
  ])("%s → UV_INDEX_%s_*", (name, stem) => {
    expect(indexEnvName(name)).toBe(stem);
    expect(indexCredentialVars(name)).toEqual([`UV_INDEX_${stem}_USERNAME`, `UV_INDEX_${stem}_PASSWORD`]);
  });
});

describe("which URLs are under an index", () => {
  it.each([
    ["https://h/simple", "https://h/"],
    ["https://h/simple/", "https://h/"],
    ["https://h/api/pypi/repo/simple", "https://h/api/pypi/repo"],
    ["https://h/root/pypi/+simple/", "https://h/root/pypi"],
    ["https://h/whl/cpu", undefined],
    ["./wheels", undefined],
  ])("root of %s is %s", (url, root) => {
    expect(indexRootUrl(url)).toBe(root);
  });

  it("needs the same scheme, host and port, and whole path segments", () => {
    const index = "https://h.example/api/pypi/repo";
    expect(isUrlUnder("https://h.example/api/pypi/repo/files/x.whl", index)).toBe(true);
    expect(isUrlUnder("https://H.EXAMPLE:443/api/pypi/repo/", index)).toBe(true);
    expect(isUrlUnder("https://h.example/api/pypi/repo", index)).toBe(true);
    expect(isUrlUnder("https://h.example/api/pypi/repository/x.whl", index)).toBe(false);
    expect(isUrlUnder("https://h.example/api/pypi/x.whl", index)).toBe(false);
    expect(isUrlUnder("http://h.example/api/pypi/repo/x.whl", index)).toBe(false);
    expect(isUrlUnder("https://h.example:8443/api/pypi/repo/x.whl", index)).toBe(false);
    expect(isUrlUnder("https://other.example/api/pypi/repo/x.whl", index)).toBe(false);
  });

  it("finds the most specific index; a /simple index covers the files beside it", () => {
    const indexes = [
      { name: "all", url: "https://h/simple" },
      { name: "team", url: "https://h/team/simple" },
    ];
    expect(findIndex("https://h/team/files/x.whl", indexes)?.name).toBe("team");
    expect(findIndex("https://h/packages/x.whl", indexes)?.name).toBe("all");
    expect(findIndex("https://elsewhere/packages/x.whl", indexes)).toBeUndefined();
    expect(findIndex("https://h/whl/x.whl", [{ name: "flat", url: "https://h/whl/cpu" }])).toBeUndefined();
  });
});

describe("resolveCredentials: uv's order", () => {
  const sources: CredentialSources = {
    env: { UV_INDEX_PRIVATE_USERNAME: "eu", UV_INDEX_PRIVATE_PASSWORD: "ep" },
    indexes: [
      { name: "private", url: "https://reg.example/simple" },
      { name: "inline", url: "https://iu:ip@inline.example/simple" },
      { name: "off", url: "https://off.example/simple", authenticate: "never" },
    ],
    netrc: [
      { machine: "reg.example", login: "nu", password: "np" },
      { machine: "inline.example", login: "nu", password: "np" },
      { machine: "off.example", login: "nu", password: "np" },
      { machine: "other.example", login: "ou", password: "op" },
    ],
  };
  const creds = (url: string, s: CredentialSources = sources) => {
    const r = resolveCredentials(new URL(url), s);
    return r === undefined ? undefined : [r.source, r.username, r.password, r.index?.name];
  };

  it("1. the URL's userinfo (percent-decoded)", () => {
    expect(creds("https://a:b%40c@reg.example/files/x.whl")).toEqual(["url", "a", "b@c", "private"]);
  });
  it("2. the index's UV_INDEX_<NAME>_* variables, for every URL under it", () => {
    expect(creds("https://reg.example/simple/x/")).toEqual(["index-env", "eu", "ep", "private"]);
    expect(creds("https://reg.example/files/x.whl")).toEqual(["index-env", "eu", "ep", "private"]);
    // Either variable alone is enough, as in uv.
    expect(creds("https://reg.example/x", { ...sources, env: { UV_INDEX_PRIVATE_PASSWORD: "tok" } })).toEqual([
      "index-env",
      "",
      "tok",
      "private",
    ]);
  });
  it("   then the index URL's own userinfo", () => {
    expect(creds("https://inline.example/files/x.whl")).toEqual(["index-url", "iu", "ip", "inline"]);
  });
  it("3. .netrc for the host", () => {
    expect(creds("https://reg.example/x", { ...sources, env: {} })).toEqual(["netrc", "nu", "np", "private"]);
    expect(creds("https://other.example/x")).toEqual(["netrc", "ou", "op", undefined]);
  });
  it("a user name in the URL takes the password of a source with the same user only", () => {
    expect(creds("https://eu@reg.example/x")).toEqual(["index-env", "eu", "ep", "private"]);
    expect(creds("https://nu@reg.example/x")).toEqual(["netrc", "nu", "np", "private"]);
    expect(creds("https://zed@reg.example/x")).toEqual(["url", "zed", "", "private"]);
  });
  it("nothing for other hosts, and nothing at all under authenticate = never", () => {
    expect(creds("https://nowhere.example/x")).toBeUndefined();
    expect(creds("https://off.example/files/x.whl")).toBeUndefined();
    expect(creds("https://a:b@off.example/files/x.whl")).toBeUndefined();
  });
});

describe("the 401/403 hint names the index's own variables", () => {
  const subject = { key: "alpha==1.0", url: "https://reg.example/files/a.whl", index: "https://reg.example/simple" };
  const auth = (source: "index-env" | "netrc" | undefined, index?: { name?: string; url: string }) => ({
    url: subject.url,
    source,
    index,
  });
  it("declared and named, nothing sent", () => {
    expect(authHint(401, auth(undefined, { name: "corp.pypi", url: "https://reg.example/simple" }), subject)).toBe(
      'The index "corp.pypi" ("https://reg.example/simple") needs credentials: set UV_INDEX_CORP_PYPI_USERNAME and UV_INDEX_CORP_PYPI_PASSWORD, or put the host\'s credentials in ~/.netrc (or the file NETRC names).',
    );
  });
  it("declared, the variables were sent and refused", () => {
    expect(authHint(403, auth("index-env", { name: "private", url: "https://reg.example/simple" }), subject)).toContain(
      "refused the credentials from UV_INDEX_PRIVATE_USERNAME / UV_INDEX_PRIVATE_PASSWORD (or they lack access to this file)",
    );
  });
  it("declared without a name", () => {
    expect(authHint(401, auth(undefined, { url: "https://reg.example/simple" }), subject)).toContain(
      'has no name, so no UV_INDEX_<NAME>_* variables apply: add name = "private"',
    );
  });
  it("not declared: the table to add, with the lock's index URL (credentials redacted)", () => {
    const hint = authHint(401, auth("netrc"), { ...subject, index: "https://u:p@reg.example/simple" });
    expect(hint).toContain("The server refused the credentials from .netrc");
    expect(hint).toContain(
      '"https://reg.example/files/a.whl" is not under any `[[tool.uv.index]]` of pyproject.toml: declare the index (name = "private", url = "https://****@reg.example/simple")',
    );
  });
});
