import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import {
  createTempPath,
  makeDirsSync,
  publishDirectory,
  TMP_DIR_MODE,
  tempDirFor,
  UNPACKED_MANIFEST,
  unpackedDirFor,
} from "@tspack/cache";
import { entryFileMode, type WheelFileEntry } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import { type WheelArchive, writeWheelEntryStreamed } from "./archive.js";

/** The central-directory fields kept in the unpacked cache's manifest. */
export type StoredEntry = Pick<
  ZipEntry,
  "name" | "method" | "crc32" | "compressedSize" | "uncompressedSize" | "externalAttributes"
>;

/**
 * A wheel unpacked once into `<cacheDir>/unpacked-v2/ab/<sha256>/`: `manifest.json` and each file of
 * the wheel named by its entry index `i`, at `<i / 32>/<i>` (buckets of 32: linking into small
 * directories is ~2× faster on ext4 than into one directory of hundreds), with its install mode
 * (0o644, or 0o755 for S_IFREG executables). No wheel directory tree: filling it is only links.
 */
export interface UnpackedWheel {
  /** The entry's directory. */
  dir: string;
  filename: string;
  entries: StoredEntry[];
  /** Normalized wheel path → index of its entry (= its file name in `dir`). */
  files: ReadonlyMap<string, number>;
}

/**
 * `manifest.json`: written into the entry before it is published. `entries` are the wheel's
 * central-directory fields, so they also record what each file must hold: the file of entry `i` is
 * its uncompressed bytes (`uncompressedSize`, `crc32`, checked when it was inflated) with the install
 * mode of its `externalAttributes`. `tspack cache verify` checks every file against them.
 */
export interface Manifest {
  version: 2;
  filename: string;
  sha256: string;
  entries: StoredEntry[];
  /** Normalized wheel path → entry index, for every file of the wheel (validated). */
  files: Record<string, number>;
}

/** Files per bucket directory of an unpacked entry. */
export const BUCKET_BITS = 5;

/** The path of entry `index`'s file inside an unpacked entry directory: `<bucket>/<index>`. */
export function unpackedFileName(index: number): string {
  return `${index >> BUCKET_BITS}/${index}`;
}

/** Moves a broken entry aside (into the cache's tmp/, one rename) and deletes it; races are harmless. */
export function discard(cacheDir: string, dir: string): void {
  const aside = `${tempDirFor(cacheDir)}/${process.pid}-${randomBytes(8).toString("hex")}.broken`;
  try {
    makeDirsSync(tempDirFor(cacheDir), TMP_DIR_MODE);
    renameSync(dir, aside);
  } catch {
    return; // already gone (another process discarded or replaced it)
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * The unpacked copy of the wheel with this sha256, or undefined when absent. An entry that is
 * unreadable or incomplete (bad manifest, missing or extra files) is removed, so that the install
 * extracts the wheel again and publishes a good copy.
 */
export function readUnpacked(cacheDir: string, sha256: string): UnpackedWheel | undefined {
  const dir = unpackedDirFor(cacheDir, sha256);
  let text: string;
  try {
    text = readFileSync(`${dir}/${UNPACKED_MANIFEST}`, "utf8");
  } catch (e) {
    // Entries are published whole (rename), so an existing directory without a readable manifest
    // is damaged, never in progress.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT" || existsSync(dir)) discard(cacheDir, dir);
    return undefined;
  }
  const parsed = parseManifest(text, sha256);
  const manifest = parsed?.manifest;
  const files = parsed?.files ?? new Map<string, number>();
  let ok = manifest !== undefined;
  // One readdir per bucket: every file must be there (a partial copy would fail the link half-way).
  if (ok) {
    const buckets = new Map<number, number>();
    for (const index of files.values()) buckets.set(index >> BUCKET_BITS, (buckets.get(index >> BUCKET_BITS) ?? 0) + 1);
    try {
      ok = readdirSync(dir).length === buckets.size + 1;
      for (const [bucket, count] of buckets) if (ok) ok = readdirSync(`${dir}/${bucket}`).length === count;
    } catch {
      ok = false;
    }
  }
  if (!ok || manifest === undefined) {
    discard(cacheDir, dir);
    return undefined;
  }
  return { dir, filename: manifest.filename, entries: manifest.entries, files };
}

/**
 * The manifest of the unpacked entry of the wheel with this sha256, when `text` is one: version 2,
 * the same sha256, and every file an entry index in range whose size, CRC-32 and attributes are
 * numbers. `files` maps the normalized wheel path to the index.
 */
export function parseManifest(
  text: string,
  sha256: string,
): { manifest: Manifest; files: Map<string, number> } | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return undefined;
  }
  if (
    manifest === null ||
    typeof manifest !== "object" ||
    manifest.version !== 2 ||
    manifest.sha256 !== sha256 ||
    typeof manifest.filename !== "string" ||
    !Array.isArray(manifest.entries) ||
    manifest.files === null ||
    typeof manifest.files !== "object"
  )
    return undefined;
  const files = new Map<string, number>();
  for (const [path, index] of Object.entries(manifest.files)) {
    if (!Number.isInteger(index) || index < 0 || index >= manifest.entries.length) return undefined;
    const e = manifest.entries[index];
    if (
      e === null ||
      typeof e !== "object" ||
      !Number.isInteger(e.uncompressedSize) ||
      !Number.isInteger(e.crc32) ||
      !Number.isInteger(e.externalAttributes)
    )
      return undefined;
    files.set(path, index);
  }
  return { manifest, files };
}

/** Index of each entry in the archive's central directory (its file name in the unpacked cache). */
export function entryIndexes(archive: WheelArchive): Map<ZipEntry, number> {
  return new Map(archive.entries.map((e, i) => [e, i]));
}

/**
 * Writes `<tmp>/manifest.json` for the wheel `archive` whose `files` are in `tmp` (named by entry
 * index). Returns the wheel as it will be read from the cache once `tmp` is published at `dir`.
 */
export function writeManifest(
  tmp: string,
  dir: string,
  sha256: string,
  archive: WheelArchive,
  files: ReadonlyArray<WheelFileEntry<ZipEntry>>,
  indexes: ReadonlyMap<ZipEntry, number> = entryIndexes(archive),
): UnpackedWheel {
  const map: Record<string, number> = {};
  for (const { path, entry } of files) map[path] = indexes.get(entry)!;
  const manifest: Manifest = {
    version: 2,
    filename: archive.filename,
    sha256,
    entries: archive.entries.map((e) => ({
      name: e.name,
      method: e.method,
      crc32: e.crc32,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      externalAttributes: e.externalAttributes,
    })),
    files: map,
  };
  writeFileSync(`${tmp}/${UNPACKED_MANIFEST}`, JSON.stringify(manifest));
  return { dir, filename: archive.filename, entries: manifest.entries, files: new Map(Object.entries(map)) };
}

/**
 * Unpacks the (validated) files of `archive` into the cache: inflate + verify each entry, write it
 * with its install mode into a temp directory, write the manifest, then publish atomically (a
 * concurrent writer's copy wins harmlessly).
 */
export async function unpackToCache(
  cacheDir: string,
  sha256: string,
  archive: WheelArchive,
  files: ReadonlyArray<WheelFileEntry<ZipEntry>>,
  signal?: AbortSignal,
): Promise<UnpackedWheel> {
  const tmp = await createTempPath(cacheDir, ".unpack");
  mkdirSync(tmp);
  const indexes = entryIndexes(archive);
  const dir = unpackedDirFor(cacheDir, sha256);
  try {
    const umask = process.umask();
    for (const { entry } of files) {
      signal?.throwIfAborted();
      const index = indexes.get(entry)!;
      makeDirsSync(`${tmp}/${index >> BUCKET_BITS}`);
      const path = `${tmp}/${unpackedFileName(index)}`;
      const mode = entryFileMode(entry);
      await writeWheelEntryStreamed(archive, entry, path, mode);
      if ((mode & umask) !== 0) chmodSync(path, mode);
    }
    const unpacked = writeManifest(tmp, dir, sha256, archive, files, indexes);
    await publishDirectory(tmp, dir);
    return unpacked;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The cached path of a wheel file (by its normalized path). */
export function unpackedPath(u: UnpackedWheel, source: string): string {
  const index = u.files.get(source);
  if (index === undefined) throw new Error(`The unpacked wheel "${u.filename}" has no file "${source}"`);
  return `${u.dir}/${unpackedFileName(index)}`;
}

/** Reads a cached file's bytes (the plan reads WHEEL, METADATA, RECORD, entry points, `#!python` scripts). */
export function readUnpackedFile(u: UnpackedWheel, source: string): Uint8Array {
  return readFileSync(unpackedPath(u, source));
}

/** The sha256 (urlsafe base64) of a cached file, read in 1 MiB pieces: bounded memory whatever its size. */
export function hashUnpackedFile(u: UnpackedWheel, source: string): string {
  const hash = createHash("sha256");
  const buf = new Uint8Array(1024 * 1024);
  const fd = openSync(unpackedPath(u, source), "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return hash.digest("base64url");
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a cached file (the plan sniffs scripts for `#!python` without reading them whole). */
export function readUnpackedHead(u: UnpackedWheel, source: string, n: number): Uint8Array {
  const fd = openSync(unpackedPath(u, source), "r");
  try {
    const buf = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const got = readSync(fd, buf, off, n - off, off);
      if (got === 0) break;
      off += got;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
