import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { type BadCacheEntry, checkCacheOwned, isSha256Hex, UNPACKED_BUCKET, UNPACKED_MANIFEST } from "@tspack/cache";
import { entryFileMode } from "@tspack/wheel";
import { BUCKET_BITS, discard, type Manifest, parseManifest, unpackedFileName } from "./unpacked-cache.js";

/** Options of {@link verifyUnpacked}. */
export interface VerifyUnpackedOptions {
  /** Files read at once (default 4). */
  concurrency?: number;
}

/** Result of {@link verifyUnpacked}. */
export interface VerifyUnpackedResult {
  /** Unpacked entries checked (one per wheel). */
  entries: number;
  /** Files checked in them. */
  files: number;
  /** Bytes read. */
  bytes: number;
  /**
   * What was wrong, sorted by path: an entry without a valid manifest (`path` is the entry,
   * `expected` the wheel's sha256, `actual` empty), or a file of an entry (`path` is the file,
   * `wheel` and `file` name the wheel and the file in it; `expected` and `actual` read like
   * `crc32 0a1b2c3d, 120 bytes, mode 644`, or `missing`, `no file`). Entries with anything bad
   * were removed: the next install extracts them again from the verified `.whl`.
   */
  bad: BadCacheEntry[];
}

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw e;
  }
}

/** A file's state as reported: `crc32 0a1b2c3d, 120 bytes, mode 644` (no CRC-32 when not read). */
const fileState = (size: number, mode: number, crc?: number): string =>
  `${crc === undefined ? "" : `crc32 ${(crc >>> 0).toString(16).padStart(8, "0")}, `}${size} bytes, mode ${mode.toString(8)}`;

/**
 * The files of one unpacked entry that do not hold what the manifest records (bytes by size and
 * CRC-32, install mode), plus files that should not be there.
 */
async function checkFiles(
  dir: string,
  rel: string,
  manifest: Manifest,
  files: ReadonlyMap<string, number>,
  concurrency: number,
): Promise<{ bad: BadCacheEntry[]; bytes: number }> {
  const bad: BadCacheEntry[] = [];
  let bytes = 0;
  const wheel = manifest.filename;
  // Names that may be there: the manifest and each file's bucket and file.
  const expected = new Map<string, Set<string>>();
  for (const index of files.values()) {
    const bucket = String(index >> BUCKET_BITS);
    let names = expected.get(bucket);
    if (names === undefined) expected.set(bucket, (names = new Set()));
    names.add(String(index));
  }
  for (const name of await listDir(dir)) {
    if (name === UNPACKED_MANIFEST) continue;
    const names = expected.get(name);
    for (const file of names === undefined ? [""] : await listDir(join(dir, name))) {
      if (names?.has(file)) continue;
      const path = file === "" ? name : `${name}/${file}`;
      bad.push({ path: `${rel}/${path}`, expected: "no file", actual: "an extra file", wheel });
    }
  }
  const jobs = [...files];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const [file, index] = jobs[next++]!;
      const entry = manifest.entries[index]!;
      const name = unpackedFileName(index);
      const want = fileState(entry.uncompressedSize, entryFileMode(entry), entry.crc32);
      let got: string;
      try {
        const st = await lstat(join(dir, name));
        if (!st.isFile()) got = "not a regular file";
        else if (st.size !== entry.uncompressedSize) got = fileState(st.size, st.mode & 0o7777);
        else {
          const data = await readFile(join(dir, name));
          bytes += data.length;
          got = fileState(data.length, st.mode & 0o7777, crc32(data));
        }
      } catch (e) {
        got = (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : `unreadable (${(e as Error).message})`;
      }
      if (got !== want) bad.push({ path: `${rel}/${name}`, expected: want, actual: got, wheel, file });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { bad, bytes };
}

/**
 * `tspack cache verify` for the unpacked wheels (`unpacked-v2/`): every entry must have a valid
 * manifest, and every file must hold the bytes (size and CRC-32) and the install mode the manifest
 * records, with no other file beside them. A hard-linked install shares these files: editing an
 * installed file, or a chmod, changes the cache, and this is where it shows. Each bad file is
 * reported with its wheel and its path in the wheel, and its whole entry is removed (the next
 * install extracts the wheel again from the verified `.whl`).
 * @throws TSPACK_NOT_OWNED when the folder is not a tspack cache (it deletes bad entries).
 */
export async function verifyUnpacked(
  cacheRoot: string,
  options: VerifyUnpackedOptions = {},
): Promise<VerifyUnpackedResult> {
  const base = join(cacheRoot, UNPACKED_BUCKET);
  const bad: BadCacheEntry[] = [];
  let entries = 0;
  let files = 0;
  let bytes = 0;
  const state = checkCacheOwned(cacheRoot);
  if (state.kind === "missing" || state.kind === "empty") return { entries, files, bytes, bad };
  for (const fan of await listDir(base)) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue;
    for (const sha of await listDir(join(base, fan))) {
      if (!isSha256Hex(sha) || !sha.startsWith(fan)) continue;
      entries++;
      const dir = join(base, fan, sha);
      const rel = `${UNPACKED_BUCKET}/${fan}/${sha}`;
      let parsed: ReturnType<typeof parseManifest>;
      try {
        parsed = parseManifest(await readFile(join(dir, UNPACKED_MANIFEST), "utf8"), sha);
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) {
        discard(cacheRoot, dir);
        bad.push({ path: rel, expected: sha, actual: "" });
        continue;
      }
      files += parsed.files.size;
      const r = await checkFiles(dir, rel, parsed.manifest, parsed.files, options.concurrency ?? 4);
      bytes += r.bytes;
      if (r.bad.length > 0) {
        discard(cacheRoot, dir);
        bad.push(...r.bad);
      }
    }
  }
  bad.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, files, bytes, bad };
}
