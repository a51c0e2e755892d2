/**
 * The tspack side of the ownership guard (@tspack/cache ownership.ts): which folders a command's
 * destination must not be or hold, and opening the cache. build, install, export and the cache commands
 * all go through these and the guard's checks; nothing here deletes anything.
 */
import { dirname } from "node:path";
import { initCache, type ProtectedFolder } from "@tspack/cache";
import { isTspackError } from "@tspack/errors";
import { type ProjectOptions, projectPaths } from "./read-project.js";

/**
 * Opens the cache for writing through the ownership guard: a folder that is not tspack's cache is refused
 * (TSPACK_NOT_OWNED) before anything is written into it. A cache that cannot be created or written is left to
 * the writes that need it: memoized results are then skipped, as before, and a warm build still works.
 */
export async function openCache(cacheDir: string): Promise<void> {
  try {
    await initCache(cacheDir);
  } catch (e) {
    if (isTspackError(e)) throw e;
  }
}

/** The project folder and the workspace root (the lock's folder): what a destination must not be or hold. */
export function projectFolders(options: ProjectOptions): ProtectedFolder[] {
  const { projectDir, lockPath } = projectPaths(options);
  return [
    { path: projectDir, what: "the project" },
    { path: dirname(lockPath), what: "the workspace" },
  ];
}
