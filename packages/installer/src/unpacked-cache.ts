import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createTempPath, publishDirectory, unpackedDirFor } from "@tspack/cache";
import { entryFileMode, type WheelFileEntry } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import { inflateWheelEntry, type WheelArchive } from "./archive.js";
import { TreeWriter } from "./tree-writer.js";

/** The central-directory fields kept in the unpacked cache's manifest. */
export type StoredEntry = Pick<
  ZipEntry,
  "name" | "method" | "crc32" | "compressedSize" | "uncompressedSize" | "externalAttributes"
>;

/** A wheel unpacked once into `<cacheDir>/unpacked-v1/<sha256>/files/`, described by `manifest.json`. */
export interface UnpackedWheel {
  /** Directory holding the files at their normalized wheel paths. */
  filesDir: string;
  filename: string;
  entries: StoredEntry[];
}

interface Manifest {
  version: 1;
  filename: string;
  sha256: string;
  entries: StoredEntry[];
}

const FIELDS = ["name", "method", "crc32", "compressedSize", "uncompressedSize", "externalAttributes"] as const;

/** The unpacked copy of the wheel with this sha256, or undefined when absent or unreadable. */
export function readUnpacked(cacheDir: string, sha256: string): UnpackedWheel | undefined {
  const dir = unpackedDirFor(cacheDir, sha256);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.version !== 1 || manifest.sha256 !== sha256 || !Array.isArray(manifest.entries)) return undefined;
  return { filesDir: `${dir}/files`, filename: manifest.filename, entries: manifest.entries };
}

/**
 * Unpacks the (validated) files of `archive` into the cache: inflate + verify each entry, write it
 * with its install mode (0o644, or 0o755 for S_IFREG executables) into a temp directory, write the
 * manifest, then publish atomically (a concurrent writer's copy wins harmlessly).
 */
export async function unpackToCache(
  cacheDir: string,
  sha256: string,
  archive: WheelArchive,
  files: ReadonlyArray<WheelFileEntry<ZipEntry>>,
  signal?: AbortSignal,
): Promise<UnpackedWheel> {
  const tmp = await createTempPath(cacheDir, ".unpack");
  mkdirSync(tmp, { recursive: true });
  const writer = new TreeWriter(`${tmp}/files`);
  mkdirSync(writer.root);
  try {
    for (const { path, entry } of files) {
      signal?.throwIfAborted();
      writer.writeFile(path, inflateWheelEntry(archive, entry), entryFileMode(entry));
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return publishUnpacked(cacheDir, sha256, archive, tmp);
}

/** Writes `<tmp>/manifest.json` for the wheel `archive` (whose files are in `<tmp>/files/`). */
export function writeManifest(
  tmp: string,
  sha256: string,
  archive: WheelArchive,
): { filename: string; entries: StoredEntry[] } {
  const manifest: Manifest = {
    version: 1,
    filename: archive.filename,
    sha256,
    entries: archive.entries.map((e) => Object.fromEntries(FIELDS.map((k) => [k, e[k]])) as StoredEntry),
  };
  writeFileSync(`${tmp}/manifest.json`, JSON.stringify(manifest));
  return manifest;
}

/** Writes the manifest into `tmp` (whose `files/` is complete) and publishes it atomically. */
async function publishUnpacked(
  cacheDir: string,
  sha256: string,
  archive: WheelArchive,
  tmp: string,
): Promise<UnpackedWheel> {
  const manifest = writeManifest(tmp, sha256, archive);
  const final = unpackedDirFor(cacheDir, sha256);
  await publishDirectory(tmp, final);
  return { filesDir: `${final}/files`, filename: archive.filename, entries: manifest.entries };
}

/** The cached path of a wheel file (by its normalized path). */
export function unpackedPath(u: UnpackedWheel, source: string): string {
  return `${u.filesDir}/${source}`;
}

/** Reads a cached file's bytes (the plan reads WHEEL, METADATA, RECORD, entry points, scripts). */
export function readUnpackedFile(u: UnpackedWheel, source: string): Uint8Array {
  return readFileSync(unpackedPath(u, source));
}
