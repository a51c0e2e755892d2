// Entries above 64 MiB (ONE_CALL_MAX_BYTES) are never inflated into one buffer: the extraction loops
// (main thread and worker) leave them, and ParallelExtract.finish streams them to disk on the thread
// pool, checking size and CRC-32 on the way. Same tree, cache and errors as for small entries.
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { ONE_CALL_MAX_BYTES } from "@tspack/zip";
import { afterAll, describe, expect, it } from "vitest";
import { type MadeWheel, makeWheel, zeroStream } from "../../../test/helpers/make-wheel.js";
import { installWheels, readUnpacked, unpackedPath } from "../src/index.js";
import { errorOf, names, removeSandboxes, sandbox, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

const SIZE = ONE_CALL_MAX_BYTES + 4096;

/** CRC-32 of a file, read in 8 MiB pieces. */
function fileCrc(path: string): number {
  const fd = openSync(path, "r");
  const buf = new Uint8Array(8 * 1024 * 1024);
  let crc = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return crc;
      crc = crc32(buf.subarray(0, n), crc);
    }
  } finally {
    closeSync(fd);
  }
}

const zeros = zeroStream(SIZE, { hash: true });

/** `big` 1.0 with a > 64 MiB deflated entry of zeros (declared `declared`, CRC `crc`) among small files. */
function bigWheel(lie: { declared?: number; crc?: number; stream?: Uint8Array; recordHash?: string } = {}): MadeWheel {
  return makeWheel({
    name: "big",
    version: "1.0",
    files: { "big/__init__.py": "", "big/small.py": "x = 1\n" },
    rawEntries: [
      {
        name: "big/zeros.bin",
        compressedData: lie.stream ?? zeros.compressed,
        crc32: lie.crc ?? zeros.crc32,
        uncompressedSize: lie.declared ?? SIZE,
        record: { hash: lie.recordHash ?? zeros.recordHash!, size: SIZE },
      },
    ],
  });
}

const base = { layout: "target" as const, python: [3, 13] as const };

describe("installWheels: entries above 64 MiB stream to disk", () => {
  it.each([
    ["one thread", false],
    ["main thread + worker", true],
  ])("%s: cold (filling the cache) and warm, the file has every byte and matches RECORD", async (_label, parallel) => {
    const box = sandbox("big");
    const inputs = wheelInputs(box, [bigWheel()]);
    const cacheDir = join(box, "cache");
    for (const run of ["cold", "warm", "warm, unmarked"]) {
      // Without its checked marker, a warm wheel's cached files are hashed again (read in pieces).
      if (run === "warm, unmarked") rmSync(join(cacheDir, "checked-v2"), { recursive: true });
      const dest = join(box, `t-${run.replace(/\W+/g, "-")}`);
      const r = await installWheels(inputs, { ...base, dest, cacheDir, parallel });
      expect([run, r.warnings]).toEqual([run, []]); // the streamed sha256 agrees with RECORD
      expect(r.bytes).toBeGreaterThan(SIZE);
      const file = join(dest, "big", "zeros.bin");
      expect(statSync(file).size).toBe(SIZE);
      expect(fileCrc(file)).toBe(zeros.crc32);
    }
    const cached = readUnpacked(cacheDir, inputs[0]!.sha256)!;
    expect(statSync(unpackedPath(cached, "big/zeros.bin")).size).toBe(SIZE);
  });

  it("hashes a streamed entry for the RECORD check: a wrong sha256 in RECORD is reported", async () => {
    const box = sandbox("big-record");
    const wrong = "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const inputs = wheelInputs(box, [bigWheel({ recordHash: wrong })]);
    for (const [i, cacheDir] of [join(box, "cache"), undefined].entries()) {
      const r = await installWheels(inputs, {
        ...base,
        dest: join(box, `t${i}`),
        parallel: true,
        ...(cacheDir ? { cacheDir } : {}),
      });
      expect(r.warnings).toEqual([
        `big-1.0-py3-none-any.whl: RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "big/zeros.bin" has ${zeros.recordHash}, RECORD says ${wrong}`,
      ]);
    }
  });

  it.each([
    [
      "a declared size smaller than the stream (stopped at the declared size)",
      { declared: SIZE - 1 },
      `"big-1.0-py3-none-any.whl": entry "big/zeros.bin": inflates to more than its declared ${SIZE - 1} bytes (zip bomb?)`,
    ],
    [
      "a wrong CRC-32",
      { crc: 1 },
      `"big-1.0-py3-none-any.whl": entry "big/zeros.bin": CRC-32 is 0x${zeros.crc32.toString(16).padStart(8, "0")}, expected 0x00000001`,
    ],
    [
      "a stream shorter than declared",
      { stream: zeroStream(SIZE - 10).compressed },
      `"big-1.0-py3-none-any.whl": entry "big/zeros.bin": uncompressed size is ${SIZE - 10} bytes, expected ${SIZE} (from the central directory)`,
    ],
  ])("refuses %s naming the wheel and the entry; nothing is left behind", async (_label, lie, message) => {
    const box = sandbox("big-bad");
    const inputs = wheelInputs(box, [bigWheel(lie)]);
    for (const [parallel, cacheDir] of [
      [true, join(box, "cache")],
      [false, undefined],
    ] as const) {
      const dest = join(box, "t");
      const e = await errorOf(() =>
        installWheels(inputs, { ...base, dest, parallel, ...(cacheDir ? { cacheDir } : {}) }),
      );
      expect(e).toBe(`TSPACK_ZIP_INVALID: ${message}`);
      expect(existsSync(dest)).toBe(false);
      expect(names(box).filter((n) => n.startsWith(".t"))).toEqual([]); // no staging folder
      if (cacheDir) expect(existsSync(join(cacheDir, "unpacked-v2"))).toBe(false);
    }
  });
});
