import { existsSync, readFileSync } from "node:fs";
import * as zlib from "node:zlib";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { getEntryData } from "../src/entry-data.js";
import { inflateEntry, verifyEntry } from "../src/inflate-entry.js";
import { readZipEntries } from "../src/read-zip-entries.js";
import { syntheticZip, utf8 } from "./synthetic-zip.js";

const PIP = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";
const SETUPTOOLS = "/usr/share/python-wheels/setuptools-66.1.1-py3-none-any.whl";

function zipMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isTspackError(e, "TSPACK_ZIP_INVALID")) return e.message;
    throw e;
  }
  throw new Error("nothing thrown");
}

function pseudoRandom(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe("inflateEntry", () => {
  it.each([PIP, SETUPTOOLS].filter((f) => existsSync(f)))("matches zlib.inflateRawSync for every entry of %s", (f) => {
    const z = new Uint8Array(readFileSync(f));
    for (const e of readZipEntries(z)) {
      const raw = getEntryData(z, e);
      const want = e.method === 8 ? zlib.inflateRawSync(raw) : raw;
      const got = inflateEntry(z, e, { name: f });
      expect(got.length).toBe(want.length);
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    }
  });

  it("inflates entries larger than one streaming step and stored entries", () => {
    const text = utf8("def f(x):\n    return x * 2\n".repeat(40_000));
    const noise = pseudoRandom(200_000);
    const z = syntheticZip([
      { name: "big.py", method: 8, data: text },
      { name: "noise.bin", method: 8, data: noise },
      { name: "stored.bin", data: noise.subarray(0, 1000) },
      { name: "empty", method: 8, data: new Uint8Array(0) },
    ]);
    const [big, nz, stored, empty] = readZipEntries(z);
    expect(getEntryData(z, nz!).length).toBeGreaterThan(64 * 1024);
    expect(Buffer.from(inflateEntry(z, big!)).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(inflateEntry(z, nz!)).equals(Buffer.from(noise))).toBe(true);
    expect(inflateEntry(z, stored!).buffer).toBe(z.buffer);
    expect(inflateEntry(z, empty!).length).toBe(0);
  });

  it.each([
    ["small (one step)", new Uint8Array(10 << 20)],
    ["large (streamed)", pseudoRandom(300_000)],
  ])("stops a %s zip bomb at the declared size", (_, data) => {
    const compressed = new Uint8Array(zlib.deflateRawSync(data));
    const z = syntheticZip([
      { name: "bomb.bin", method: 8, data, compressed, uncompressedSize: 1000, crc32: zlib.crc32(data) },
    ]);
    const [e] = readZipEntries(z);
    expect(zipMessage(() => inflateEntry(z, e!, { name: "evil.whl" }))).toBe(
      '"evil.whl": entry "bomb.bin": inflates to more than its declared 1000 bytes (zip bomb?)',
    );
  });

  it("does not pre-allocate an impossible declared size", () => {
    const compressed = new Uint8Array(zlib.deflateRawSync(utf8("abc")));
    const z = syntheticZip([{ name: "liar", method: 8, compressed, uncompressedSize: 2 ** 40, crc32: 0, zip64: true }]);
    expect(zipMessage(() => inflateEntry(z, readZipEntries(z)[0]!))).toBe(
      'The zip archive: entry "liar": uncompressed size is 3 bytes, expected 1099511627776 (from the central directory)',
    );
  });

  it("refuses entries declaring more than maxSize before inflating", () => {
    const z = syntheticZip([{ name: "a", method: 8, data: utf8("x".repeat(5000)) }]);
    const [e] = readZipEntries(z);
    expect(zipMessage(() => inflateEntry(z, e!, { maxSize: 4096 }))).toBe(
      'The zip archive: entry "a": declares 5000 uncompressed bytes, more than the limit of 4096',
    );
    expect(inflateEntry(z, e!, { maxSize: 5000 }).length).toBe(5000);
  });

  it.each([
    ["garbage", Uint8Array.from([0xff, 0xff, 0xff])],
    ["truncated", new Uint8Array(zlib.deflateRawSync(pseudoRandom(1000))).subarray(0, 500)],
  ])("reports invalid deflate data (%s)", (_, compressed) => {
    const z = syntheticZip([{ name: "a", method: 8, compressed, uncompressedSize: 1000, crc32: 0 }]);
    const [e] = readZipEntries(z);
    expect(zipMessage(() => inflateEntry(z, e!))).toMatch(/^The zip archive: entry "a": deflate data is invalid: /);
  });

  it("reports a short output and a CRC mismatch", () => {
    const data = utf8("hello hello hello");
    const z1 = syntheticZip([{ name: "a", method: 8, data, uncompressedSize: 20 }]);
    expect(zipMessage(() => inflateEntry(z1, readZipEntries(z1)[0]!))).toBe(
      'The zip archive: entry "a": uncompressed size is 17 bytes, expected 20 (from the central directory)',
    );
    const z2 = syntheticZip([{ name: "a", method: 8, data, crc32: 0xdeadbeef }]);
    expect(zipMessage(() => inflateEntry(z2, readZipEntries(z2)[0]!))).toBe(
      'The zip archive: entry "a": CRC-32 is 0xe5f98880, expected 0xdeadbeef',
    );
  });
});

describe("verifyEntry", () => {
  it("accepts matching data, with the default or an injected CRC-32", () => {
    const data = utf8("123456789");
    const entry = readZipEntries(syntheticZip([{ name: "a", data }]))[0]!;
    expect(() => verifyEntry(entry, data)).not.toThrow();
    let calls = 0;
    const crc = (d: Uint8Array) => {
      calls++;
      return zlib.crc32(d);
    };
    expect(() => verifyEntry(entry, data, { crc32: crc })).not.toThrow();
    expect(calls).toBe(1);
    expect(zipMessage(() => verifyEntry(entry, utf8("123456780"), { name: "w.whl" }))).toBe(
      '"w.whl": entry "a": CRC-32 is 0xb2288182, expected 0xcbf43926',
    );
  });
});
