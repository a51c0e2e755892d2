import { existsSync, readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { getEntryData } from "../src/entry-data.js";
import { readZipEntries } from "../src/read-zip-entries.js";
import { syntheticZip, utf8 } from "./synthetic-zip.js";

const PIP = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";

describe("getEntryData", () => {
  it("returns the stored bytes as a subarray of the archive (no copy)", () => {
    const z = syntheticZip([
      { name: "a.txt", data: utf8("alpha") },
      { name: "b.txt", data: utf8("beta"), localExtra: Uint8Array.from([0xfe, 0xca, 2, 0, 9, 9]) },
    ]);
    const [a, b] = readZipEntries(z);
    const da = getEntryData(z, a!);
    const db = getEntryData(z, b!);
    expect(new TextDecoder().decode(da)).toBe("alpha");
    expect(new TextDecoder().decode(db)).toBe("beta");
    expect(da.buffer).toBe(z.buffer);
    expect(db.byteOffset).toBe(30 + 5 + 5 + 30 + 5 + 6);
  });

  it("uses central-directory sizes for data-descriptor entries", () => {
    const z = syntheticZip([{ name: "a", method: 8, data: utf8("abc".repeat(100)), descriptor: "sig" }]);
    const [a] = readZipEntries(z);
    expect(new TextDecoder().decode(inflateRawSync(getEntryData(z, a!)))).toBe("abc".repeat(100));
  });

  it.skipIf(!existsSync(PIP))("yields deflate streams zlib can inflate for every pip wheel entry", () => {
    const z = new Uint8Array(readFileSync(PIP));
    let total = 0;
    for (const e of readZipEntries(z)) {
      const raw = getEntryData(z, e);
      expect(raw.length).toBe(e.compressedSize);
      total += (e.method === 8 ? inflateRawSync(raw) : raw).length;
    }
    expect(total).toBe(6_177_865);
  });

  it("refuses an entry whose local header is gone", () => {
    const z = syntheticZip([{ name: "a", data: utf8("x") }]);
    const [a] = readZipEntries(z);
    try {
      getEntryData(z, { ...a!, localHeaderOffset: 5 }, { name: "t.zip" });
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_ZIP_INVALID")).toBe(true);
      expect((e as Error).message).toBe('"t.zip": entry "a": no local header signature at offset 5');
    }
  });

  it("refuses data cut short", () => {
    const z = syntheticZip([{ name: "a", data: utf8("x") }]);
    const [a] = readZipEntries(z);
    expect(() => getEntryData(z.subarray(0, 31), a!)).toThrow(
      'The zip archive: entry "a": data (1 bytes at 31) is truncated',
    );
  });
});
