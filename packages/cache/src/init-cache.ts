import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempDirFor } from "./layout.js";
import { makeDirs } from "./make-dirs.js";
import { CACHE_MARKER, CACHE_MARKER_TEXT, checkCacheOwned } from "./ownership.js";
import { sweepCacheTemp } from "./staging.js";

/** The CACHEDIR.TAG content (https://bford.info/cachedir/): backup tools skip the directory. */
export const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n" +
  "# This file is a cache directory tag created by tspack.\n" +
  "# For information about cache directory tags see https://bford.info/cachedir/\n";

/** Roots whose temp leftovers this process has swept. */
const swept = new Set<string>();

async function writeIfMissing(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}

/**
 * Opens the cache root for writing, through the ownership guard (ownership.ts): a missing or empty folder
 * becomes a cache (the `TSPACK-CACHE` marker first, then `CACHEDIR.TAG` and a `.gitignore` of `*`); an older
 * tspack's cache is adopted (the marker is written when the folder is writable); tspack's cache is used as
 * it is; anything else is refused. Once per process and root, removes the temp entries of dead processes.
 * Safe to race; cheap to call again (one read of the marker).
 * @throws TSPACK_NOT_OWNED when the folder holds files and is not a tspack cache.
 */
export async function initCache(cacheRoot: string): Promise<void> {
  const state = checkCacheOwned(cacheRoot);
  if (state.kind === "legacy") {
    try {
      await writeIfMissing(join(cacheRoot, CACHE_MARKER), CACHE_MARKER_TEXT);
    } catch {
      // a read-only cache of an older tspack is still tspack's (its tag and layout say so)
    }
  } else if (state.kind !== "owned") {
    await makeDirs(cacheRoot);
    // The marker first: a concurrent process then sees an empty folder or tspack's cache.
    await writeIfMissing(join(cacheRoot, CACHE_MARKER), CACHE_MARKER_TEXT);
    await writeIfMissing(join(cacheRoot, "CACHEDIR.TAG"), CACHEDIR_TAG);
    await writeIfMissing(join(cacheRoot, ".gitignore"), "*\n");
  }
  if (!swept.has(cacheRoot)) {
    swept.add(cacheRoot);
    sweepCacheTemp(tempDirFor(cacheRoot));
  }
}

/** Forgets which roots were swept (after `cleanCache`). */
export function forgetInitializedCache(cacheRoot?: string): void {
  if (cacheRoot === undefined) swept.clear();
  else swept.delete(cacheRoot);
}
