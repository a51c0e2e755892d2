import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { initCache } from "./init-cache.js";
import { TMP_DIR_MODE, tempDirFor } from "./layout.js";
import { makeDirs } from "./make-dirs.js";

const madeTempDirs = new Set<string>();

/**
 * A fresh, unique path in `<root>/tmp/`: `<pid>-<16 hex><suffix>` (the pid lets a later run remove it once
 * this process is gone; random bits so processes never collide). The first call per root opens the cache
 * (`initCache`: the ownership guard) and creates the temp directory (mode 0700); the caller creates the file
 * (use flag `wx`) or directory at the path.
 */
export async function createTempPath(cacheRoot: string, suffix = ".part"): Promise<string> {
  const dir = tempDirFor(cacheRoot);
  if (!madeTempDirs.has(dir)) {
    await initCache(cacheRoot);
    await makeDirs(dir, TMP_DIR_MODE);
    madeTempDirs.add(dir);
  }
  return join(dir, `${process.pid}-${randomBytes(8).toString("hex")}${suffix}`);
}

/** Forgets that temp directories were created (they may have been deleted by `cleanCache`). */
export function forgetTempDirs(): void {
  madeTempDirs.clear();
}
