import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkedMarkerFor, readCheckedMarker, writeCheckedMarker } from "../src/index.js";

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "tspack-checked-"));
  made.push(d);
  return d;
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("checked markers (checked-v2)", () => {
  it("remembers a checked wheel: an empty file without warnings, its RECORD warnings otherwise", async () => {
    const root = fresh();
    expect(readCheckedMarker(root, sha("a"))).toBeUndefined();
    await writeCheckedMarker(root, sha("a"), []);
    expect(checkedMarkerFor(root, sha("a"))).toBe(join(root, "checked-v2", sha("a").slice(0, 2), sha("a")));
    expect(statSync(checkedMarkerFor(root, sha("a"))).size).toBe(0);
    expect(readCheckedMarker(root, sha("a"))).toEqual([]);
    await writeCheckedMarker(root, sha("b"), ['RECORD gives the wrong size for 1 file: "x"']);
    expect(readCheckedMarker(root, sha("b"))).toEqual(['RECORD gives the wrong size for 1 file: "x"']);
    expect(readdirSync(join(root, "tmp"))).toEqual([]); // written whole: temp file + rename
  });

  it("does not trust a damaged marker or an older version's, and a cache it cannot write costs nothing", async () => {
    const root = fresh();
    const marker = checkedMarkerFor(root, sha("a"));
    mkdirSync(dirname(marker), { recursive: true });
    for (const text of ['["cut', "{}", "[1]"]) {
      writeFileSync(marker, text);
      expect(readCheckedMarker(root, sha("a")), text).toBeUndefined();
    }
    const v1 = join(root, "checked-v1", sha("c").slice(0, 2), sha("c"));
    mkdirSync(dirname(v1), { recursive: true });
    writeFileSync(v1, "");
    expect(readCheckedMarker(root, sha("c"))).toBeUndefined();
    expect(readCheckedMarker(root, "not-a-sha")).toBeUndefined();
    // A cache root that is a file: nothing written, nothing thrown.
    const file = join(fresh(), "file");
    writeFileSync(file, "x");
    await expect(writeCheckedMarker(file, sha("a"), [])).resolves.toBeUndefined();
    expect(readFileSync(file, "utf8")).toBe("x");
  });
});
