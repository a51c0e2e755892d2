/**
 * The pyc format (PEP 552), pure: no node:* module. A pyc is a 16-byte header — the magic of the
 * CPython minor version (4 bytes), flags (4, little endian: 0 = timestamp, 1 = unchecked hash,
 * 3 = checked hash) and the source hash (8 bytes: `importlib.util.source_hash`) — then `marshal.dumps`
 * of the module's code object. tspack writes hash-based pycs only: timestamp pycs are stale in a zip
 * whose dates are fixed.
 */
import { sipHash } from "./siphash.js";

/** How a pyc says it is valid: PEP 552's two hash-based modes (never `timestamp`). */
export type InvalidationMode = "checked-hash" | "unchecked-hash";

/** The invalidation modes tspack writes, for option parsing and messages. */
export const INVALIDATION_MODES: readonly InvalidationMode[] = ["checked-hash", "unchecked-hash"];

/**
 * The pyc magic per CPython minor version (3.X → 4 bytes, hex), from CPython's
 * `Include/internal/pycore_magic_number.h` (importlib's `MAGIC_NUMBER`): fixed at a release's beta/rc and
 * stable across its patch releases.
 */
export const PYC_MAGIC: Readonly<Record<number, string>> = {
  9: "610d0d0a",
  10: "6f0d0d0a",
  11: "a70d0d0a",
  12: "cb0d0d0a",
  13: "f30d0d0a",
  14: "2b0e0d0a",
};

/** PEP 552 flags: bit 0 = hash-based, bit 1 = check_source. */
export const PYC_FLAGS: Readonly<Record<InvalidationMode | "timestamp", number>> = {
  timestamp: 0,
  "unchecked-hash": 1,
  "checked-hash": 3,
};

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The 4 magic bytes of Python 3.`minor`; throws a plain Error for a minor version tspack does not know. */
export function pycMagic(minor: number): Uint8Array {
  const hex = PYC_MAGIC[minor];
  if (hex === undefined) throw new Error(`no pyc magic known for Python 3.${minor}`);
  return hexBytes(hex);
}

/**
 * `importlib.util.source_hash(source)` of Python 3.`minor`: SipHash keyed by the magic as a little-endian
 * integer (`_RAW_MAGIC_NUMBER`), SipHash-1-3 since 3.11 and SipHash-2-4 before.
 */
export function sourceHash(minor: number, source: Uint8Array): Uint8Array {
  const m = pycMagic(minor);
  const k0lo = (m[0]! | (m[1]! << 8) | (m[2]! << 16) | (m[3]! << 24)) >>> 0;
  return minor >= 11 ? sipHash(source, [0, k0lo], [0, 0], 1, 3) : sipHash(source, [0, k0lo], [0, 0], 2, 4);
}

/** The 16-byte header of a hash-based pyc of `source` for Python 3.`minor`. */
export function pycHeader(minor: number, mode: InvalidationMode, source: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out.set(pycMagic(minor), 0);
  out[4] = PYC_FLAGS[mode];
  out.set(sourceHash(minor, source), 8);
  return out;
}

/** A pyc: the header for `source`, then the marshalled code object. */
export function pycBytes(minor: number, mode: InvalidationMode, source: Uint8Array, code: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + code.length);
  out.set(pycHeader(minor, mode, source), 0);
  out.set(code, 16);
  return out;
}

/** What a pyc's header says. */
export interface PycHeaderInfo {
  /** The magic, hex. */
  magic: string;
  /** The Python minor version the magic belongs to, or undefined for an unknown magic. */
  minor: number | undefined;
  /** The flags word. */
  flags: number;
  /** "checked-hash", "unchecked-hash" or "timestamp" (or "invalid" for other flags). */
  mode: InvalidationMode | "timestamp" | "invalid";
  /** The source hash (hash-based pycs) or mtime + size (timestamp pycs), 8 bytes as hex. */
  hash: string;
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Reads a pyc's 16-byte header; throws a plain Error for fewer than 16 bytes. */
export function readPycHeader(pyc: Uint8Array): PycHeaderInfo {
  if (pyc.length < 16) throw new Error(`a pyc has a 16-byte header, got ${pyc.length} bytes`);
  const magic = hex(pyc.subarray(0, 4));
  const flags = (pyc[4]! | (pyc[5]! << 8) | (pyc[6]! << 16) | (pyc[7]! << 24)) >>> 0;
  const entry = Object.entries(PYC_MAGIC).find(([, m]) => m === magic);
  const mode = flags === 3 ? "checked-hash" : flags === 1 ? "unchecked-hash" : flags === 0 ? "timestamp" : "invalid";
  return { magic, minor: entry ? Number(entry[0]) : undefined, flags, mode, hash: hex(pyc.subarray(8, 16)) };
}

/**
 * Whether `pyc` is a valid hash-based pyc of `source` for Python 3.`minor`: the magic, a hash-based
 * flags word and the source hash all match (what CPython's import system checks for checked-hash pycs).
 */
export function pycMatchesSource(pyc: Uint8Array, minor: number, source: Uint8Array): boolean {
  if (pyc.length < 16) return false;
  const h = readPycHeader(pyc);
  return (
    h.minor === minor &&
    (h.mode === "checked-hash" || h.mode === "unchecked-hash") &&
    h.hash === hex(sourceHash(minor, source))
  );
}

/**
 * Where the pyc of the module file `path` ("pkg/mod.py") goes: `pkg/__pycache__/mod.cpython-3XY.pyc`
 * (`importlib.util.cache_from_source` with the default optimization level); undefined for a path that is
 * not a `.py` file.
 */
export function pycPath(path: string, minor: number): string | undefined {
  if (!path.endsWith(".py")) return undefined;
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const stem = path.slice(slash + 1, -3);
  if (stem === "") return undefined;
  return `${dir}__pycache__/${stem}.cpython-3${minor}.pyc`;
}
