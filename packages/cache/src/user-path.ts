import type { UserPath } from "@tspack/errors";

/**
 * The cache as the user knows it, for `classifyError`: a file-system error on any file inside it (temp
 * files, entries) names the cache root, and the hint says how to choose another one.
 */
export function cacheUserPath(cacheRoot: string): UserPath {
  return { path: cacheRoot, what: "the cache", option: "--cache-dir (or TSPACK_CACHE_DIR)" };
}
