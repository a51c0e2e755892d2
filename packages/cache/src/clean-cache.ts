import { randomBytes } from "node:crypto";
import { readdir, rename, rm } from "node:fs/promises";
import { TspackError } from "@tspack/errors";
import { forgetInitializedCache } from "./init-cache.js";
import { forgetTempDirs } from "./temp-path.js";

/** What {@link cleanCache} did. */
export interface CleanCacheResult {
  /** False when there was no cache at the path. */
  removed: boolean;
}

/**
 * Removes the whole cache (`tspack cache clean`). Refuses a non-empty directory without
 * `CACHEDIR.TAG` so that a mistyped `--cache-dir` cannot delete a project. The root is first renamed
 * aside, so a concurrent reader sees either the full cache or no cache.
 * @throws TSPACK_CACHE_CORRUPT when the directory does not look like a tspack cache.
 */
export async function cleanCache(cacheRoot: string): Promise<CleanCacheResult> {
  let names: string[];
  try {
    names = await readdir(cacheRoot);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { removed: false };
    throw e;
  }
  if (names.length > 0 && !names.includes("CACHEDIR.TAG")) {
    throw new TspackError(
      "TSPACK_CACHE_CORRUPT",
      `The directory "${cacheRoot}" is not a tspack cache: it has no CACHEDIR.TAG`,
      { hint: "Check --cache-dir / TSPACK_CACHE_DIR, or delete the directory yourself.", details: { cacheRoot } },
    );
  }
  // Rename aside first: concurrent readers then see the full cache or none, never half of one.
  const aside = `${cacheRoot}.deleting-${process.pid}-${randomBytes(4).toString("hex")}`;
  let target = aside;
  try {
    await rename(cacheRoot, aside);
  } catch {
    target = cacheRoot; // e.g. a mount point: delete in place
  }
  await rm(target, { recursive: true, force: true });
  forgetInitializedCache(cacheRoot);
  forgetTempDirs();
  return { removed: true };
}
