/**
 * The shared remote cache of one run (docs/remote-cache.md): wheels by sha256 for the fetch stage, and the
 * warm path's derived entries under the local memo store (read-through). Nothing happens, and the AWS SDK
 * is not loaded, until a local miss needs the remote: a warm local build with a remote cache configured
 * costs what it costs without one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasEntry } from "@tspack/cache";
import { TspackError } from "@tspack/errors";
import { parsePyproject } from "@tspack/project";
import type { MemoStore, RemoteCache, RemoteCacheMode, RemoteCacheStats, WheelRef } from "@tspack/remote-cache";
import { projectPaths } from "./read-project.js";

/** Library options of the remote cache (the CLI's `--remote-cache*` flags). */
export interface RemoteCacheStageOptions {
  /**
   * The shared remote cache, `s3://BUCKET[/PREFIX]`. Default: `env.TSPACK_REMOTE_CACHE`, else
   * `[tool.tspack] remote-cache`; `false` for none. Endpoint, region and credentials come from the AWS
   * SDK's default chain (docs/remote-cache.md).
   */
  remoteCache?: string | false;
  /** S3 endpoint for MinIO, R2, Ceph… (default `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS S3). */
  remoteCacheEndpoint?: string;
  /** Path-style addressing (default: when the endpoint's host is an IP address or localhost). */
  remoteCachePathStyle?: boolean;
  /** `readwrite` (default) or `read` (uploads nothing; for untrusted pull requests). Env: TSPACK_REMOTE_CACHE_MODE. */
  remoteCacheMode?: RemoteCacheMode;
  /** Failures of the remote cache are errors (TSPACK_REMOTE_CACHE), not warnings. Env: TSPACK_REMOTE_CACHE_REQUIRED=1. */
  remoteCacheRequired?: boolean;
}

/** What the remote cache did in a run, and its uploads. */
export interface RemoteCacheReport {
  /** `s3://BUCKET[/PREFIX]`. */
  url: string;
  mode: RemoteCacheMode;
  /** Counters so far (hits, misses, corrupt objects, uploads, existing objects, failures). */
  stats: RemoteCacheStats;
  /**
   * Waits for the background uploads (the CLI does before it exits). Rejects only with
   * `remoteCacheRequired` (TSPACK_REMOTE_CACHE); otherwise failures were warnings.
   */
  flush(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The remote cache of one run, opened on first use. */
export class RemoteCacheRun {
  private opened: Promise<RemoteCache | undefined> | undefined;
  private remote: RemoteCache | undefined;
  private url: string | undefined | null = null;
  private readonly sharing = new Set<Promise<void>>();

  constructor(
    private readonly options: RemoteCacheStageOptions & { projectDir?: string; lockPath?: string },
    private readonly env: Env,
    private readonly warn: (message: string) => void,
  ) {}

  /** The configured URL (option, env, then `[tool.tspack]`), read once; undefined for none. */
  private resolveUrl(): string | undefined {
    if (this.url !== null) return this.url;
    const o = this.options.remoteCache;
    let url: string | undefined;
    if (o === false) url = undefined;
    else if (typeof o === "string" && o !== "") url = o;
    else if ((this.env.TSPACK_REMOTE_CACHE ?? "") !== "") url = this.env.TSPACK_REMOTE_CACHE;
    else url = this.fromPyproject();
    this.url = url;
    return url;
  }

  private fromPyproject(): string | undefined {
    const { projectDir } = projectPaths(this.options);
    const path = join(projectDir, "pyproject.toml");
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    return parsePyproject(text, path).tspack?.remoteCache;
  }

  /** The opened remote cache, or undefined when none is configured. Throws TSPACK_USAGE for bad settings. */
  open(): Promise<RemoteCache | undefined> {
    this.opened ??= (async () => {
      const url = this.resolveUrl();
      if (url === undefined) return undefined;
      const mode = this.options.remoteCacheMode ?? modeFromEnv(this.env.TSPACK_REMOTE_CACHE_MODE);
      const required = this.options.remoteCacheRequired ?? this.env.TSPACK_REMOTE_CACHE_REQUIRED === "1";
      const { openRemoteCache } = await import("@tspack/remote-cache");
      this.remote = await openRemoteCache({
        url,
        endpoint: this.options.remoteCacheEndpoint,
        pathStyle: this.options.remoteCachePathStyle,
        mode,
        required,
        env: this.env,
        warn: this.warn,
      });
      return this.remote;
    })();
    return this.opened;
  }

  /** The local store with the remote under it: a local miss asks the remote, a put is uploaded too. */
  layer(local: MemoStore): MemoStore {
    return {
      get: async (kind, key) => {
        const hit = await local.get(kind, key);
        if (hit !== undefined) return hit;
        const remote = await this.open();
        const bytes = await remote?.get(kind, key);
        if (bytes === undefined) return undefined;
        await local.put(kind, key, bytes);
        return bytes;
      },
      put: async (kind, key, bytes) => {
        await local.put(kind, key, bytes);
        if (this.resolveUrl() === undefined) return;
        const remote = await this.open();
        remote?.putInBackground(kind, key, bytes);
      },
    };
  }

  /** Fills the local cache from the remote with these wheels (those it lacks); the rest stay for the index. */
  async prefetch(cacheDir: string, wheels: readonly WheelRef[]): Promise<void> {
    if (wheels.length === 0 || this.resolveUrl() === undefined) return;
    const remote = await this.open();
    if (remote === undefined) return;
    const { prefetchWheels } = await import("@tspack/remote-cache");
    await prefetchWheels(remote, cacheDir, wheels);
  }

  /** Uploads, in the background, wheels this run downloaded from the index. */
  share(cacheDir: string, sha256s: readonly string[]): void {
    if (sha256s.length === 0 || this.resolveUrl() === undefined) return;
    const p: Promise<void> = this.open()
      .then(
        (remote) => {
          for (const sha of sha256s) remote?.uploadWheelInBackground(cacheDir, sha);
        },
        () => undefined,
      )
      .finally(() => this.sharing.delete(p));
    this.sharing.add(p);
  }

  /** Waits for every upload; undefined-safe when the remote was never opened. */
  async flush(): Promise<void> {
    await Promise.all([...this.sharing]);
    const remote = await this.opened?.catch(() => undefined);
    if (remote === undefined) return;
    try {
      await remote.flush();
    } finally {
      remote.close();
    }
  }

  /** `{ remoteCache: report }` for a result, or `{}` when the remote cache was not used. */
  result(): { remoteCache?: RemoteCacheReport } {
    const report = this.report();
    return report === undefined ? {} : { remoteCache: report };
  }

  /** The run's report, or undefined when the remote cache was never needed (or none is configured). */
  report(): RemoteCacheReport | undefined {
    const remote = this.remote;
    if (remote === undefined) return undefined;
    return { url: remote.location.url, mode: remote.mode, stats: remote.stats, flush: () => this.flush() };
  }
}

/**
 * Downloads `items` through the remote cache: the wheels the local cache lacks are first read from the
 * bucket (each verified by its sha256), `download` (the index) fetches the rest, and what it downloaded is
 * uploaded in the background. Without a remote cache this is `download()` and nothing else.
 */
export async function throughRemoteCache<R extends { files: ReadonlyArray<{ sha256: string; from: string }> }>(
  remote: RemoteCacheRun,
  cacheDir: string,
  items: ReadonlyArray<{ sha256?: string | undefined; size?: number | undefined }>,
  download: () => Promise<R>,
): Promise<R> {
  const notLocal: WheelRef[] = [];
  for (const { sha256, size } of items) {
    if (sha256 !== undefined && !(await hasEntry(cacheDir, sha256, size))) notLocal.push({ sha256, size });
  }
  await remote.prefetch(cacheDir, notLocal);
  const result = await download();
  remote.share(
    cacheDir,
    result.files.filter((f) => f.from === "network").map((f) => f.sha256),
  );
  return result;
}

function modeFromEnv(value: string | undefined): RemoteCacheMode | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "read" || value === "readwrite") return value;
  throw new TspackError("TSPACK_USAGE", `The value "${value}" of TSPACK_REMOTE_CACHE_MODE is not a remote cache mode`, {
    hint: "Use read or readwrite.",
  });
}
