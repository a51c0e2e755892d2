// A deliberately permissive zip builder for reader tests: every field can be overridden, so tests can
// produce malformed, zip64 and data-descriptor archives that the deterministic writer never emits.
import { crc32, deflateRawSync } from "node:zlib";

export interface SyntheticEntry {
  name: string | Uint8Array;
  data?: Uint8Array;
  /** 0 = stored (default), 8 = deflate (compressed with node:zlib unless `compressed` given). */
  method?: number;
  compressed?: Uint8Array;
  flags?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  /** Overrides of central-directory values. */
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  /** Local header overrides. */
  localName?: string | Uint8Array;
  localMethod?: number;
  localFlags?: number;
  localCrc32?: number;
  localCompressedSize?: number;
  localUncompressedSize?: number;
  /** Write a data descriptor after the data ("sig" with signature, "nosig" without). */
  descriptor?: "sig" | "nosig";
  /** Bytes written as the descriptor instead of the computed one. */
  descriptorBytes?: Uint8Array;
  /** Put sizes (and offset) in zip64 extra fields with 0xFFFFFFFF sentinels. */
  zip64?: boolean;
  /** Point the central directory at the local header of this earlier entry instead. */
  offsetOf?: number;
  /** Raw local extra field bytes. */
  localExtra?: Uint8Array;
}

export interface SyntheticOptions {
  comment?: Uint8Array;
  /** Write zip64 end records (with sentinels in the classic record). */
  zip64End?: boolean;
  /** Patch classic end-record fields. */
  eocd?: { disk?: number; count?: number; cdSize?: number; cdOffset?: number };
  /** Bytes inserted between the central directory and the end records. */
  gapBeforeEnd?: Uint8Array;
}

const enc = (s: string | Uint8Array): Uint8Array => (typeof s === "string" ? new TextEncoder().encode(s) : s);

class W {
  parts: number[] = [];
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  u16(v: number) {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number) {
    this.u16(v & 0xffff);
    this.u16(Math.floor(v / 0x10000) & 0xffff);
  }
  u64(v: number) {
    this.u32(v >>> 0);
    this.u32(Math.floor(v / 0x1_0000_0000));
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.parts.push(x);
  }
  get length() {
    return this.parts.length;
  }
}

/** Builds a zip archive from `entries` with the given overrides. */
export function syntheticZip(entries: SyntheticEntry[], options: SyntheticOptions = {}): Uint8Array {
  const w = new W();
  const offsets: number[] = [];
  const computed: { crc: number; csize: number; usize: number; data: Uint8Array }[] = [];
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const method = e.method ?? 0;
    const stored = e.compressed ?? (method === 8 ? new Uint8Array(deflateRawSync(data)) : data);
    const crc = e.crc32 ?? crc32(data);
    const csize = e.compressedSize ?? stored.length;
    const usize = e.uncompressedSize ?? data.length;
    computed.push({ crc, csize, usize, data: stored });
    offsets.push(w.length);
    const name = enc(e.localName ?? e.name);
    const dd = e.descriptor !== undefined;
    const flags = e.localFlags ?? (e.flags ?? 0) | (dd ? 8 : 0);
    let extra = e.localExtra ?? new Uint8Array(0);
    if (e.zip64 && e.localExtra === undefined) {
      const x = new W();
      x.u16(1);
      x.u16(16);
      x.u64(e.localUncompressedSize ?? usize);
      x.u64(e.localCompressedSize ?? csize);
      extra = Uint8Array.from(x.parts);
    }
    w.u32(0x04034b50);
    w.u16(e.zip64 ? 45 : 20);
    w.u16(flags);
    w.u16(e.localMethod ?? method);
    w.u16(0);
    w.u16(0x21);
    w.u32(e.localCrc32 ?? (dd ? 0 : crc));
    w.u32(e.zip64 ? 0xffffffff : (e.localCompressedSize ?? (dd ? 0 : csize)));
    w.u32(e.zip64 ? 0xffffffff : (e.localUncompressedSize ?? (dd ? 0 : usize)));
    w.u16(name.length);
    w.u16(extra.length);
    w.bytes(name);
    w.bytes(extra);
    w.bytes(stored);
    if (e.descriptorBytes !== undefined) w.bytes(e.descriptorBytes);
    else if (dd) {
      if (e.descriptor === "sig") w.u32(0x08074b50);
      w.u32(crc);
      if (e.zip64) {
        w.u64(csize);
        w.u64(usize);
      } else {
        w.u32(csize);
        w.u32(usize);
      }
    }
  }
  const cdOffset = w.length;
  entries.forEach((e, i) => {
    const c = computed[i]!;
    const name = enc(e.name);
    const offset = offsets[e.offsetOf ?? i]!;
    const x = new W();
    if (e.zip64) {
      x.u16(1);
      x.u16(24);
      x.u64(c.usize);
      x.u64(c.csize);
      x.u64(offset);
    }
    w.u32(0x02014b50);
    w.u16(e.versionMadeBy ?? (3 << 8) | 20);
    w.u16(e.zip64 ? 45 : 20);
    w.u16((e.flags ?? 0) | (e.descriptor !== undefined ? 8 : 0));
    w.u16(e.method ?? 0);
    w.u16(0);
    w.u16(0x21);
    w.u32(c.crc);
    w.u32(e.zip64 ? 0xffffffff : c.csize);
    w.u32(e.zip64 ? 0xffffffff : c.usize);
    w.u16(name.length);
    w.u16(x.length);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u32(e.externalAttributes ?? 0o100644 * 0x10000);
    w.u32(e.zip64 ? 0xffffffff : offset);
    w.bytes(name);
    w.bytes(Uint8Array.from(x.parts));
  });
  const cdSize = w.length - cdOffset;
  if (options.gapBeforeEnd) w.bytes(options.gapBeforeEnd);
  if (options.zip64End) {
    const rec = w.length;
    w.u32(0x06064b50);
    w.u64(44);
    w.u16((3 << 8) | 45);
    w.u16(45);
    w.u32(0);
    w.u32(0);
    w.u64(entries.length);
    w.u64(entries.length);
    w.u64(cdSize);
    w.u64(cdOffset);
    w.u32(0x07064b50);
    w.u32(0);
    w.u64(rec);
    w.u32(1);
  }
  const comment = options.comment ?? new Uint8Array(0);
  const z = options.zip64End;
  w.u32(0x06054b50);
  w.u16(options.eocd?.disk ?? 0);
  w.u16(0);
  w.u16(z ? 0xffff : (options.eocd?.count ?? entries.length));
  w.u16(z ? 0xffff : (options.eocd?.count ?? entries.length));
  w.u32(z ? 0xffffffff : (options.eocd?.cdSize ?? cdSize));
  w.u32(z ? 0xffffffff : (options.eocd?.cdOffset ?? cdOffset));
  w.u16(comment.length);
  w.bytes(comment);
  return Uint8Array.from(w.parts);
}

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
