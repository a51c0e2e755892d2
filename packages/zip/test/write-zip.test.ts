import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { isTspackError } from "@tspack/errors";
import { afterAll, describe, expect, it } from "vitest";
import { getEntryData } from "../src/entry-data.js";
import { inflateEntry } from "../src/inflate-entry.js";
import { readZipEntries } from "../src/read-zip-entries.js";
import { writeZip, type ZipInputEntry, zipChunks } from "../src/write-zip.js";

const PIP = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";
const text = (s: string) => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

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

const tmp = mkdtempSync(join(tmpdir(), "tspack-zip-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;
function toFile(bytes: Uint8Array): string {
  const file = join(tmp, `t${counter++}.zip`);
  writeFileSync(file, bytes);
  return file;
}

/** `unzip -t` output (throws when unzip reports an error). */
function unzipTest(file: string): string {
  return execFileSync("unzip", ["-t", file], { maxBuffer: 1 << 28 }).toString();
}

/** Python zipfile's view: testzip() result and [name, mode, flag_bits, date_time, compress_type]. */
function pythonView(file: string): { bad: string | null; infos: [string, number, number, number[], number][] } {
  const py = `
import zipfile, json, sys
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"bad": z.testzip(), "infos": [[i.filename, i.external_attr >> 16, i.flag_bits, list(i.date_time), i.compress_type] for i in z.infolist()]}))`;
  return JSON.parse(execFileSync("python3", ["-c", py, file], { maxBuffer: 1 << 28 }).toString());
}

/** A fixed small input set covering stored, deflated, exec, non-ASCII and nested paths. */
function fixedEntries(): ZipInputEntry[] {
  return [
    { path: "app/handler.py", data: text("def handler(event, context):\n    return {'ok': True}\n".repeat(20)) },
    { path: "app/__init__.py", data: new Uint8Array(0) },
    { path: "bin/run", mode: 0o755, data: text("#!/bin/sh\nexec python3 -m app\n") },
    { path: "caf\u00e9/\u65e5\u672c.txt", data: text("non-ascii name\n") },
    { path: "z.bin", data: Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff) },
    { path: "a-b", data: text("x") },
    { path: "a.b", data: text("y") },
  ];
}

function shuffle<T>(items: T[], seed: number): T[] {
  const a = [...items];
  let x = seed;
  for (let i = a.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function inputError(f: () => unknown, code = "TSPACK_ZIP_INPUT_INVALID"): string {
  try {
    f();
  } catch (e) {
    if (isTspackError(e) && e.code === code) return e.message;
    throw e;
  }
  throw new Error("nothing thrown");
}

describe("writeZip determinism", () => {
  it("pins the sha256 of a fixed input set", () => {
    const z = writeZip(fixedEntries());
    expect(z.length).toMatchInlineSnapshot(`853`);
    expect(sha256(z)).toMatchInlineSnapshot(`"5664006a9db8d63ab9af1200937bd5e097cca3b59a6b899100ec4896e3e7eeab"`);
  });

  it("writes the same bytes for any input order", () => {
    const want = sha256(writeZip(fixedEntries(), { directories: "implicit" }));
    for (let seed = 1; seed <= 8; seed++) {
      expect(sha256(writeZip(shuffle(fixedEntries(), seed), { directories: "implicit" }))).toBe(want);
    }
  });

  it("zipChunks concatenates to writeZip", () => {
    const chunks = [...zipChunks(fixedEntries())];
    expect(chunks.length).toBeGreaterThan(fixedEntries().length);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(writeZip(fixedEntries())));
  });

  it("sorts by UTF-8 bytes, not UTF-16 code units or locale", () => {
    const paths = ["\uffff", "\u{1F600}", "Z", "a/b", "a-b", "a.b", "\u00e9", "B"];
    const entries = readZipEntries(writeZip(paths.map((path) => ({ path, data: text(path) }))));
    // "a/b" sorts after "a.b" ('/' 0x2F > '.' 0x2E); U+FFFF (EF BF BF) before U+1F600 (F0 9F 98 80),
    // although UTF-16 puts U+1F600 (D83D DE00) first.
    expect(entries.map((e) => e.name)).toEqual(["B", "Z", "a-b", "a.b", "a/b", "\u00e9", "\uffff", "\u{1F600}"]);
  });
});

describe("writeZip structure", () => {
  const z = writeZip(fixedEntries(), { directories: "implicit" });
  const entries = readZipEntries(z, { name: "fixed.zip" });

  it("uses version made by 3.20, regular-file or directory attributes, and fixed flags", () => {
    expect(
      entries.map((e) => [e.name, e.versionMadeBy.toString(16), e.externalAttributes.toString(16), e.flags, e.method]),
    ).toEqual([
      ["a-b", "314", "81a40000", 0, 0],
      ["a.b", "314", "81a40000", 0, 0],
      ["app/", "314", "41ed0010", 0, 0],
      ["app/__init__.py", "314", "81a40000", 0, 0],
      ["app/handler.py", "314", "81a40000", 0, 8],
      ["bin/", "314", "41ed0010", 0, 0],
      ["bin/run", "314", "81ed0000", 0, 0],
      ["caf\u00e9/", "314", "41ed0010", 0x800, 0],
      ["caf\u00e9/\u65e5\u672c.txt", "314", "81a40000", 0x800, 0],
      ["z.bin", "314", "81a40000", 0, 0],
    ]);
  });

  it("writes no extra fields, no comments and no data descriptors", () => {
    for (const e of entries) {
      const o = e.localHeaderOffset;
      expect(z[o + 28]! | (z[o + 29]! << 8)).toBe(0);
      expect(z[o + 6]! & 8).toBe(0);
    }
    // Central directory: extra and comment lengths of every record.
    let p = z.length - 22;
    const cdOffset = z[p + 16]! | (z[p + 17]! << 8) | (z[p + 18]! << 16) | (z[p + 19]! << 24);
    p = cdOffset;
    for (const e of entries) {
      const nameLen = z[p + 28]! | (z[p + 29]! << 8);
      expect([z[p + 30], z[p + 31], z[p + 32], z[p + 33], z[p + 36], z[p + 37]]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(nameLen).toBe(new TextEncoder().encode(e.name).length);
      p += 46 + nameLen;
    }
    expect(z.subarray(z.length - 2)).toEqual(new Uint8Array(2));
  });

  it("encodes mtime from UTC fields (default 1980-01-01, SOURCE_DATE_EPOCH in seconds)", () => {
    const dateTime = (zip: Uint8Array) => {
      const o = readZipEntries(zip)[0]!.localHeaderOffset;
      return [zip[o + 10]! | (zip[o + 11]! << 8), zip[o + 12]! | (zip[o + 13]! << 8)];
    };
    const one = [{ path: "a", data: text("a") }];
    expect(dateTime(writeZip(one))).toEqual([0, (0 << 9) | (1 << 5) | 1]);
    expect(dateTime(writeZip(one, { mtime: 1_709_214_331 }))).toEqual([
      (13 << 11) | (45 << 5) | 15,
      (44 << 9) | (2 << 5) | 29,
    ]);
    expect(dateTime(writeZip(one, { mtime: new Date("2024-02-29T13:45:31Z") }))).toEqual(
      dateTime(writeZip(one, { mtime: 1_709_214_331 })),
    );
  });

  it("stores empty, tiny and incompressible data; level 0 stores everything", () => {
    let x = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
    const compressible = text("abc".repeat(1000));
    const methods = (zip: Uint8Array) => readZipEntries(zip).map((e) => [e.name, e.method]);
    const input = [
      { path: "empty", data: new Uint8Array(0) },
      { path: "noise", data: noise },
      { path: "text", data: compressible },
      { path: "tiny", data: text("aaaaaaaaaaaaaaaaaaaa") },
    ];
    expect(methods(writeZip(input))).toEqual([
      ["empty", 0],
      ["noise", 0],
      ["text", 8],
      ["tiny", 8],
    ]);
    expect(methods(writeZip(input, { minCompressSize: 100 }))).toEqual([
      ["empty", 0],
      ["noise", 0],
      ["text", 8],
      ["tiny", 0],
    ]);
    expect(methods(writeZip(input, { level: 0 })).every(([, m]) => m === 0)).toBe(true);
  });

  it("uses injected compress and crc32 implementations", () => {
    const calls: string[] = [];
    const zip = writeZip([{ path: "a.txt", data: text("hello ".repeat(100)) }], {
      level: 9,
      compress: (d, level) => {
        calls.push(`deflate:${level}`);
        return zlib.deflateRawSync(d, { level });
      },
      crc32: (d) => {
        calls.push("crc");
        return zlib.crc32(d);
      },
    });
    expect(calls).toEqual(["crc", "deflate:9"]);
    const [e] = readZipEntries(zip);
    expect(new TextDecoder().decode(inflateEntry(zip, e!))).toBe("hello ".repeat(100));
  });
});

describe("writeZip modes and directories", () => {
  it.each<[number | undefined, string]>([
    [undefined, "100644"],
    [0o644, "100644"],
    [0o600, "100644"],
    [0o777, "100755"],
    [0o700, "100755"],
    [0o744, "100755"],
    [0o100754, "100755"],
    [0o4755, "100755"],
  ])("mode %o becomes %s", (mode, want) => {
    const entries = readZipEntries(writeZip([{ path: "f", mode, data: text("x") }]));
    expect(entries[0]!.unixMode!.toString(8)).toBe(want);
  });

  it("writes no directory entries by default and sorted parents with 'implicit'", () => {
    const input = [
      { path: "a/b/c.py", data: text("c") },
      { path: "a/d.py", data: text("d") },
      { path: "e.py", data: text("e") },
    ];
    expect(readZipEntries(writeZip(input)).map((e) => e.name)).toEqual(["a/b/c.py", "a/d.py", "e.py"]);
    const entries = readZipEntries(writeZip(input, { directories: "implicit" }));
    expect(entries.map((e) => [e.name, e.isDirectory, e.unixMode?.toString(8)])).toEqual([
      ["a/", true, "40755"],
      ["a/b/", true, "40755"],
      ["a/b/c.py", false, "100644"],
      ["a/d.py", false, "100644"],
      ["e.py", false, "100644"],
    ]);
  });

  it("writes an empty archive", () => {
    const z = writeZip([]);
    expect(z.length).toBe(22);
    expect(readZipEntries(z)).toEqual([]);
  });
});

describe("writeZip input errors", () => {
  it("refuses unsafe paths", () => {
    expect(inputError(() => writeZip([{ path: "../x", data: text("") }]), "TSPACK_UNSAFE_PATH")).toBe(
      'The zip entry path "../x" is invalid: it has a ".." segment',
    );
    expect(() => writeZip([{ path: "a\\b", data: text("") }])).toThrow(/backslash/);
  });

  it.each<[string, ZipInputEntry[], string]>([
    [
      "duplicate path",
      [
        { path: "a/x", data: text("1") },
        { path: "a/x", data: text("2") },
      ],
      'The zip entry path "a/x" is given twice',
    ],
    [
      "file and directory clash",
      [
        { path: "a", data: text("1") },
        { path: "a/x", data: text("2") },
      ],
      'The zip entry path "a" is both a file and a directory',
    ],
    [
      "symlink mode",
      [{ path: "l", mode: 0o120777, data: text("t") }],
      'The mode 0o120777 of zip entry "l" is invalid: it is not a regular file',
    ],
    [
      "negative mode",
      [{ path: "f", mode: -1, data: text("t") }],
      'The mode -1 of zip entry "f" is invalid: not a Unix mode',
    ],
    [
      "raw stored size mismatch",
      [{ path: "r", raw: { method: 0, compressed: text("abc"), crc32: 0, uncompressedSize: 4 } }],
      'The raw data of zip entry "r" is invalid: stored data is 3 bytes but uncompressedSize is 4',
    ],
    [
      "raw method",
      [{ path: "r", raw: { method: 12 as 8, compressed: text("abc"), crc32: 0, uncompressedSize: 4 } }],
      'The raw data of zip entry "r" is invalid: method 12 is not 0 or 8',
    ],
  ])("refuses %s", (_, input, message) => {
    expect(inputError(() => writeZip(input))).toBe(message);
  });

  it("refuses a bad level and mtime", () => {
    expect(inputError(() => writeZip([], { level: 10 }))).toBe(
      "The deflate level 10 is invalid: not an integer from 0 to 9",
    );
    expect(inputError(() => writeZip([], { mtime: Number.NaN }))).toBe(
      'The zip timestamp "NaN" is invalid: not a finite time',
    );
  });

  it("throws from zipChunks on the first next(), before yielding anything", () => {
    const gen = zipChunks([{ path: "/abs", data: text("") }]);
    expect(() => gen.next()).toThrow(/is absolute/);
  });
});

describe("writeZip raw copy", () => {
  it.skipIf(!existsSync(PIP))("copies every pip wheel entry verbatim without recompressing", () => {
    const wheel = new Uint8Array(readFileSync(PIP));
    const src = readZipEntries(wheel);
    const input: ZipInputEntry[] = src.map((e) => ({
      path: e.name,
      mode: e.unixMode,
      raw: {
        method: e.method as 0 | 8,
        compressed: getEntryData(wheel, e),
        crc32: e.crc32,
        uncompressedSize: e.uncompressedSize,
      },
    }));
    let compressCalls = 0;
    const out = writeZip(input, {
      compress: () => {
        compressCalls++;
        return new Uint8Array(0);
      },
    });
    expect(compressCalls).toBe(0);
    const copied = readZipEntries(out, { name: "copy.zip" });
    expect(copied.length).toBe(src.length);
    const byName = new Map(src.map((e) => [e.name, e]));
    for (const e of copied) {
      const s = byName.get(e.name)!;
      expect([e.method, e.crc32, e.compressedSize, e.uncompressedSize]).toEqual([
        s.method,
        s.crc32,
        s.compressedSize,
        s.uncompressedSize,
      ]);
      expect(Buffer.from(getEntryData(out, e)).equals(Buffer.from(getEntryData(wheel, s)))).toBe(true);
    }
    if (hasUnzip) expect(unzipTest(toFile(out))).toContain("No errors detected");
  });
});

describe("writeZip against Info-ZIP and Python", () => {
  it.skipIf(!hasUnzip)("passes unzip -t", () => {
    const out = unzipTest(toFile(writeZip(fixedEntries(), { directories: "implicit", mtime: 1_709_214_331 })));
    expect(out).toContain("No errors detected in compressed data");
    expect(out).toContain("testing: app/handler.py");
  });

  it.skipIf(!hasPython)("passes Python zipfile.testzip with the expected metadata", () => {
    const view = pythonView(toFile(writeZip(fixedEntries(), { mtime: 1_709_214_331 })));
    expect(view.bad).toBeNull();
    expect(
      view.infos.map(([name, mode, flags, dt, method]) => [name, mode.toString(8), flags, dt.join("-"), method]),
    ).toEqual([
      ["a-b", "100644", 0, "2024-2-29-13-45-30", 0],
      ["a.b", "100644", 0, "2024-2-29-13-45-30", 0],
      ["app/__init__.py", "100644", 0, "2024-2-29-13-45-30", 0],
      ["app/handler.py", "100644", 0, "2024-2-29-13-45-30", 8],
      ["bin/run", "100755", 0, "2024-2-29-13-45-30", 0],
      ["caf\u00e9/\u65e5\u672c.txt", "100644", 0x800, "2024-2-29-13-45-30", 0],
      ["z.bin", "100644", 0, "2024-2-29-13-45-30", 0],
    ]);
  });

  it("writes zip64 end records for more than 65535 entries", { timeout: 120_000 }, () => {
    const n = 70_000;
    const input: ZipInputEntry[] = [];
    for (let i = 0; i < n; i++) input.push({ path: `d${i % 97}/f${i}.txt`, data: text(`${i}\n`) });
    const z = writeZip(input, { level: 0 });
    // zip64 end record + locator precede the classic end record, whose counts are 0xFFFF.
    const eocd = z.length - 22;
    expect(z[eocd + 10]! | (z[eocd + 11]! << 8)).toBe(0xffff);
    expect([...z.subarray(eocd - 20, eocd - 16)]).toEqual([0x50, 0x4b, 0x06, 0x07]);
    const entries = readZipEntries(z);
    expect(entries.length).toBe(n);
    expect(new TextDecoder().decode(inflateEntry(z, entries[n - 1]!))).toMatch(/^\d+\n$/);
    const file = hasUnzip || hasPython ? toFile(z) : "";
    if (hasUnzip) expect(unzipTest(file)).toContain("No errors detected");
    if (hasPython) {
      const count = execFileSync("python3", [
        "-c",
        "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.testzip())",
        file,
      ])
        .toString()
        .trim();
      expect(count).toBe(`${n} None`);
    }
  });

  it.skipIf(process.env.TSPACK_ZIP_LARGE_TESTS !== "1")(
    "writes zip64 offsets past 4 GiB (opt-in: TSPACK_ZIP_LARGE_TESTS=1, writes ~4.3 GB)",
    { timeout: 600_000 },
    () => {
      const block = new Uint8Array(256 << 20);
      const crc = zlib.crc32(block);
      const input: ZipInputEntry[] = [];
      for (let i = 0; i < 17; i++) {
        input.push({
          path: `big/${String(i).padStart(2, "0")}.bin`,
          raw: { method: 0, compressed: block, crc32: crc, uncompressedSize: block.length },
        });
      }
      const file = join(tmp, "large.zip");
      const fd = openSync(file, "w");
      for (const c of zipChunks(input)) writeSync(fd, c);
      closeSync(fd);
      if (hasUnzip) expect(unzipTest(file)).toContain("No errors detected");
      if (hasPython) {
        const py =
          "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); i=z.infolist()[-1]; print(len(z.infolist()), i.header_offset, i.file_size)";
        expect(execFileSync("python3", ["-c", py, file]).toString().trim()).toBe(
          `17 ${16 * ((256 << 20) + 30 + 10)} ${256 << 20}`,
        );
      }
      rmSync(file);
    },
  );
});
