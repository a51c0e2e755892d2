// The one wheel-archive reader: every inflate of a wheel entry (extraction, the build's check, planning,
// the pool's jobs) goes through it, so its checks and their errors are the ones users see.
import { createHash } from "node:crypto";
import { deflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import { ONE_CALL_MAX_BYTES, readZipEntries, type ZipEntry } from "@tspack/zip";
import { describe, expect, it } from "vitest";
import { makeWheel, zeroStream } from "../../../test/helpers/make-wheel.js";
import { syntheticZip } from "../../zip/test/synthetic-zip.js";
import { checkWheelEntry, digestToRecordHash, readEntry, recordHash, streamWheelEntry } from "../src/wheel-reader.js";

const enc = new TextEncoder();
const DATA = enc.encode("print('hello')\n".repeat(50));

/** A wheel with one raw entry `pkg/x.py` (optionally lying about its CRC or size), and that entry. */
function wheelWith(lie: { crc32?: number; uncompressedSize?: number } = {}) {
  const w = makeWheel({
    name: "pkg",
    version: "1.0",
    rawEntries: [{ name: "pkg/x.py", data: DATA, ...lie }],
  });
  const entry = readZipEntries(w.bytes, { name: w.filename }).find((e) => e.name === "pkg/x.py")!;
  return { wheel: { filename: w.filename, bytes: w.bytes }, entry };
}

/** The error a call throws, as `CODE: message`. */
async function failure(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return "no error";
}

describe("the wheel reader", () => {
  it("reads an entry's bytes, verified, the same way whole, streamed and checked", async () => {
    const { wheel, entry } = wheelWith();
    expect(Buffer.from(readEntry(wheel, entry)).equals(Buffer.from(DATA))).toBe(true);
    const pieces: Uint8Array[] = [];
    await streamWheelEntry(wheel, entry, (c) => pieces.push(c));
    expect(Buffer.concat(pieces).equals(Buffer.from(DATA))).toBe(true);
    await expect(checkWheelEntry(wheel, entry)).resolves.toBeUndefined();
  });

  it("refuses a CRC-32 mismatch, naming the wheel and the entry", async () => {
    const { wheel, entry } = wheelWith({ crc32: 0x1234 });
    const want = `TSPACK_ZIP_INVALID: "pkg-1.0-py3-none-any.whl": entry "pkg/x.py": CRC-32 is 0x${(zlibCrc32(DATA) >>> 0).toString(16).padStart(8, "0")}, expected 0x00001234`;
    expect(await failure(() => readEntry(wheel, entry))).toBe(want);
    expect(await failure(() => streamWheelEntry(wheel, entry, () => {}))).toBe(want);
    expect(await failure(() => checkWheelEntry(wheel, entry))).toBe(want);
  });

  it("refuses a size mismatch (shorter and longer than declared), naming the wheel and the entry", async () => {
    const shorter = wheelWith({ uncompressedSize: DATA.length + 10 });
    expect(await failure(() => readEntry(shorter.wheel, shorter.entry))).toBe(
      `TSPACK_ZIP_INVALID: "pkg-1.0-py3-none-any.whl": entry "pkg/x.py": uncompressed size is ${DATA.length} bytes, expected ${DATA.length + 10} (from the central directory)`,
    );
    const longer = wheelWith({ uncompressedSize: 10 });
    expect(await failure(() => readEntry(longer.wheel, longer.entry))).toMatch(
      /^TSPACK_ZIP_INVALID: "pkg-1\.0-py3-none-any\.whl": entry "pkg\/x\.py": inflates to more than its declared 10 bytes/,
    );
  });

  it("refuses a truncated archive (the entry's data cut off), naming the wheel and the entry", async () => {
    const { wheel, entry } = wheelWith();
    const cut = { filename: wheel.filename, bytes: wheel.bytes.subarray(0, entry.localHeaderOffset + 40) };
    expect(await failure(() => readEntry(cut, entry))).toMatch(
      /^TSPACK_ZIP_INVALID: "pkg-1\.0-py3-none-any\.whl": entry "pkg\/x\.py": (data .* is truncated|local header .* is truncated)$/,
    );
    expect(await failure(() => streamWheelEntry(cut, entry, () => {}))).toMatch(/is truncated$/);
  });

  it("reads zip64 entries", () => {
    const data = enc.encode("zip64 content\n");
    const bytes = syntheticZip([
      {
        name: "a.py",
        method: 8,
        compressed: new Uint8Array(deflateRawSync(data)),
        crc32: zlibCrc32(data),
        uncompressedSize: data.length,
        zip64: true,
      },
    ]);
    const [entry] = readZipEntries(bytes, { name: "z.whl" });
    expect(new TextDecoder().decode(readEntry({ filename: "z.whl", bytes }, entry!))).toBe("zip64 content\n");
  });

  it("streams an entry above ONE_CALL_MAX_BYTES in pieces, checking size and CRC-32 on the way", async () => {
    const size = ONE_CALL_MAX_BYTES + 4096;
    const z = zeroStream(size);
    const make = (crc: number) => {
      const bytes = syntheticZip([
        { name: "big.bin", method: 8, compressed: z.compressed, crc32: crc, uncompressedSize: size },
      ]);
      return { wheel: { filename: "big.whl", bytes }, entry: readZipEntries(bytes)[0] as ZipEntry };
    };
    const good = make(z.crc32);
    let total = 0;
    let pieces = 0;
    await streamWheelEntry(good.wheel, good.entry, (c) => {
      total += c.length;
      pieces++;
    });
    expect(total).toBe(size);
    expect(pieces).toBeGreaterThan(1); // never one buffer of the whole entry
    const bad = make(z.crc32 ^ 1);
    expect(await failure(() => streamWheelEntry(bad.wheel, bad.entry, () => {}))).toMatch(
      /^TSPACK_ZIP_INVALID: "big\.whl": entry "big\.bin": CRC-32 is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8}$/,
    );
  });

  it("encodes sha256 digests for RECORD (urlsafe base64, no padding), from bytes or from a raw digest", () => {
    const data = enc.encode("x = 1\n");
    const want = createHash("sha256")
      .update(data)
      .digest("base64")
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect(recordHash(data)).toBe(want);
    const raw = new Uint8Array(64);
    raw.set(createHash("sha256").update(data).digest(), 32);
    expect(digestToRecordHash(raw.subarray(32))).toBe(want);
  });
});
