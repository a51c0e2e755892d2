import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeDirs } from "./make-dirs.js";

/** The CACHEDIR.TAG content (https://bford.info/cachedir/): backup tools skip the directory. */
export const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n" +
  "# This file is a cache directory tag created by tspack.\n" +
  "# For information about cache directory tags see https://bford.info/cachedir/\n";

const initialized = new Set<string>();

async function writeIfMissing(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}

/**
 * Creates the cache root with `CACHEDIR.TAG` and a `.gitignore` of `*` (idempotent, safe to race;
 * memoized per process).
 */
export async function initCache(cacheRoot: string): Promise<void> {
  if (initialized.has(cacheRoot)) return;
  await makeDirs(cacheRoot);
  await writeIfMissing(join(cacheRoot, "CACHEDIR.TAG"), CACHEDIR_TAG);
  await writeIfMissing(join(cacheRoot, ".gitignore"), "*\n");
  initialized.add(cacheRoot);
}

/** Forgets memoized {@link initCache} calls (after `cleanCache`). */
export function forgetInitializedCache(cacheRoot?: string): void {
  if (cacheRoot === undefined) initialized.clear();
  else initialized.delete(cacheRoot);
}
