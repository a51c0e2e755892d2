import { afterEach, describe, expect, it } from "vitest";
import { makeBytes, type RunningIndexServer, sha256Hex, startIndexServer } from "../../../test/helpers/index-server.js";
import { fetchSimpleIndex, parseSimpleHtml, parseSimpleJson, simpleProjectUrl } from "../src/index.js";

const servers: RunningIndexServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("simple index parsers", () => {
  it("parses PEP 503 HTML: anchors, fragments, entities, data-* attributes, <base>", () => {
    const html = `<html><head><base href="https://files.example/pkgs/"></head><body>
      <a href="a/Foo-1.0-py3-none-any.whl#sha256=ABCDEF" data-requires-python="&gt;=3.8">Foo-1.0-py3-none-any.whl</a>
      <a href='../b/foo-0.9.tar.gz' data-yanked>foo-0.9.tar.gz</a>
      <A HREF="c/foo-0.8.tar.gz" data-yanked="broken &amp; bad">foo-0.8.tar.gz</A>
    </body></html>`;
    expect(parseSimpleHtml(html, "https://idx.example/simple/foo/")).toEqual([
      {
        filename: "Foo-1.0-py3-none-any.whl",
        url: "https://files.example/pkgs/a/Foo-1.0-py3-none-any.whl",
        hashes: { sha256: "abcdef" },
        requiresPython: ">=3.8",
        yanked: false,
        size: undefined,
      },
      {
        filename: "foo-0.9.tar.gz",
        url: "https://files.example/b/foo-0.9.tar.gz",
        hashes: {},
        requiresPython: undefined,
        yanked: true,
        size: undefined,
      },
      {
        filename: "foo-0.8.tar.gz",
        url: "https://files.example/pkgs/c/foo-0.8.tar.gz",
        hashes: {},
        requiresPython: undefined,
        yanked: "broken & bad",
        size: undefined,
      },
    ]);
  });

  it("parses PEP 691 JSON", () => {
    const json = JSON.stringify({
      meta: { "api-version": "1.1" },
      name: "foo",
      files: [
        {
          filename: "foo-1.0.tar.gz",
          url: "../../f/foo-1.0.tar.gz",
          hashes: { sha256: "AA" },
          "requires-python": ">=3.9",
          yanked: "old",
          size: 3,
        },
      ],
    });
    expect(parseSimpleJson(json, "https://idx.example/simple/foo/")).toEqual([
      {
        filename: "foo-1.0.tar.gz",
        url: "https://idx.example/f/foo-1.0.tar.gz",
        hashes: { sha256: "aa" },
        requiresPython: ">=3.9",
        yanked: "old",
        size: 3,
      },
    ]);
    expect(() => parseSimpleJson("{", "https://i/")).toThrow(/^The index page "https:\/\/i\/" is not valid JSON/);
  });

  it("normalizes project names in URLs", () => {
    expect(simpleProjectUrl("https://i.example/simple/", "Foo_Bar.baz")).toBe("https://i.example/simple/foo-bar-baz/");
  });
});

describe("fetchSimpleIndex", () => {
  const wheel = makeBytes(1000, 3);
  const files = { "/files/My_Pkg-1.0-py3-none-any.whl": wheel };
  const fileMeta = { "My_Pkg-1.0-py3-none-any.whl": { requiresPython: ">=3.8,<4", yanked: "bad build" } };

  it.each([
    [["json", "html"], "json"],
    [["html"], "html"],
  ] as const)("offers %j → reads %s", async (formats, expected) => {
    const s = await startIndexServer({ files, fileMeta, simpleFormats: formats });
    servers.push(s);
    const page = await fetchSimpleIndex(`${s.url}/simple`, "my.pkg");
    expect(page.format).toBe(expected);
    expect(page.files).toEqual([
      {
        filename: "My_Pkg-1.0-py3-none-any.whl",
        url: `${s.url}/files/My_Pkg-1.0-py3-none-any.whl`,
        hashes: { sha256: sha256Hex(wheel) },
        requiresPython: ">=3.8,<4",
        yanked: "bad build",
        size: expected === "json" ? 1000 : undefined,
      },
    ]);
    expect(s.log[0]!.headers.accept).toBe(
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01",
    );
  });

  it("reports a missing project as TSPACK_HTTP_STATUS, with credentials redacted", async () => {
    const s = await startIndexServer({ files });
    servers.push(s);
    await expect(fetchSimpleIndex(`http://u:secret@127.0.0.1:${s.port}/simple`, "nope")).rejects.toThrow(
      `The download of "nope" from "http://****@127.0.0.1:${s.port}/simple/nope/" failed: HTTP 404 Not Found`,
    );
  });
});
