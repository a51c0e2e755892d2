import { describe, expect, it } from "vitest";
import {
  PYC_MAGIC,
  pycBytes,
  pycHeader,
  pycMatchesSource,
  pycPath,
  readPycHeader,
  sipHash,
  sourceHash,
} from "../src/index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sipHash", () => {
  it("gives the reference SipHash-2-4 vector (key 00..0f, message 00..0e)", () => {
    // The SipHash paper's test vector: 0xa129ca6149be45e5, printed little endian.
    const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
    const k0: [number, number] = [0x07060504, 0x03020100];
    const k1: [number, number] = [0x0f0e0d0c, 0x0b0a0908];
    expect(hex(sipHash(msg, k0, k1, 2, 4))).toBe("e545be4961ca29a1");
  });
});

describe("sourceHash", () => {
  // Recorded from native CPython 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0:
  // importlib.util.source_hash(b"") and (b"hello world, this is 8+ bytes").
  const native: Record<number, [string, string]> = {
    9: ["ac0bb7c83e5b1c5f", "908d9bd0b0a052bb"],
    10: ["8cc0cd2525e7fd27", "1b365d0c3396db61"],
    11: ["738d9cd5d5e87f73", "eea287df232338c6"],
    12: ["baf18eedc9387a25", "63fbd086afc066c8"],
    13: ["27ec6d312f93b814", "289199d41f32aaa9"],
  };
  for (const [minor, [empty, text]] of Object.entries(native)) {
    it(`is importlib.util.source_hash of Python 3.${minor}`, () => {
      expect(hex(sourceHash(Number(minor), new Uint8Array()))).toBe(empty);
      expect(hex(sourceHash(Number(minor), enc("hello world, this is 8+ bytes")))).toBe(text);
    });
  }
});

describe("pyc header", () => {
  it("has the magic per minor version, PEP 552 flags and the source hash", () => {
    expect(PYC_MAGIC).toMatchObject({ 11: "a70d0d0a", 12: "cb0d0d0a", 13: "f30d0d0a", 14: "2b0e0d0a" });
    const src = enc("x = 1\n");
    const checked = pycHeader(13, "checked-hash", src);
    expect(hex(checked)).toBe(`f30d0d0a03000000${hex(sourceHash(13, src))}`);
    expect(readPycHeader(pycHeader(12, "unchecked-hash", src))).toEqual({
      magic: "cb0d0d0a",
      minor: 12,
      flags: 1,
      mode: "unchecked-hash",
      hash: hex(sourceHash(12, src)),
    });
    const pyc = pycBytes(13, "checked-hash", src, enc("CODE"));
    expect(pyc.length).toBe(20);
    expect(pycMatchesSource(pyc, 13, src)).toBe(true);
    expect(pycMatchesSource(pyc, 13, enc("x = 2\n"))).toBe(false);
    expect(pycMatchesSource(pyc, 12, src)).toBe(false);
  });

  it("names the pyc like importlib.util.cache_from_source", () => {
    expect(pycPath("pkg/mod.py", 13)).toBe("pkg/__pycache__/mod.cpython-313.pyc");
    expect(pycPath("app.py", 9)).toBe("__pycache__/app.cpython-39.pyc");
    expect(pycPath("pkg/data.txt", 13)).toBeUndefined();
    expect(pycPath("pkg/.py", 13)).toBeUndefined();
  });
});
