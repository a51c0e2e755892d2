/**
 * Error classification for the public stages: each names the user's paths it serves (the project, the
 * cache, `--out`, `--target`), and anything it throws that is not a TspackError goes through
 * `classifyError` of @tspack/errors with them — so a full disk or a read-only mount is TSPACK_IO naming the
 * user's folder, a DNS failure TSPACK_NETWORK, and only a bug TSPACK_INTERNAL, for the CLI and library
 * users alike.
 */
import { sep } from "node:path";
import { cacheUserPath } from "@tspack/cache";
import { classifyError, type UserPath } from "@tspack/errors";
import { type ProjectOptions, projectPaths } from "./read-project.js";

/** The project folder, and the lockfile when it lives elsewhere (`--lock`). */
export function projectUserPaths(options: ProjectOptions): UserPath[] {
  const { projectDir, lockPath } = projectPaths(options);
  const project: UserPath = { path: projectDir, what: "the project" };
  return lockPath.startsWith(`${projectDir}${sep}`)
    ? [project]
    : [project, { path: lockPath, what: "the lockfile", option: "--lock" }];
}

/** The cache. */
export function cacheUserPaths(cacheDir: string): UserPath[] {
  return [cacheUserPath(cacheDir)];
}

/**
 * Runs a public stage: anything it throws is a TspackError, classified against `paths` (most likely
 * first; the list may grow while the stage runs, e.g. when the build knows its staging folder).
 */
export async function classified<T>(
  paths: readonly UserPath[],
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw classifyError(e, { paths, ...(signal?.aborted === true ? { aborted: true } : {}) });
  }
}
