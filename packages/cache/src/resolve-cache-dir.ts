import { isAbsolute, join, resolve } from "node:path";

/** Inputs of {@link resolveCacheDir}; the shell passes `process.env` and `os.homedir()`. */
export interface ResolveCacheDirOptions {
  /** `--cache-dir` from the command line (wins over everything). */
  cacheDir?: string | undefined;
  /** Environment: `TSPACK_CACHE_DIR`, `UV_CACHE_DIR`, `XDG_CACHE_HOME` are read from it. */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory. */
  homedir: string;
  /** Base for relative paths (default: `process.cwd()`). */
  cwd?: string;
}

/**
 * The cache root: `--cache-dir`, else `TSPACK_CACHE_DIR`, else `$UV_CACHE_DIR/tspack` (a folder of its
 * own inside uv's cache, so a CI cache of UV_CACHE_DIR keeps tspack's files and neither tool touches the
 * other's), else `$XDG_CACHE_HOME/tspack`, else `~/.cache/tspack`. Always absolute. Serves `tspack cache dir`.
 */
export function resolveCacheDir(options: ResolveCacheDirOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);
  const explicit = nonEmpty(options.cacheDir) ?? nonEmpty(options.env.TSPACK_CACHE_DIR);
  if (explicit !== undefined) return resolve(cwd, explicit);
  const uv = nonEmpty(options.env.UV_CACHE_DIR);
  if (uv !== undefined) return join(resolve(cwd, uv), "tspack");
  const xdg = nonEmpty(options.env.XDG_CACHE_HOME);
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "tspack");
  return join(resolve(cwd, options.homedir), ".cache", "tspack");
}
