import { readdirSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { forgetInitializedCache } from "./init-cache.js";
import { CACHE_MARKER, checkCacheOwned } from "./ownership.js";
import { isMountPoint, siblingPath, sweepLeftovers } from "./staging.js";
import { forgetTempDirs } from "./temp-path.js";

/** What {@link cleanCache} did. */
export interface CleanCacheResult {
  /** False when there was no cache at the path (missing, or an empty folder). */
  removed: boolean;
}

const UNRENAMABLE = new Set(["EBUSY", "EXDEV", "EPERM", "EACCES"]);

/**
 * Removes the whole cache (`tspack cache clean`), after the ownership guard: only a folder with tspack's
 * `TSPACK-CACHE` marker (or an older tspack's cache) is deleted, so a mistyped `--cache-dir` cannot delete a
 * project or another tool's cache. The root is first renamed aside (`.<name>.tspack-deleting-<pid>-<hex>`,
 * removed by a later run if this one is killed), so a concurrent reader sees either the full cache or no
 * cache; a root that cannot be renamed (a mount point) is emptied in place, its marker last.
 * @throws TSPACK_NOT_OWNED when the folder is not a tspack cache.
 */
export async function cleanCache(cacheRoot: string): Promise<CleanCacheResult> {
  const state = checkCacheOwned(cacheRoot);
  if (state.kind === "missing" || state.kind === "empty") return { removed: false };
  sweepLeftovers(cacheRoot);
  const aside = siblingPath(cacheRoot, "deleting");
  let inPlace = isMountPoint(cacheRoot);
  if (!inPlace) {
    try {
      renameSync(cacheRoot, aside);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { removed: false }; // cleaned by another process meanwhile
      if (code === undefined || !UNRENAMABLE.has(code)) throw e;
      inPlace = true;
    }
  }
  if (inPlace) {
    const names = readdirSync(cacheRoot).sort((a, b) => Number(a === CACHE_MARKER) - Number(b === CACHE_MARKER));
    for (const name of names) await rm(join(cacheRoot, name), { recursive: true, force: true });
  } else {
    await rm(aside, { recursive: true, force: true });
  }
  forgetInitializedCache(cacheRoot);
  forgetTempDirs();
  return { removed: true };
}
