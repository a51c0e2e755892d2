import { rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { makeDirs } from "./make-dirs.js";

/**
 * Publishes a fully written and verified temp file at `finalPath` by an atomic rename (readers see
 * the old entry or the new one, never a partial file). Content-addressed, so replacing an existing
 * entry with the same bytes is harmless.
 */
export async function publishFile(tmpPath: string, finalPath: string): Promise<void> {
  await makeDirs(dirname(finalPath));
  await rename(tmpPath, finalPath);
}

/** How {@link publishDirectory} ended. */
export type PublishDirectoryOutcome = "published" | "existing";

/**
 * Publishes a fully written temp directory at `finalDir` by an atomic rename. If another writer
 * won the race (`finalDir` already exists and is not empty), removes `tmpDir` and returns
 * `"existing"`: the winner's directory is used.
 */
export async function publishDirectory(tmpDir: string, finalDir: string): Promise<PublishDirectoryOutcome> {
  await makeDirs(dirname(finalDir));
  try {
    await rename(tmpDir, finalDir);
    return "published";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
    await rm(tmpDir, { recursive: true, force: true });
    return "existing";
  }
}
