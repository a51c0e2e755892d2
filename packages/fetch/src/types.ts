import type { HttpOptions } from "./http-client.js";
import type { MirrorRule } from "./rewrite-url.js";

/** One file to fetch. */
export interface FetchItem {
  /** How messages name the file's package, e.g. `"anyio==4.4.0"`. */
  key: string;
  /** Where to download it from (uv.lock `url`). May carry credentials; they are never printed. */
  url: string;
  /** The file name (used in events and to find the file on `indexUrl`). */
  filename: string;
  /** Expected sha256: 64 hex digits, with or without a `sha256:` prefix. Absent: computed and reported. */
  sha256?: string | undefined;
  /** Expected size in bytes (uv.lock `size`). */
  size?: number | undefined;
  /** Project name for `indexUrl` look-ups (default: the filename's first `-` segment). */
  name?: string | undefined;
  /** The index the file belongs to (uv.lock's `source = { registry = URL }`), named in 401/403 hints. */
  index?: string | undefined;
}

/** Options of {@link fetchFiles}. */
export interface FetchOptions extends HttpOptions {
  /** Absolute cache root (see resolveCacheDir in @tspack/cache). */
  cacheDir: string;
  /** Downloads at once (default {@link DEFAULT_CONCURRENCY}; the shell maps TSPACK_CONCURRENCY here). */
  concurrency?: number | undefined;
  /** Never touch the network: fail at once, naming every file missing from the cache (TSPACK_OFFLINE). */
  offline?: boolean | undefined;
  /** Items without sha256 fail with TSPACK_HASH_REQUIRED instead of being downloaded. */
  requireHashes?: boolean | undefined;
  /** Prefix rewrites applied to every URL (longest `from` wins), for private mirrors. */
  mirrors?: readonly MirrorRule[] | undefined;
  /**
   * A PEP 503/691 index to download from instead of the lock's URLs: each missing file is looked up
   * by filename on `<indexUrl>/<name>/`. Mirrors apply to the URLs found there too.
   */
  indexUrl?: string | undefined;
  /** Progress events. Must not throw (exceptions are swallowed). */
  onEvent?: ((event: FetchEvent) => void) | undefined;
}

/** One fetched file. */
export interface FetchedFile {
  item: FetchItem;
  /** Absolute path of the content-addressed cache entry. */
  path: string;
  /** sha256 of the bytes (lowercase hex), computed when the item had none. */
  sha256: string;
  size: number;
  from: "cache" | "network";
}

/** Result of {@link fetchFiles}. `files` follows the order of the input items. */
export interface FetchResult {
  files: FetchedFile[];
  /** HTTP requests sent, including retries, redirects and index look-ups. */
  requests: number;
  /** Body bytes received for files, including failed attempts. */
  bytesDownloaded: number;
}

/** One entry of `details.failures` of the error thrown by {@link fetchFiles}. */
export interface FetchFailure {
  key: string;
  /** Redacted URL. */
  url: string;
  code: string;
  message: string;
  hint?: string | undefined;
}

/**
 * Progress events, in order: one start, any progress/retry/file-done, one done (also when files
 * failed, with `failed` > 0; not on abort or offline).
 */
export type FetchEvent =
  | {
      type: "fetch:start";
      /** Items requested. */
      files: number;
      /** Sum of the known sizes of all items. */
      bytes: number;
      /** Items that must be downloaded, and the sum of their known sizes. */
      toDownload: number;
      bytesToDownload: number;
    }
  | { type: "fetch:progress"; key: string; file: string; bytes: number; total: number | undefined }
  | { type: "fetch:file-done"; key: string; name: string; from: "cache" | "network"; bytes: number; ms: number }
  | { type: "fetch:retry"; key: string; url: string; attempt: number; reason: string; delayMs: number }
  | {
      type: "fetch:done";
      files: number;
      fromCache: number;
      fromNetwork: number;
      failed: number;
      requests: number;
      bytesDownloaded: number;
      ms: number;
    };
