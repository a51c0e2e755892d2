import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import { writeZip, type ZipInputEntry } from "@tspack/zip";
import { afterAll, describe, expect, it } from "vitest";
import { seededBytes } from "../../../test/helpers/seeded-bytes.js";
import { writeRecordedZip, writeZipFile } from "../src/zip-file.js";

const dir = mkdtempSync(join(tmpdir(), "tspack-zip-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic bytes: text-like (compressible) or noise. */
const bytes = (seed: number, size: number, text: boolean): Uint8Array => seededBytes(seed, size, { text });

function rawEntry(path: string, data: Uint8Array, mode = 0o644): ZipInputEntry {
  const compressed = new Uint8Array(deflateRawSync(data));
  return { path, mode, raw: { method: 8, compressed, crc32: zlibCrc32(data) >>> 0, uncompressedSize: data.length } };
}

describe("writeZipFile", () => {
  // Many small entries (copied into the pool), big ones written as they are, > 8 MiB in all so that
  // several batches go out in flight: the file must be exactly the pure writer's bytes.
  const entries: ZipInputEntry[] = [];
  for (let i = 0; i < 3000; i++) {
    const data = bytes(i + 1, 50 + (i % 700), true);
    entries.push(
      i % 3 === 0 ? { path: `pkg/small_${i}.py`, data } : rawEntry(`pkg/raw_${i}.py`, data, i % 5 ? 0o644 : 0o755),
    );
  }
  for (let i = 0; i < 6; i++) entries.push(rawEntry(`lib/big_${i}.so`, bytes(9000 + i, 2_000_000, false)));
  entries.push({ path: "z/exactly-4096.bin", data: bytes(77, 4096, false) });
  entries.push({ path: "z/4097.bin", data: bytes(78, 4097, false) });

  it("writes the same bytes as writeZip, in any input order, and reports their sha256", async () => {
    const expected = writeZip(entries, { mtime: 315532800, crc32: (d) => zlibCrc32(d) });
    expect(expected.length).toBeGreaterThan(12 * 1024 * 1024);
    const a = await writeZipFile(join(dir, "a.zip"), entries, { mtime: 315532800 });
    const b = await writeZipFile(join(dir, "b.zip"), [...entries].reverse(), { mtime: 315532800 });
    const hex = createHash("sha256").update(expected).digest("hex");
    for (const [info, name] of [
      [a, "a.zip"],
      [b, "b.zip"],
    ] as const) {
      expect(Buffer.compare(readFileSync(join(dir, name)), expected)).toBe(0);
      expect(info.sha256).toBe(hex);
      expect(info.codeSha256).toBe(Buffer.from(hex, "hex").toString("base64"));
      expect(info.bytes).toBe(expected.length);
      expect(info.files).toBe(entries.length);
    }
  });

  it("stops between batches when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(writeZipFile(join(dir, "c.zip"), entries, { signal: controller.signal })).rejects.toMatchObject({
      code: "TSPACK_ABORTED",
    });
  });

  it("records how the zip was assembled, and writes the same bytes again from the recording", async () => {
    // Two "wheels": every raw entry's compressed bytes are views into one of them.
    const sizeOf = (big: boolean) =>
      entries.reduce(
        (n, e) => n + ("raw" in e && e.raw.compressed.length > 100_000 === big ? e.raw.compressed.length : 0),
        0,
      );
    // Both "wheels" live in one ArrayBuffer (as small files read into Node's Buffer pool do).
    const shared = new Uint8Array(sizeOf(false) + 7 + sizeOf(true));
    const wheelA = shared.subarray(0, sizeOf(false));
    const wheelB = shared.subarray(sizeOf(false) + 7);
    let atA = 0;
    let atB = 0;
    const fromWheels = entries.map((e): ZipInputEntry => {
      if (!("raw" in e)) return e;
      const big = e.raw.compressed.length > 100_000;
      const wheel = big ? wheelB : wheelA;
      const at = big ? atB : atA;
      wheel.set(e.raw.compressed, at);
      if (big) atB += e.raw.compressed.length;
      else atA += e.raw.compressed.length;
      return { ...e, raw: { ...e.raw, compressed: wheel.subarray(at, at + e.raw.compressed.length) } };
    });
    const first = await writeZipFile(join(dir, "r1.zip"), fromWheels, { mtime: 315532800, record: [wheelA, wheelB] });
    const recorded = first.recorded!;
    // Literals are headers, small data and the central directory; the big entries are ranges of the wheels.
    expect(recorded.literals.length).toBeLessThan(first.bytes - atB);
    const sources = [wheelA, wheelB];
    const again = await writeRecordedZip(join(dir, "r2.zip"), recorded, (i) => Promise.resolve(sources[i]!), first);
    expect(Buffer.compare(readFileSync(join(dir, "r2.zip")), readFileSync(join(dir, "r1.zip")))).toBe(0);
    const { recorded: _r, stored: _s, ...identity } = first;
    expect(again).toEqual({ ...identity, path: join(dir, "r2.zip") });
    // Sources that are not the recorded ones (too short): no zip, no partial file.
    const short = [wheelA, wheelB.subarray(0, 1000)];
    expect(await writeRecordedZip(join(dir, "r3.zip"), recorded, (i) => short[i]!, first)).toBeUndefined();
    expect(existsSync(join(dir, "r3.zip"))).toBe(false);
  });
});
