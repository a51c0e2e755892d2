import { existsSync, readFileSync } from "node:fs";
import * as zlib from "node:zlib";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { zeroStream } from "../../../test/helpers/make-wheel.js";
import { getEntryData } from "../src/entry-data.js";
import {
  checkEntry,
  checkEntryAsync,
  entryHead,
  inflateEntry,
  isStreamedEntry,
  ONE_CALL_MAX_BYTES,
  streamEntry,
  streamEntryAsync,
  verifyEntry,
} from "../src/inflate-entry.js";
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

/** A zip of one deflated entry of `size` zeros (or `data`), made without holding them, with optional lies. */
function entryZip(size: number, lie: { uncompressedSize?: number; crc32?: number; data?: Uint8Array } = {}) {
  const z = lie.data
    ? { compressed: new Uint8Array(zlib.deflateRawSync(lie.data)), crc32: zlib.crc32(lie.data) }
    : zeroStream(size);
  const bytes = syntheticZip([
    {
      name: "zeros.bin",
      method: 8,
      compressed: z.compressed,
      uncompressedSize: lie.uncompressedSize ?? size,
      crc32: lie.crc32 ?? z.crc32,
      zip64: (lie.uncompressedSize ?? size) >= 0xffffffff,
    },
  ]);
  return { bytes, entry: readZipEntries(bytes)[0]!, crc: z.crc32 };
}

/** Entries above 1 MiB stream in these tests (64 MiB in tspack), so that they stay small and fast. */
const ONE_CALL_MAX = 1 << 20;

const NODE = {
  inflateRaw: (raw: Uint8Array, max: number) => zlib.inflateRawSync(raw, { maxOutputLength: max }),
  crc32: (d: Uint8Array, seed?: number) => zlib.crc32(d, seed),
  oneCallMax: ONE_CALL_MAX,
};

/** node:zlib's streaming inflater, as the effectful packages inject it (in 256 KiB pieces here). */
const inflateStream = (raw: Uint8Array, onData: (chunk: Uint8Array) => boolean) =>
  new Promise<void>((resolve, reject) => {
    const z = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
    z.on("data", (c: Buffer) => {
      if (onData(c)) return;
      z.destroy();
      resolve();
    });
    z.once("error", reject);
    z.once("end", resolve);
    z.end(raw);
  });

async function zipMessageAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (isTspackError(e, "TSPACK_ZIP_INVALID")) return e.message;
    throw e;
  }
  throw new Error("nothing thrown");
}

const BIG = 3 * ONE_CALL_MAX + 12_345;

describe("streamEntry / streamEntryAsync: entries above the one-call size stream", () => {
  it("tspack streams deflated entries above 64 MiB", () => {
    expect(ONE_CALL_MAX_BYTES).toBe(64 * 1024 * 1024);
    expect(isStreamedEntry({ method: 8, uncompressedSize: ONE_CALL_MAX_BYTES + 1 })).toBe(true);
    expect(isStreamedEntry({ method: 8, uncompressedSize: ONE_CALL_MAX_BYTES })).toBe(false);
    expect(isStreamedEntry({ method: 0, uncompressedSize: 2 ** 33 })).toBe(false); // stored: a view of the archive
  });

  it("passes a big entry in pieces as they inflate, checking size and CRC-32; a small one in one piece", async () => {
    const data = pseudoRandom(BIG, 7);
    const { bytes, entry } = entryZip(BIG, { data });
    for (const run of [
      (sink: (c: Uint8Array) => void) => streamEntry(bytes, entry, sink, NODE),
      (sink: (c: Uint8Array) => void) => streamEntryAsync(bytes, entry, sink, { ...NODE, inflateStream }),
    ]) {
      const pieces: Uint8Array[] = [];
      await run((c) => pieces.push(c.slice()));
      expect(pieces.length).toBeGreaterThan(3);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(ONE_CALL_MAX);
      expect(Buffer.concat(pieces).equals(Buffer.from(data))).toBe(true);
    }
    const small = entryZip(ONE_CALL_MAX);
    const pieces: Uint8Array[] = [];
    await streamEntryAsync(small.bytes, small.entry, (c) => pieces.push(c), { ...NODE, inflateStream });
    expect(pieces.map((p) => p.length)).toEqual([ONE_CALL_MAX]);
  });

  it("stops a big lying entry as soon as its output passes the declared size, and never passes more to the sink", async () => {
    const { bytes, entry } = entryZip(20 * ONE_CALL_MAX, { uncompressedSize: BIG });
    const want = `"w.whl": entry "zeros.bin": inflates to more than its declared ${BIG} bytes (zip bomb?)`;
    let passed = 0;
    const sink = (c: Uint8Array) => {
      passed += c.length;
    };
    expect(zipMessage(() => streamEntry(bytes, entry, sink, { ...NODE, name: "w.whl" }))).toBe(want);
    expect(passed).toBeLessThanOrEqual(BIG);
    passed = 0;
    let pieces = 0;
    expect(
      await zipMessageAsync(() =>
        streamEntryAsync(
          bytes,
          entry,
          (c) => {
            pieces++;
            sink(c);
          },
          { ...NODE, inflateStream, name: "w.whl" },
        ),
      ),
    ).toBe(want);
    expect(passed).toBeLessThanOrEqual(BIG);
    expect(pieces).toBeLessThan(20); // stopped, not inflated to the end (80 pieces)
  });

  it("checks the CRC-32 and a short output at the end, naming the archive and the entry", async () => {
    const bad = entryZip(BIG, { crc32: 1 });
    const got = bad.crc.toString(16).padStart(8, "0");
    const crcWant = `"w.whl": entry "zeros.bin": CRC-32 is 0x${got}, expected 0x00000001`;
    expect(zipMessage(() => checkEntry(bad.bytes, bad.entry, { ...NODE, name: "w.whl" }))).toBe(crcWant);
    expect(
      await zipMessageAsync(() => checkEntryAsync(bad.bytes, bad.entry, { ...NODE, inflateStream, name: "w.whl" })),
    ).toBe(crcWant);
    // Declared 2^31 + 1 (more than one buffer may hold), the data is shorter: a ZIP_INVALID error, no RangeError.
    const short = entryZip(BIG, { uncompressedSize: 2 ** 31 + 1 });
    const shortWant = `"w.whl": entry "zeros.bin": uncompressed size is ${BIG} bytes, expected 2147483649 (from the central directory)`;
    expect(
      zipMessage(() => checkEntry(short.bytes, short.entry, { ...NODE, oneCallMax: undefined, name: "w.whl" })),
    ).toBe(shortWant);
    expect(
      await zipMessageAsync(() => checkEntryAsync(short.bytes, short.entry, { ...NODE, inflateStream, name: "w.whl" })),
    ).toBe(shortWant);
  });

  it("reports invalid deflate data of a big entry, and lets a sink's own error through unchanged", async () => {
    const { bytes, entry } = entryZip(BIG);
    const broken = bytes.slice();
    getEntryData(broken, entry).fill(0xff, 0, 1); // block type 3 (reserved)
    const invalid = /^"w\.whl": entry "zeros\.bin": deflate data is invalid: /;
    expect(
      await zipMessageAsync(() => checkEntryAsync(broken, entry, { ...NODE, inflateStream, name: "w.whl" })),
    ).toMatch(invalid);
    expect(zipMessage(() => checkEntry(broken, entry, { ...NODE, name: "w.whl" }))).toMatch(invalid);
    const disk = Object.assign(new Error("no space left"), { code: "ENOSPC" });
    const sink = () => {
      throw disk;
    };
    expect(() => streamEntry(bytes, entry, sink, NODE)).toThrow(disk);
    await expect(streamEntryAsync(bytes, entry, sink, { ...NODE, inflateStream })).rejects.toBe(disk);
  });
});

describe("entryHead", () => {
  it("inflates only the start: the head of a lying 1 TiB entry, and of deflated and stored entries", () => {
    const { bytes, entry } = entryZip(20 * ONE_CALL_MAX, { uncompressedSize: 2 ** 40 });
    expect(Array.from(entryHead(bytes, entry, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const text = utf8("#!python\nprint(1)\n");
    const z = syntheticZip([
      { name: "s", method: 8, data: text },
      { name: "t", data: text },
    ]);
    const [deflated, stored] = readZipEntries(z);
    expect(new TextDecoder().decode(entryHead(z, deflated!, 8))).toBe("#!python");
    expect(new TextDecoder().decode(entryHead(z, stored!, 8))).toBe("#!python");
    expect(entryHead(z, deflated!, 1000).length).toBe(text.length);
  });
});
