import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isSha256Hex, KNOWN_ROOT_ENTRIES, MEMO_BUCKET, TMP_DIR, UNPACKED_BUCKET, WHEELS_BUCKET } from "./layout.js";
import { checkCacheOwned } from "./ownership.js";
import { cacheTempPid, processGone } from "./staging.js";

/** The process id of a temp file written next to its cache entry (`<name>.<pid>.<8 hex>.tmp`), or undefined. */
function entryTempPid(name: string): number | undefined {
  const m = /\.([1-9][0-9]{0,9})\.[0-9a-f]{8}\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True for a temp file whose process is still running (it is about to rename it into place). */
function liveTemp(name: string): boolean {
  const pid = entryTempPid(name);
  return pid !== undefined && !processGone(pid);
}

/** Options of {@link pruneCache}. */
export interface PruneCacheOptions {
  /** Temp files and directories older than this are removed (default 60 minutes). */
  tempOlderThanMinutes?: number;
  /**
   * Memoized results (`memo-v1/`) older than this are removed (default 30 days): they are cheap to
   * recompute, and those of older tspack builds are never read again.
   */
  memoOlderThanDays?: number;
  /** Clock for tests (default `Date.now()`). */
  now?: number;
}

/** What {@link pruneCache} removed, as sorted paths relative to the cache root (`/`-separated). */
export interface PruneCacheResult {
  removed: string[];
}

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw e;
  }
}

/**
 * `tspack cache prune`: removes temp entries of processes that are gone (their names carry the pid) and
 * other temp entries older than N minutes, unknown or outdated buckets (e.g. `wheels-v0`, `unpacked-v1`),
 * misnamed files inside `wheels-v1/` and `unpacked-v2/` (not a running process's temp file), and memoized
 * results older than N days (`memo-v1/`; they are recomputed when needed). Never touches valid downloads or
 * unpacked wheels. Only a tspack cache is pruned (the ownership guard).
 * @throws TSPACK_NOT_OWNED when the folder is not a tspack cache.
 */
export async function pruneCache(cacheRoot: string, options: PruneCacheOptions = {}): Promise<PruneCacheResult> {
  const state = checkCacheOwned(cacheRoot);
  if (state.kind === "missing" || state.kind === "empty") return { removed: [] };
  const cutoff = (options.now ?? Date.now()) - (options.tempOlderThanMinutes ?? 60) * 60_000;
  const removed: string[] = [];
  const remove = async (rel: string): Promise<void> => {
    await rm(join(cacheRoot, rel), { recursive: true, force: true });
    removed.push(rel);
  };
  for (const name of await listDir(cacheRoot)) {
    if (!KNOWN_ROOT_ENTRIES.includes(name)) await remove(name);
  }
  for (const name of await listDir(join(cacheRoot, TMP_DIR))) {
    const pid = cacheTempPid(name);
    if (pid !== undefined) {
      if (processGone(pid)) await remove(`${TMP_DIR}/${name}`);
      continue;
    }
    const st = await stat(join(cacheRoot, TMP_DIR, name)).catch(() => undefined);
    if (st !== undefined && st.mtimeMs < cutoff) await remove(`${TMP_DIR}/${name}`);
  }
  for (const algo of await listDir(join(cacheRoot, WHEELS_BUCKET))) {
    if (algo !== "sha256") {
      await remove(`${WHEELS_BUCKET}/${algo}`);
      continue;
    }
    for (const fan of await listDir(join(cacheRoot, WHEELS_BUCKET, algo))) {
      const fanRel = `${WHEELS_BUCKET}/${algo}/${fan}`;
      if (!/^[0-9a-f]{2}$/.test(fan)) {
        await remove(fanRel);
        continue;
      }
      for (const rest of await listDir(join(cacheRoot, fanRel))) {
        if (!isSha256Hex(fan + rest) && !liveTemp(rest)) await remove(`${fanRel}/${rest}`);
      }
    }
  }
  for (const fan of await listDir(join(cacheRoot, UNPACKED_BUCKET))) {
    const fanRel = `${UNPACKED_BUCKET}/${fan}`;
    if (!/^[0-9a-f]{2}$/.test(fan)) {
      await remove(fanRel);
      continue;
    }
    for (const sha of await listDir(join(cacheRoot, fanRel))) {
      if (!isSha256Hex(sha) || !sha.startsWith(fan)) await remove(`${fanRel}/${sha}`);
    }
  }
  const memoCutoff = (options.now ?? Date.now()) - (options.memoOlderThanDays ?? 30) * 86_400_000;
  for (const kind of await listDir(join(cacheRoot, MEMO_BUCKET))) {
    for (const fan of await listDir(join(cacheRoot, MEMO_BUCKET, kind))) {
      const fanRel = `${MEMO_BUCKET}/${kind}/${fan}`;
      for (const name of await listDir(join(cacheRoot, fanRel))) {
        const pid = entryTempPid(name);
        if (pid !== undefined) {
          if (processGone(pid)) await remove(`${fanRel}/${name}`);
          continue;
        }
        const st = await stat(join(cacheRoot, fanRel, name)).catch(() => undefined);
        if (st !== undefined && st.mtimeMs < memoCutoff) await remove(`${fanRel}/${name}`);
      }
    }
  }
  return { removed: removed.sort() };
}
