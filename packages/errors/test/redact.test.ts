import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  formatCaret,
  formatSourceExcerpt,
  hasSecrets,
  redactDeep,
  redactLine,
  redactSecrets,
  redactUrl,
  TspackError,
  urlsWithSecrets,
} from "../src/index.js";

describe("redactSecrets", () => {
  it.each([
    ["https://user:secret@example.com/simple/", "https://****@example.com/simple/"],
    ["https://__token__@example.com/x.whl", "https://****@example.com/x.whl"],
    // An unencoded `@` in the password: the userinfo ends at the last `@` of the authority.
    ["https://user:p@ss@example.com/x", "https://****@example.com/x"],
    ["git+https://user:tok@github.com/org/repo@v1", "git+https://****@github.com/org/repo@v1"],
    // uv keeps the generic git user of SSH URLs: it is not a credential.
    ["ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"],
    ["git+ssh://git@github.com/org/repo.git", "git+ssh://git@github.com/org/repo.git"],
    ["https://git@example.com/x", "https://****@example.com/x"],
    // `@` after the authority is not userinfo; no scheme, no URL.
    ["https://example.com/pkg@1.0", "https://example.com/pkg@1.0"],
    ["mail alice@example.com", "mail alice@example.com"],
    ["http://127.0.0.1:8080/files/x.whl", "http://127.0.0.1:8080/files/x.whl"],
  ])("%s → %s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
    expect(redactUrl(input)).toBe(expected);
    expect(hasSecrets(input)).toBe(input !== expected);
  });

  it("redacts every URL inside running text, JSON and TOML without crossing quotes", () => {
    const json = JSON.stringify({ a: "http://u:p@h1/x", b: ["see https://t@h2/y and http://h3/z"] });
    expect(redactSecrets(json)).toBe(
      JSON.stringify({ a: "http://****@h1/x", b: ["see https://****@h2/y and http://h3/z"] }),
    );
    expect(redactSecrets(`{ url = "https://u:p@h/a.whl", hash = "sha256:00" }`)).toBe(
      `{ url = "https://****@h/a.whl", hash = "sha256:00" }`,
    );
  });

  it("redactDeep redacts strings through objects and arrays and keeps everything else", () => {
    const date = new Date(0);
    const value = { url: "https://u:p@h/x", n: 1, list: ["ok", "http://t@h/y"], nested: { d: date, clean: "x" } };
    const out = redactDeep(value);
    expect(out).toEqual({
      url: "https://****@h/x",
      n: 1,
      list: ["ok", "http://****@h/y"],
      nested: { d: date, clean: "x" },
    });
    expect(value.url).toBe("https://u:p@h/x");
    const clean = { a: ["x"], b: { c: 1 } };
    expect(redactDeep(clean)).toBe(clean);
  });

  it("urlsWithSecrets lists whole URL tokens with credentials, once each", () => {
    const text = `a = "https://u:p@h/x.whl"\nb = "https://h/y"\nc = 'https://u:p@h/x.whl'\nd = "ssh://git@h/r"`;
    expect(urlsWithSecrets(text)).toEqual(["https://u:p@h/x.whl"]);
  });

  it("redactLine moves a caret to the same character", () => {
    const line = `{ url = "https://user:secret@h/x.whl", size = "big" }`;
    const col = line.indexOf('"big"') + 1;
    const r = redactLine(line, col);
    expect(r.line).toBe(`{ url = "https://****@h/x.whl", size = "big" }`);
    expect(r.line.slice(r.column - 1, r.column + 4)).toBe('"big"');
    // Before the URL: unchanged; inside the userinfo: on its `****`.
    expect(redactLine(line, 3).column).toBe(3);
    expect(r.line.slice(redactLine(line, line.indexOf("secret") + 1).column - 1)).toMatch(/^\*\*\*\*@h/);
  });
});

describe("no credential reaches an error", () => {
  it("TspackError redacts its message, hint and details", () => {
    const e = new TspackError(ERROR_CODES.HTTP_STATUS, 'The download from "https://u:pw@h/x" failed', {
      hint: "check https://u:pw@h/",
      details: { url: "https://u:pw@h/x", failures: [{ url: "https://u:pw@h/x", code: "X" }], attempts: 2 },
    });
    const text = JSON.stringify({ message: e.message, ...e.toJSON() });
    expect(text).not.toContain("pw");
    expect(e.message).toBe('The download from "https://****@h/x" failed');
    expect(e.details).toEqual({
      url: "https://****@h/x",
      failures: [{ url: "https://****@h/x", code: "X" }],
      attempts: 2,
    });
  });

  it("excerpts and carets are redacted with the caret kept under the bad value", () => {
    const text = `a = 1\nwheels = [{ url = "https://user:secret@h/x.whl", size = "big" }]\n`;
    const col = text.split("\n")[1]!.indexOf('"big"') + 1;
    const excerpt = formatSourceExcerpt(text, 2, col);
    expect(excerpt).not.toContain("secret");
    const [src, caret] = excerpt.split("\n") as [string, string];
    expect(src.slice(caret.indexOf("^"), caret.indexOf("^") + 5)).toBe('"big"');
    const [line, marks] = formatCaret("x @ https://u:p@h/y ; bad", 22).split("\n") as [string, string];
    expect(line).toBe("x @ https://****@h/y ; bad");
    expect(line[marks.indexOf("^")]).toBe("b");
  });
});
