/**
 * The deterministic tar writer of image layers (pure). Every file goes under `root` (e.g. `var/task`) with
 * its parent folders written explicitly, in lexical (UTF-8 byte) order; folders 0755, files 0644 or 0755
 * (any execute bit) whatever the builder's umask, since Lambda runs the image as a non-root user; uid/gid 0
 * without user or group names; one fixed mtime; no atime/ctime. Names over 100 bytes or not ASCII (and sizes
 * over the ustar field) get a PAX extended header whose own name is fixed (`././@PaxHeader`: a pid or a counter
 * in it would change the bytes between runs). The archive ends with two zero blocks. The data of each file is
 * passed through as is (the chunks reference the callers' arrays): no copy of the content.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";

/** One file of a layer. */
export interface TarFile {
  /** Path under the root, `/`-separated, no leading `/`, no `.` or `..` segments. */
  path: string;
  /** Only the execute bits matter: any gives 0755, else 0644. */
  mode: number;
  data: Uint8Array;
}

export interface TarOptions {
  /** Folder the files go under, without leading or trailing `/` (e.g. `var/task`); "" for the archive root. */
  root: string;
  /** Seconds since the epoch, written on every entry. */
  mtime: number;
}

/** A tar archive as a list of chunks (headers, the files' own arrays, padding), and its total size. */
export interface TarArchive {
  chunks: Uint8Array[];
  size: number;
  /** Entries written (folders and files, not PAX headers). */
  entries: number;
}

const BLOCK = 512;
const ZEROS = new Uint8Array(BLOCK * 2);
/** The name of every PAX extended header (as Python's tarfile writes it): fixed, so bytes never vary. */
export const PAX_HEADER_NAME = "././@PaxHeader";
const MAX_OCTAL_SIZE = 0o77777777777;
const encoder = new TextEncoder();

const DIR_MODE = 0o755;
const EXEC_MODE = 0o755;
const FILE_MODE = 0o644;

function checkPath(path: string, what: string): void {
  const segments = path.split("/");
  if (path === "" || path.includes("\0") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new TspackError(
      ERROR_CODES.UNSAFE_PATH,
      `The ${what} "${path}" cannot go into an image layer: not a plain relative path`,
    );
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function writeString(block: Uint8Array, offset: number, length: number, value: Uint8Array): void {
  block.set(value.subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  // length-1 octal digits, then NUL
  const text = value.toString(8).padStart(length - 1, "0");
  for (let i = 0; i < length - 1; i++) block[offset + i] = text.charCodeAt(i);
  block[offset + length - 1] = 0;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/** A 512-byte ustar header. `name` must be ASCII and at most 100 bytes. */
function header(name: Uint8Array, type: "0" | "5" | "x", mode: number, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  h[156] = type.charCodeAt(0);
  writeString(h, 257, 6, encoder.encode("ustar\0"));
  writeString(h, 263, 2, encoder.encode("00"));
  // uname/gname stay empty; devmajor/devminor as zeros
  writeOctal(h, 329, 8, 0);
  writeOctal(h, 337, 8, 0);
  let sum = 0;
  for (const b of h) sum += b;
  const text = sum.toString(8).padStart(6, "0");
  for (let i = 0; i < 6; i++) h[148 + i] = text.charCodeAt(i);
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** One PAX record `"<len> <key>=<value>\n"`, where len counts the whole record. */
function paxRecord(key: string, value: Uint8Array): Uint8Array {
  const rest = 1 + encoder.encode(key).length + 1 + value.length + 1; // " key=value\n"
  let len = rest + String(rest).length;
  if (String(len).length !== String(rest).length) len = rest + String(len).length;
  const head = encoder.encode(`${len} ${key}=`);
  const out = new Uint8Array(len);
  out.set(head, 0);
  out.set(value, head.length);
  out[len - 1] = 0x0a;
  return out;
}

/** The ustar name field of an entry that has a PAX `path`: ASCII only, at most 100 bytes, fixed. */
function fallbackName(name: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(100, name.length));
  for (let i = 0; i < out.length; i++) out[i] = name[i]! < 0x80 ? name[i]! : 0x5f; // '_'
  return out;
}

function pad(size: number): Uint8Array | undefined {
  const rem = size % BLOCK;
  return rem === 0 ? undefined : ZEROS.subarray(0, BLOCK - rem);
}

/**
 * Writes `files` as a tar archive under `options.root`.
 * @throws TSPACK_UNSAFE_PATH for a path that is not plain and relative; TSPACK_INTERNAL for a duplicate path
 *   or a path that is both a file and a folder (callers pass each path once).
 */
export function writeTar(files: readonly TarFile[], options: TarOptions): TarArchive {
  if (options.root !== "") checkPath(options.root, "layer root");
  const mtime = Math.max(0, Math.floor(options.mtime));
  const prefix = options.root === "" ? "" : `${options.root}/`;
  interface Item {
    name: Uint8Array;
    dir: boolean;
    file?: TarFile;
  }
  const items = new Map<string, Item>();
  const addDir = (full: string): void => {
    const existing = items.get(full);
    if (existing) {
      if (!existing.dir) throw clash(full);
      return;
    }
    items.set(full, { name: encoder.encode(full), dir: true });
  };
  if (options.root !== "") {
    const parts = options.root.split("/");
    for (let i = 1; i <= parts.length; i++) addDir(parts.slice(0, i).join("/"));
  }
  for (const f of files) {
    checkPath(f.path, "file");
    const full = prefix + f.path;
    const parts = full.split("/");
    for (let i = 1; i < parts.length; i++) addDir(parts.slice(0, i).join("/"));
    if (items.has(full)) throw clash(full);
    items.set(full, { name: encoder.encode(full), dir: false, file: f });
  }
  // Parents sort before children: a folder's name is a prefix of its entries' names.
  const sorted = [...items.values()].sort((a, b) => compareBytes(a.name, b.name));
  const chunks: Uint8Array[] = [];
  let size = 0;
  const push = (c: Uint8Array | undefined): void => {
    if (c === undefined || c.length === 0) return;
    chunks.push(c);
    size += c.length;
  };
  for (const item of sorted) {
    const name = item.dir ? concat(item.name, SLASH) : item.name;
    const dataSize = item.file?.data.length ?? 0;
    const records: Uint8Array[] = [];
    if (name.length > 100 || !isAscii(name)) records.push(paxRecord("path", name));
    if (dataSize > MAX_OCTAL_SIZE) records.push(paxRecord("size", encoder.encode(String(dataSize))));
    if (records.length > 0) {
      const body = records.length === 1 ? records[0]! : concat(...records);
      push(header(encoder.encode(PAX_HEADER_NAME), "x", FILE_MODE, body.length, mtime));
      push(body);
      push(pad(body.length));
    }
    const ustarName = name.length > 100 || !isAscii(name) ? fallbackName(name) : name;
    const mode = item.dir ? DIR_MODE : (item.file!.mode & 0o111) !== 0 ? EXEC_MODE : FILE_MODE;
    push(header(ustarName, item.dir ? "5" : "0", mode, Math.min(dataSize, MAX_OCTAL_SIZE), mtime));
    if (item.file) {
      push(item.file.data);
      push(pad(dataSize));
    }
  }
  push(ZEROS);
  return { chunks, size, entries: sorted.length };
}

const SLASH = encoder.encode("/");

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function clash(path: string): TspackError {
  return new TspackError(
    ERROR_CODES.INTERNAL,
    `The layer path "${path}" is given twice, or as both a file and a folder`,
  );
}
