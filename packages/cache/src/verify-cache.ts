import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { hashFile } from "./hash-file.js";
import { WHEELS_BUCKET } from "./layout.js";
import { checkCacheOwned } from "./ownership.js";

/**
 * A cache entry whose bytes do not hash to its name; {@link verifyCache} removed it. The installer's
 * `verifyUnpacked` reports files of unpacked wheels with the same shape (see there).
 */
export interface BadCacheEntry {
  /** Path relative to the cache root (`/`-separated). */
  path: string;
  /** The sha256 the entry's path promises. */
  expected: string;
  /** The sha256 of its bytes (empty when unreadable or not a regular file). */
  actual: string;
  /** For a file of an unpacked wheel: the wheel's filename. */
  wheel?: string;
  /** For a file of an unpacked wheel: its path in the wheel. */
  file?: string;
}

/** Options of {@link verifyCache}. */
export interface VerifyCacheOptions {
  /** Files hashed at once (default 4). */
  concurrency?: number;
}

/** Result of {@link verifyCache}. */
export interface VerifyCacheResult {
  /** Entries checked. */
  checked: number;
  /** Bytes hashed. */
  bytes: number;
  /** Bad entries (removed), sorted by path. */
  bad: BadCacheEntry[];
}

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/**
 * `tspack cache verify`: re-hashes every downloaded file, removes those whose bytes do not match
 * their content address, and reports them. Misnamed files are left to `pruneCache`; the unpacked
 * wheels are checked by the installer's `verifyUnpacked`, which owns their format.
 * @throws TSPACK_NOT_OWNED when the folder is not a tspack cache.
 */
export async function verifyCache(cacheRoot: string, options: VerifyCacheOptions = {}): Promise<VerifyCacheResult> {
  // It deletes bad entries: only in a tspack cache (the ownership guard).
  const state = checkCacheOwned(cacheRoot);
  if (state.kind === "missing" || state.kind === "empty") return { checked: 0, bytes: 0, bad: [] };
  const base = join(cacheRoot, WHEELS_BUCKET, "sha256");
  const entries: Array<{ rel: string; abs: string; expected: string }> = [];
  for (const fan of await listDir(base)) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue;
    for (const rest of await listDir(join(base, fan))) {
      if (!/^[0-9a-f]{62}$/.test(rest)) continue;
      entries.push({ rel: `${WHEELS_BUCKET}/sha256/${fan}/${rest}`, abs: join(base, fan, rest), expected: fan + rest });
    }
  }
  const bad: BadCacheEntry[] = [];
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++]!;
      let actual = "";
      try {
        const st = await stat(entry.abs);
        if (st.isFile()) {
          const digest = await hashFile(entry.abs);
          actual = digest.sha256;
          bytes += digest.size;
        }
      } catch {
        actual = "";
      }
      if (actual !== entry.expected) {
        await rm(entry.abs, { recursive: true, force: true });
        bad.push({ path: entry.rel, expected: entry.expected, actual });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  bad.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { checked: entries.length, bytes, bad };
}
