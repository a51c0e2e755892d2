import { homedir } from "node:os";
import { resolve } from "node:path";
import { hashFile, resolveCacheDir } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { FetchItem, FetchOptions, IndexConfig, RetryOptions } from "@tspack/fetch";
import { missingWheelsError, type PlannedPackage } from "@tspack/plan";
import type { Dispatcher } from "undici";
import { openCache } from "./guard.js";
import { projectIndexes } from "./indexes.js";
import type { PlanOptions, PlanResult } from "./plan.js";
import { workspaceRootOf } from "./read-project.js";
import {
  type RemoteCacheReport,
  RemoteCacheRun,
  type RemoteCacheStageOptions,
  throughRemoteCache,
} from "./remote-cache.js";
import { cacheUserPaths, classified, projectUserPaths } from "./user-paths.js";
import { envBool, firstEnv, type IndexArg, indexSettings } from "./uv-env.js";
import { memoEnabled, openWarm } from "./warm/index.js";
import { extendLazy } from "./warm/plan-memo.js";

/** Download options (all optional; the cache location follows `resolveCacheDir`). */
export interface FetchStageOptions extends PlanOptions, RemoteCacheStageOptions {
  /** Cache root (relative to the current folder). Default: TSPACK_CACHE_DIR, else $XDG_CACHE_HOME/tspack, else ~/.cache/tspack. */
  cacheDir?: string;
  /**
   * The environment, read as the CLI reads it: cache location, proxies, NETRC, UV_INDEX_* credentials,
   * TSPACK_OFFLINE, TSPACK_CONCURRENCY (and SOURCE_DATE_EPOCH in `build`). Default: `process.env`;
   * pass `{}` to read none of it.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for ~/.netrc and the default cache (default: os.homedir()). */
  homedir?: string;
  /** Default: `env.TSPACK_OFFLINE`, else `env.UV_OFFLINE` (uv's boolean values: 1/0, true/false, …). */
  offline?: boolean;
  /** Parallel downloads. Default: `env.TSPACK_CONCURRENCY`, else `env.UV_CONCURRENT_DOWNLOADS`, else 16. */
  concurrency?: number;
  /**
   * The default index (uv's `--default-index`/`--index-url`): registry files come from it instead of the
   * lock's URLs. Default: `env.UV_DEFAULT_INDEX`, else `env.UV_INDEX_URL`.
   */
  indexUrl?: string;
  /**
   * Indexes searched before the default one for a requirements.txt (uv's `--index`, then
   * `--extra-index-url`); named ones get `UV_INDEX_<NAME>_USERNAME/_PASSWORD`, and every one's
   * credentials apply to URLs under it. Default: `env.UV_INDEX`, then `env.UV_EXTRA_INDEX_URL`.
   */
  indexes?: readonly IndexArg[];
  /** Folders of wheels or HTML pages of links (uv's `--find-links`). Default: `env.UV_FIND_LINKS`. */
  findLinks?: readonly string[];
  /** Search no index, only `findLinks` (uv's `--no-index`). */
  noIndex?: boolean;
  mirrors?: ReadonlyArray<{ from: string; to: string }>;
  requireHashes?: boolean;
  /** undici dispatcher (tests, custom TLS, proxies). */
  dispatcher?: Dispatcher;
  /**
   * Retries of failed requests (DNS, connection and timeout errors, 5xx/408/429): default 3 retries with
   * backoff from 1 s (the CLI reads `UV_HTTP_RETRIES`).
   */
  retry?: RetryOptions;
  signal?: AbortSignal;
  /** A plan already made (skips planning). */
  planned?: PlanResult;
  /**
   * Use and fill the warm-path memo in the cache (plans; in `build` also install plans, zip recipes,
   * compressed bytes and checked-wheel markers; in `install` the unpacked wheels). Default:
   * `env.TSPACK_MEMO !== "0"`. Off, the cache gains only downloaded wheels, and the result is the same
   * (slower).
   */
  memo?: boolean;
  /** @internal The run's remote cache, when a caller (build) already opened it. */
  remoteRun?: RemoteCacheRun;
}

/** One wheel on local disk, ready to install or zip. */
export interface LocalWheel {
  name: string;
  version: string;
  filename: string;
  /** Absolute path (a cache entry, or a local file named by the lock). */
  path: string;
  sha256: string;
  size: number;
  from: "cache" | "network" | "local";
}

export interface FetchStageResult extends PlanResult {
  cacheDir: string;
  wheels: LocalWheel[];
  /** Local source trees (editable/directory/path members) that the build stage builds natively. */
  localSources: PlannedPackage[];
  requests: number;
  bytesDownloaded: number;
  /**
   * The remote cache's report when it was used (`remoteCache`): its counters, and `flush()` to wait for
   * the uploads still running in the background.
   */
  remoteCache?: RemoteCacheReport;
}

/** The environment a stage reads: `options.env`, else `process.env` (what the CLI reads). */
export function envOf(options: {
  env?: Readonly<Record<string, string | undefined>>;
}): Readonly<Record<string, string | undefined>> {
  return options.env ?? process.env;
}

/**
 * TSPACK_CONCURRENCY, else uv's UV_CONCURRENT_DOWNLOADS, as the CLI reads them: a whole number from 1 to
 * 1024, else TSPACK_USAGE.
 */
function concurrencyFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const found = firstEnv(env, "TSPACK_CONCURRENCY", "UV_CONCURRENT_DOWNLOADS");
  if (found === undefined) return undefined;
  const n = Number(found.value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The value "${found.value}" of ${found.name} is not a whole number between 1 and 1024`,
    );
  }
  return n;
}

/**
 * The indexes of `options`, each falling back to its uv variable: the one reading of the index settings
 * (the lock path, requirements.txt and `export --emit-index-url` all use it).
 */
export function indexesOf(options: FetchStageOptions): {
  defaultIndex: string | undefined;
  indexes: IndexArg[];
  findLinks: string[];
  noIndex: boolean;
} {
  const settings = indexSettings(
    {
      ...(options.indexUrl === undefined ? {} : { defaultIndex: options.indexUrl }),
      ...(options.indexes === undefined
        ? {}
        : { index: options.indexes.map((i) => (i.name ? `${i.name}=${i.url}` : i.url)) }),
      ...(options.findLinks === undefined ? {} : { findLinks: [...options.findLinks] }),
      noIndex: options.noIndex === true,
    },
    envOf(options),
  );
  return {
    defaultIndex: settings.defaultIndex,
    indexes: settings.indexes,
    findLinks: settings.findLinks,
    noIndex: settings.noIndex,
  };
}

/**
 * The @tspack/fetch options for a stage's options (shared by the lock and requirements.txt paths);
 * `indexes` are the project's `[[tool.uv.index]]` tables, for credentials.
 */
export function fetchFilesOptions(
  options: FetchStageOptions,
  cacheDir: string,
  indexes: readonly IndexConfig[] = [],
): FetchOptions {
  const env = envOf(options);
  const fromArgs = indexesOf(options);
  return {
    cacheDir,
    env,
    // The command line's indexes first (their credentials win for URLs under them), then the project's.
    indexes: [...fromArgs.indexes, ...(fromArgs.defaultIndex ? [{ url: fromArgs.defaultIndex }] : []), ...indexes],
    homedir: options.homedir ?? homedir(),
    offline: options.offline ?? envBool(env, "TSPACK_OFFLINE", "UV_OFFLINE") ?? false,
    concurrency: options.concurrency ?? concurrencyFromEnv(env),
    indexUrl: fromArgs.defaultIndex,
    mirrors: options.mirrors,
    requireHashes: options.requireHashes,
    dispatcher: options.dispatcher,
    retry: options.retry,
    signal: options.signal,
    onEvent: (e) => options.onEvent?.(e),
  };
}

/** Resolves the cache directory the way the CLI does (a relative `cacheDir` against the current folder). */
export function cacheDirFor(options: {
  cacheDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  homedir?: string;
}): string {
  return resolveCacheDir({
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    env: envOf(options),
    homedir: options.homedir ?? homedir(),
  });
}

function sha256Of(hash: string | undefined): string | undefined {
  if (hash === undefined) return undefined;
  return hash.startsWith("sha256:") ? hash.slice(7) : undefined;
}

/**
 * Plans (unless given a plan) and makes every chosen wheel available on local disk: cache hits cost
 * one `stat` each and load no network code; misses are downloaded in parallel and verified against the
 * lock's sha256 before they enter the cache.
 * @throws TSPACK_NO_COMPATIBLE_WHEEL (all misses at once), TSPACK_OFFLINE, TSPACK_INTEGRITY_MISMATCH,
 *   TSPACK_HTTP_STATUS, TSPACK_NETWORK (all failures of the run in one error)
 */
export async function fetchWheels(options: FetchStageOptions = {}): Promise<FetchStageResult> {
  const cacheDir = cacheDirFor(options);
  return classified([...cacheUserPaths(cacheDir), ...projectUserPaths(options)], options.signal, () =>
    fetchStage(options, cacheDir),
  );
}

async function fetchStage(options: FetchStageOptions, cacheDir: string): Promise<FetchStageResult> {
  await openCache(cacheDir);
  const remoteCache = options.remoteRun ?? remoteCacheRun(options);
  const planned =
    options.planned ?? (await openWarm(cacheDir, memoEnabled(options.memo, envOf(options)), remoteCache).plan(options));
  const missing = missingWheelsError(planned.plan);
  if (missing) throw missing;
  const workspaceRoot = workspaceRootOf(planned.project);

  const remote: Array<{ pkg: PlannedPackage; item: FetchItem }> = [];
  const local: Array<{ pkg: PlannedPackage; path: string }> = [];
  const localSources: PlannedPackage[] = [];
  for (const pkg of planned.plan.packages) {
    if (pkg.source.kind === "virtual") continue;
    if (!pkg.wheel) {
      if (pkg.local) localSources.push(pkg);
      continue;
    }
    const w = pkg.wheel;
    if (w.url !== undefined) {
      remote.push({
        pkg,
        item: {
          key: `${pkg.name}==${pkg.version}`,
          url: w.url,
          filename: w.filename,
          sha256: sha256Of(w.hash),
          size: w.size,
          name: pkg.name,
          ...(pkg.source.kind === "registry" && pkg.source.local !== true ? { index: pkg.source.url } : {}),
        },
      });
    } else {
      // The plan's `path` is already workspace-relative (a local registry's folder joined with the file).
      const rel = w.path ?? (pkg.source.kind === "path" ? pkg.source.path : w.filename);
      local.push({ pkg, path: resolve(workspaceRoot, rel) });
    }
  }

  const wheels: LocalWheel[] = [];
  let requests = 0;
  let bytesDownloaded = 0;
  if (remote.length > 0) {
    const { fetchFiles } = await import("@tspack/fetch");
    const items = remote.map((r) => r.item);
    const result = await throughRemoteCache(remoteCache, cacheDir, items, () =>
      fetchFiles(items, fetchFilesOptions(options, cacheDir, projectIndexes(planned.project))),
    );
    requests = result.requests;
    bytesDownloaded = result.bytesDownloaded;
    result.files.forEach((f, i) => {
      const pkg = remote[i]!.pkg;
      wheels.push({
        name: pkg.name,
        version: pkg.version ?? "",
        filename: f.item.filename,
        path: f.path,
        sha256: f.sha256,
        size: f.size,
        from: f.from,
      });
    });
  }
  for (const { pkg, path } of local) {
    let digest: { sha256: string; size: number };
    try {
      digest = await hashFile(path);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
      throw new TspackError(
        ERROR_CODES.FILE_NOT_FOUND,
        `The wheel "${path}" of "${pkg.name}" ${missing ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
        { hint: "The lock names a local file: build it again or re-lock", cause: e },
      );
    }
    const expected = sha256Of(pkg.wheel?.hash);
    if (expected !== undefined && expected !== digest.sha256) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The local wheel "${path}" of "${pkg.name}" does not match the lock`,
        {
          hint: `Expected sha256:${expected}, computed sha256:${digest.sha256}. Rebuild the file or run \`uv lock\`.`,
        },
      );
    }
    if (expected === undefined && options.requireHashes) {
      throw new TspackError(
        ERROR_CODES.HASH_REQUIRED,
        `The local wheel "${path}" of "${pkg.name}" has no hash in the lock`,
        {
          hint: "Drop --require-hashes, or re-lock so the file has a hash",
        },
      );
    }
    wheels.push({
      name: pkg.name,
      version: pkg.version ?? "",
      filename: pkg.wheel!.filename,
      path,
      sha256: digest.sha256,
      size: digest.size,
      from: "local",
    });
  }
  wheels.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
  const report = options.remoteRun === undefined ? remoteCache.report() : undefined;
  return extendLazy(planned, {
    cacheDir,
    wheels,
    localSources,
    requests,
    bytesDownloaded,
    ...(report === undefined ? {} : { remoteCache: report }),
  });
}

/** The remote cache of a stage run on its own (`fetchWheels`, `install`): warnings go to `onEvent`. */
export function remoteCacheRun(options: FetchStageOptions): RemoteCacheRun {
  return new RemoteCacheRun(options, envOf(options), (message) => options.onEvent?.({ type: "warning", message }));
}
