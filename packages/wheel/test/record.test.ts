import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatRecord, parseRecord, type RecordRow } from "../src/index.js";

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "0"]);
    return true;
  } catch {
    return false;
  }
}

const rows: RecordRow[] = [
  { path: "foo/x.py", hash: "sha256=abc", size: "12" },
  { path: "foo-0.1.0.dist-info/RECORD", hash: "", size: "" },
  { path: "odd,name.py", hash: "", size: "3" },
  { path: 'quote"d.py', hash: "sha256=q", size: "1" },
  { path: "new\nline", hash: "", size: "0" },
  { path: "données/é.txt", hash: "sha256=u", size: "8" },
];

describe("RECORD", () => {
  it("formats sorted by byte order, quoting only when needed", () => {
    expect(formatRecord(rows)).toMatchInlineSnapshot(`
      "données/é.txt,sha256=u,8
      foo-0.1.0.dist-info/RECORD,,
      foo/x.py,sha256=abc,12
      "new
      line",,0
      "odd,name.py",,3
      "quote""d.py",sha256=q,1
      "
    `);
  });

  it("round-trips through parseRecord", () => {
    const sorted = parseRecord(formatRecord(rows));
    expect(sorted).toHaveLength(rows.length);
    expect(new Set(sorted.map((r) => JSON.stringify(r)))).toEqual(new Set(rows.map((r) => JSON.stringify(r))));
  });

  it.skipIf(!hasPython())("matches Python's csv writer and reader (oracle)", () => {
    const script =
      "import csv,io,json,sys\nrows=json.load(sys.stdin)\nrows.sort(key=lambda r:(r[0].encode(),r[1].encode(),r[2].encode()))\nb=io.StringIO()\nw=csv.writer(b,lineterminator='\\n')\nw.writerows(rows)\nsys.stdout.write(b.getvalue())";
    const out = execFileSync("python3", ["-c", script], {
      input: JSON.stringify(rows.map((r) => [r.path, r.hash, r.size])),
    }).toString();
    expect(formatRecord(rows)).toBe(out);
    const back = execFileSync("python3", ["-c", "import csv,sys,json;print(json.dumps(list(csv.reader(sys.stdin))))"], {
      input: 'a,b,1\r\n"x,""y",,\n\nlast,sha256=z,2',
    }).toString();
    expect(parseRecord('a,b,1\r\n"x,""y",,\n\nlast,sha256=z,2').map((r) => [r.path, r.hash, r.size])).toEqual(
      (JSON.parse(back) as string[][]).filter((r) => r.length > 0), // empty lines are skipped, like uv's csv reader
    );
  });

  it("strips a leading / and pads missing fields", () => {
    expect(parseRecord("/abs/x.py\nrel.py,sha256=a\n")).toEqual([
      { path: "abs/x.py", hash: "", size: "" },
      { path: "rel.py", hash: "sha256=a", size: "" },
    ]);
  });

  it("refuses an unterminated quote", () => {
    expect(() => parseRecord('ok,,\n"broken,,\n', "x.whl/x-1.dist-info/RECORD")).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The RECORD file "x.whl/x-1.dist-info/RECORD" is invalid: line 2 has an unterminated quoted field]`,
    );
  });
});
