import { createHash } from "node:crypto";
import { inflateEntry, readZipEntries, type ZipEntry } from "@tspack/zip";
import { describe, expect, it } from "vitest";
import { type MadeWheel, makeWheel, recordHash } from "../../../test/helpers/make-wheel.js";
import {
  checkRecordDigests,
  readWheelRecord,
  recordSha256,
  recordWarnings,
  validateWheelEntries,
} from "../src/index.js";

const enc = new TextEncoder();
const b64 = (s: string) => createHash("sha256").update(s).digest("base64url");

function input(w: MadeWheel) {
  const entries = readZipEntries(w.bytes, { name: w.filename });
  return { filename: w.filename, entries, read: (e: ZipEntry) => inflateEntry(w.bytes, e) };
}

/** The actual sha256 of every entry (what an inflating pass computes). */
function digests(w: MadeWheel): (e: ZipEntry) => string {
  return (e) => createHash("sha256").update(inflateEntry(w.bytes, e)).digest("base64url");
}

function recordOf(w: MadeWheel) {
  const i = input(w);
  const files = validateWheelEntries(w.filename, i.entries);
  const prefix = w.filename.split("-").slice(0, 2).join("-");
  return {
    files,
    record: readWheelRecord(w.filename, `${prefix}.dist-info`, new Map(files.map((f) => [f.path, f.entry])), i.read),
  };
}

describe("readWheelRecord", () => {
  it("normalizes row paths (first row wins) and keeps rows that name no safe path apart", () => {
    const w = makeWheel({
      name: "r",
      version: "1.0",
      files: { "r/a.py": "a" },
      record: `./r/a.py,${recordHash(enc.encode("a"))},1\nr/a.py,sha256=second,9\n/r-1.0.dist-info/WHEEL,,\n../../etc/passwd,,0\nr/,,\n`,
    });
    const { record } = recordOf(w);
    expect(record.path).toBe("r-1.0.dist-info/RECORD");
    expect([...record.rows.keys()]).toEqual(["r/a.py", "r-1.0.dist-info/WHEEL"]);
    expect(record.rows.get("r/a.py")!.size).toBe("1");
    expect(record.stray).toEqual(["../../etc/passwd", "r/"]);
  });
});

describe("recordWarnings (central directory only)", () => {
  it("names files RECORD does not list, rows of no file and wrong sizes, five at most per warning", () => {
    const files = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`r/f${i}.py`, `x${i}`]));
    const w = makeWheel({
      name: "r",
      version: "1.0",
      files,
      distInfo: { "RECORD.jws": "sig" },
      record: "r/f0.py,,99\nr/gone.py,,1\n../up.py,,1\nr-1.0.dist-info/RECORD,sha256=self,5\n",
    });
    const { files: wheelFiles, record } = recordOf(w);
    expect(recordWarnings(record, wheelFiles)).toEqual([
      'RECORD gives the wrong size for 1 file (installed as in the wheel): "r/f0.py" has 2 bytes, RECORD says 99',
      'RECORD does not list 8 files of the wheel (installed anyway, as uv and pip do): "r/f1.py", "r/f2.py", "r/f3.py", "r/f4.py", "r/f5.py" and 3 more',
      'RECORD lists 2 files the wheel does not have (left out of the installed RECORD, as uv does): "r/gone.py", "../up.py"',
    ]);
  });

  it("says nothing about a correct RECORD", () => {
    const { files, record } = recordOf(makeWheel({ name: "r", version: "1.0", files: { "r/a.py": "a" } }));
    expect(recordWarnings(record, files)).toEqual([]);
  });
});

describe("checkRecordDigests", () => {
  it("names every file whose content does not have RECORD's sha256", () => {
    const w = makeWheel({
      name: "r",
      version: "1.0",
      files: { "r/a.py": "a", "r/b.py": "b", "r/c.py": "c", "r/d.py": "d" },
      record: [
        `r/a.py,sha256=${b64("not a")},1`,
        `r/b.py,${recordHash(enc.encode("b"))},1`,
        "r/c.py,md5=whatever,1", // not compared: only sha256 is
        "r/d.py,,1", // no hash: nothing to compare
        "r-1.0.dist-info/RECORD,sha256=self,1", // never compared
        "",
      ].join("\n"),
    });
    expect(checkRecordDigests(input(w), digests(w))).toEqual([
      `RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "r/a.py" has sha256=${b64("a")}, RECORD says sha256=${b64("not a")}`,
    ]);
    // Entries not inflated (no digest) are not compared.
    expect(checkRecordDigests(input(w), () => undefined)).toEqual([]);
  });

  it("passes a correct wheel, and refuses one without RECORD like the plan", () => {
    const good = makeWheel({ name: "r", version: "1.0", files: { "r/a.py": "a" } });
    expect(checkRecordDigests(input(good), digests(good))).toEqual([]);
    const none = makeWheel({ name: "r", version: "1.0", files: { "r/a.py": "a" }, record: "none" });
    expect(() => checkRecordDigests(input(none), digests(none))).toThrow(
      expect.objectContaining({ code: "TSPACK_RECORD_MISMATCH" }),
    );
  });

  it("recordSha256 takes sha256 digests only", () => {
    expect([recordSha256("sha256=abc"), recordSha256("sha512=abc"), recordSha256("")]).toEqual([
      "abc",
      undefined,
      undefined,
    ]);
  });
});
