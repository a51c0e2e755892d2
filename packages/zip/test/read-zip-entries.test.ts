import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { readZipEntries } from "../src/read-zip-entries.js";
import { type SyntheticEntry, type SyntheticOptions, syntheticZip, utf8 } from "./synthetic-zip.js";

const PIP = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";
const SETUPTOOLS = "/usr/share/python-wheels/setuptools-66.1.1-py3-none-any.whl";

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const hasPython = has("python3", ["-c", "pass"]);
const hasUnzip = has("unzip", ["-v"]);

/** The message of the TSPACK_ZIP_INVALID error thrown by `f`. */
function zipInvalid(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isTspackError(e, "TSPACK_ZIP_INVALID")) return e.message;
    throw e;
  }
  throw new Error("expected TSPACK_ZIP_INVALID, nothing was thrown");
}

const read = (entries: SyntheticEntry[], options?: SyntheticOptions) =>
  readZipEntries(syntheticZip(entries, options), { name: "foo-1.0-py3-none-any.whl" });

describe("readZipEntries on real wheels", () => {
  it.skipIf(!existsSync(PIP))("reads pip-23.0.1 (500 entries) like unzip -Z1 lists it", () => {
    const bytes = new Uint8Array(readFileSync(PIP));
    const entries = readZipEntries(bytes, { name: "pip-23.0.1-py3-none-any.whl" });
    expect(entries.length).toBe(500);
    expect(entries.filter((e) => e.method === 8).length).toBeGreaterThan(400);
    const record = entries.find((e) => e.name === "pip-23.0.1.dist-info/RECORD");
    expect(record).toMatchObject({ method: 8, isDirectory: false, isSymlink: false, flags: 0 });
    if (hasUnzip) {
      const names = execFileSync("unzip", ["-Z1", PIP]).toString().trim().split("\n");
      expect(entries.map((e) => e.name)).toEqual(names);
    }
  });

  it.skipIf(!existsSync(SETUPTOOLS) || !hasPython)("agrees with Python zipfile on setuptools-66.1.1", () => {
    const py = `
import zipfile, json, sys
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename, i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset, i.external_attr, i.create_system] for i in z.infolist()]))`;
    const want = JSON.parse(execFileSync("python3", ["-c", py, SETUPTOOLS], { maxBuffer: 1 << 26 }).toString());
    const got = readZipEntries(new Uint8Array(readFileSync(SETUPTOOLS))).map((e) => [
      e.name,
      e.method,
      e.crc32,
      e.compressedSize,
      e.uncompressedSize,
      e.localHeaderOffset,
      e.externalAttributes,
      e.versionMadeBy >>> 8,
    ]);
    expect(got).toEqual(want);
  });
});

describe("readZipEntries: entry fields", () => {
  it("decodes names: UTF-8 with flag bit 11, CP437 without", () => {
    const entries = read([
      { name: utf8("caf\u00e9/\u65e5.py"), flags: 0x800, data: utf8("x") },
      { name: Uint8Array.from([0x81, 0x2f, 0x61]), data: utf8("y") },
    ]);
    expect(entries.map((e) => e.name)).toEqual(["caf\u00e9/\u65e5.py", "\u00fc/a"]);
  });

  it("computes unixMode, isSymlink and isDirectory", () => {
    const entries = read([
      { name: "bin/tool", externalAttributes: 0o100755 * 0x10000 },
      { name: "link", externalAttributes: 0o120777 * 0x10000, data: utf8("target") },
      { name: "dir/", externalAttributes: 0o040755 * 0x10000 + 0x10 },
      { name: "dos.txt", versionMadeBy: 20, externalAttributes: 0x20 },
    ]);
    expect(entries.map((e) => [e.name, e.unixMode, e.isSymlink, e.isDirectory])).toEqual([
      ["bin/tool", 0o100755, false, false],
      ["link", 0o120777, true, false],
      ["dir/", 0o040755, false, true],
      ["dos.txt", undefined, false, false],
    ]);
  });

  it("returns duplicate names (the installer decides)", () => {
    const entries = read([
      { name: "a.py", data: utf8("1") },
      { name: "a.py", data: utf8("2") },
    ]);
    expect(entries.map((e) => [e.name, e.crc32 !== 0])).toEqual([
      ["a.py", true],
      ["a.py", true],
    ]);
    expect(entries[0]!.localHeaderOffset).not.toBe(entries[1]!.localHeaderOffset);
  });

  it("accepts a plain-text archive comment", () => {
    expect(read([{ name: "a" }], { comment: utf8("made by hand\r\n\t") }).length).toBe(1);
  });

  it("reads an empty archive", () => {
    expect(read([])).toEqual([]);
  });
});

describe("readZipEntries: data descriptors", () => {
  it.each(["sig", "nosig"] as const)("accepts a data descriptor (%s) with zeroed local sizes", (descriptor) => {
    const entries = read([
      { name: "a.py", method: 8, data: utf8("print(1)\n".repeat(50)), descriptor },
      { name: "b.py", data: utf8("b"), descriptor },
    ]);
    expect(entries.map((e) => [e.name, e.flags & 8, e.uncompressedSize])).toEqual([
      ["a.py", 8, 450],
      ["b.py", 8, 1],
    ]);
  });

  it("accepts a zip64 data descriptor (8-byte sizes)", () => {
    const entries = read([{ name: "a", data: utf8("abc"), descriptor: "sig", zip64: true }]);
    expect(entries[0]).toMatchObject({ name: "a", compressedSize: 3, uncompressedSize: 3 });
  });

  it.skipIf(!hasPython)("reads Python zipfile output written to a pipe (data descriptors)", () => {
    const py = `
import zipfile, sys
with zipfile.ZipFile(sys.stdout.buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
    for i in range(3):
        with z.open(f"m/f{i}.txt", "w") as f:
            f.write(b"line\\n" * (i * 100))`;
    const bytes = new Uint8Array(execFileSync("python3", ["-c", py]));
    const entries = readZipEntries(bytes);
    expect(entries.map((e) => [e.name, e.flags & 8, e.uncompressedSize])).toEqual([
      ["m/f0.txt", 8, 0],
      ["m/f1.txt", 8, 500],
      ["m/f2.txt", 8, 1000],
    ]);
  });

  it("refuses a data descriptor that disagrees with the central directory", () => {
    const bad = Uint8Array.from([0x50, 0x4b, 0x07, 0x08, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(zipInvalid(() => read([{ name: "a", data: utf8("a"), descriptor: "sig", descriptorBytes: bad }]))).toBe(
      '"foo-1.0-py3-none-any.whl": entry "a": data descriptor is missing or does not match the central directory',
    );
  });
});

describe("readZipEntries: zip64", () => {
  it("resolves zip64 extra fields and the zip64 end records", () => {
    const entries = read(
      [
        { name: "a.txt", data: utf8("hello"), zip64: true },
        { name: "b.txt", data: utf8("world!"), zip64: true },
      ],
      { zip64End: true },
    );
    expect(entries.map((e) => [e.name, e.compressedSize, e.uncompressedSize, e.localHeaderOffset])).toEqual([
      ["a.txt", 5, 5, 0],
      ["b.txt", 6, 6, 30 + 5 + 20 + 5],
    ]);
  });

  it("reads sizes above 4 GiB from a synthetic structure", () => {
    const big = 5 * 2 ** 30;
    const entries = read([
      { name: "huge.bin", method: 8, compressed: Uint8Array.from([3, 0]), uncompressedSize: big, zip64: true },
    ]);
    expect(entries[0]).toMatchObject({ uncompressedSize: big, compressedSize: 2 });
  });

  it("refuses zip64 values beyond 2^53", () => {
    const z = syntheticZip([{ name: "a", data: utf8("a"), zip64: true }]);
    // Central directory zip64 extra: the first value (uncompressed size) high word → 0xFFFFFFFF.
    const cd = z.length - 22 - (46 + 1 + 28);
    z.set([0xff, 0xff, 0xff, 0xff], cd + 46 + 1 + 4 + 4);
    expect(zipInvalid(() => readZipEntries(z))).toBe(
      'The zip archive: entry "a": a zip64 size or offset is larger than 2^53',
    );
  });

  it("refuses a missing zip64 extra field when the central directory uses sentinels", () => {
    const z = syntheticZip([{ name: "a", data: utf8("a") }]);
    const cd = z.length - 22 - (46 + 1);
    z.set([0xff, 0xff, 0xff, 0xff], cd + 20);
    expect(zipInvalid(() => readZipEntries(z, { name: "x.whl" }))).toBe(
      '"x.whl": entry "a": the zip64 extra field is missing or too short',
    );
  });

  it("refuses a zip64 locator that points at garbage", () => {
    const z = syntheticZip([{ name: "a" }], { zip64End: true });
    const loc = z.length - 22 - 20;
    z[loc + 8] = (z[loc + 8]! + 1) & 0xff;
    expect(zipInvalid(() => readZipEntries(z))).toBe(
      "The zip archive: the zip64 end of central directory record is missing or out of place",
    );
  });
});

describe("readZipEntries: validation errors", () => {
  const A = { name: "foo/x.py", data: utf8("print('x')\n") };

  it.each<[string, SyntheticEntry[], SyntheticOptions | undefined, string]>([
    [
      "local name differs",
      [{ ...A, localName: "foo/y.py" }],
      undefined,
      'entry "foo/x.py": local header name does not match the central directory',
    ],
    [
      "local method differs",
      [{ ...A, localMethod: 8 }],
      undefined,
      'entry "foo/x.py": local header compression method 8 does not match the central directory (0)',
    ],
    [
      "local sizes differ",
      [{ ...A, localUncompressedSize: 12 }],
      undefined,
      'entry "foo/x.py": local header sizes (11/12) do not match the central directory (11/11)',
    ],
    [
      "local CRC differs",
      [{ ...A, localCrc32: 1 }],
      undefined,
      'entry "foo/x.py": local header CRC-32 0x00000001 does not match the central directory (0xe59b1d58)',
    ],
    ["encrypted", [{ ...A, flags: 1 }], undefined, 'entry "foo/x.py": is encrypted'],
    [
      "bzip2",
      [{ ...A, method: 12, compressed: utf8("BZh") }],
      undefined,
      'entry "foo/x.py": uses compression method 12 (bzip2); only 0 (stored) and 8 (deflate) are supported',
    ],
    [
      "unknown method",
      [{ ...A, method: 77, compressed: utf8("??") }],
      undefined,
      'entry "foo/x.py": uses compression method 77; only 0 (stored) and 8 (deflate) are supported',
    ],
    [
      "stored sizes differ",
      [{ ...A, uncompressedSize: 99, localUncompressedSize: 99 }],
      undefined,
      'entry "foo/x.py": is stored but its compressed size (11) differs from its uncompressed size (99)',
    ],
    [
      "two entries share one local header",
      [A, { ...A, name: "foo/x.py", offsetOf: 0 }],
      undefined,
      'entry "foo/x.py": overlaps entry "foo/x.py" (offset 0)',
    ],
    [
      "data runs into the central directory",
      [{ ...A, compressedSize: 50, uncompressedSize: 50, localCompressedSize: 50, localUncompressedSize: 50 }],
      undefined,
      'entry "foo/x.py": data (50 bytes at 38) runs into the central directory',
    ],
    [
      "invalid UTF-8 name",
      [{ name: Uint8Array.from([0x61, 0xff]), flags: 0x800 }],
      undefined,
      'entry "a\ufffd": the name is flagged as UTF-8 but is not valid UTF-8',
    ],
    [
      "zip in zip comment",
      [A],
      { comment: Uint8Array.from([0x50, 0x4b, 0x03, 0x04]) },
      "the archive comment contains bytes 0x01–0x08 (a zip inside a zip?)",
    ],
    ["multi-disk", [A], { eocd: { disk: 1 } }, "spans multiple disks (not supported)"],
    [
      "count larger than the directory",
      [A],
      { eocd: { count: 5 } },
      "the central directory (54 bytes) is too small for 5 entries",
    ],
    [
      "directory size larger than its entries",
      [A],
      { gapBeforeEnd: new Uint8Array(4), eocd: { cdSize: 58 } },
      "the central directory is 58 bytes but its 1 entries take 54",
    ],
    [
      "directory past the end record",
      [A],
      { eocd: { cdOffset: 100 } },
      "the central directory (offset 100, 54 bytes) extends past the end of central directory record at 103",
    ],
  ])("%s", (_, entries, options, reason) => {
    expect(zipInvalid(() => read(entries, options))).toBe(`"foo-1.0-py3-none-any.whl": ${reason}`);
  });

  it("names the local header offset when it points outside the data", () => {
    const z = syntheticZip([A]);
    const cd = z.length - 22 - (46 + 8);
    z.set([0x40, 0, 0, 0], cd + 42);
    expect(zipInvalid(() => readZipEntries(z))).toMatchInlineSnapshot(
      `"The zip archive: entry "foo/x.py": local header at offset 64 lies outside the archive data"`,
    );
  });

  it.each([
    ["empty input", new Uint8Array(0)],
    ["not a zip", utf8("hello world, this is plainly not a zip archive")],
    ["truncated", syntheticZip([A]).subarray(0, 80)],
    ["trailing garbage", new Uint8Array([...syntheticZip([A]), 1, 2, 3])],
  ])("refuses %s", (_, bytes) => {
    expect(zipInvalid(() => readZipEntries(bytes, { name: "x.whl" }))).toBe(
      '"x.whl": is not a zip archive or is truncated (no end of central directory record)',
    );
  });

  it("puts the archive and entry into details and a remedy into hint", () => {
    try {
      read([{ ...A, localName: "foo/y.py" }]);
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_ZIP_INVALID")).toBe(true);
      const err = e as { details: unknown; hint: string };
      expect(err.details).toEqual({ archive: "foo-1.0-py3-none-any.whl", entry: "foo/x.py" });
      expect(err.hint).toMatch(/download or rebuild/);
    }
  });
});
