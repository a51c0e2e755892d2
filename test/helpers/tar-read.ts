// A small tar reader for tests: ustar headers and PAX `path`/`size` records, every header field tests check.
export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  data: Uint8Array;
  /** The PAX header that preceded it, if any (its name and records). */
  pax?: { headerName: string; records: Record<string, string> };
}

const dec = new TextDecoder();
const str = (b: Uint8Array, off: number, len: number): string => {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return dec.decode(end < 0 ? s : s.subarray(0, end));
};
const oct = (b: Uint8Array, off: number, len: number): number => Number.parseInt(str(b, off, len).trim() || "0", 8);

/** Reads every entry; throws unless the archive ends with two zero blocks and checksums are right. */
export function readTar(bytes: Uint8Array): { entries: TarEntry[]; endBlocks: number } {
  const entries: TarEntry[] = [];
  let off = 0;
  let pax: TarEntry["pax"];
  while (off + 512 <= bytes.length) {
    const h = bytes.subarray(off, off + 512);
    if (h.every((x) => x === 0)) {
      let zeros = 0;
      for (let o = off; o + 512 <= bytes.length; o += 512) {
        if (!bytes.subarray(o, o + 512).every((x) => x === 0)) throw new Error("data after the end blocks");
        zeros++;
      }
      return { entries, endBlocks: zeros };
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== oct(h, 148, 8)) throw new Error(`bad checksum at ${off}`);
    const type = String.fromCharCode(h[156]!);
    let size = oct(h, 124, 12);
    if (pax?.records.size) size = Number(pax.records.size);
    const data = bytes.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const records: Record<string, string> = {};
      const text = dec.decode(data);
      let i = 0;
      while (i < text.length) {
        const sp = text.indexOf(" ", i);
        const len = Number(text.slice(i, sp));
        const rec = Buffer.from(data)
          .subarray(Buffer.byteLength(text.slice(0, i)), Buffer.byteLength(text.slice(0, i)) + len)
          .toString("utf8");
        const body = rec.slice(rec.indexOf(" ") + 1, -1);
        const eq = body.indexOf("=");
        records[body.slice(0, eq)] = body.slice(eq + 1);
        i += rec.length;
      }
      pax = { headerName: str(h, 0, 100), records };
      continue;
    }
    entries.push({
      name: pax?.records.path ?? str(h, 0, 100),
      type,
      mode: oct(h, 100, 8),
      uid: oct(h, 108, 8),
      gid: oct(h, 116, 8),
      uname: str(h, 265, 32),
      gname: str(h, 297, 32),
      mtime: oct(h, 136, 12),
      size,
      data,
      ...(pax ? { pax } : {}),
    });
    pax = undefined;
  }
  throw new Error("no end-of-archive blocks");
}
