import { stat } from "node:fs/promises";
import { cachePathFor, cacheUserPath, hasEntry, initCache, isSha256Hex } from "@tspack/cache";
import { classifyError, redactUrl, TspackError } from "@tspack/errors";
import pLimit from "p-limit";
import { downloadAttempt, type Published } from "./download-file.js";
import { aggregateFetchError, fetchFailure, hashRequiredError, httpStatusError, offlineError } from "./fetch-errors.js";
import { abortedError, HttpClient, HttpStatusFailure, RetriesExhausted } from "./http-client.js";
import { rewriteUrl } from "./rewrite-url.js";
import { fetchSimpleIndexWith, normalizeProjectName, type SimpleProjectPage } from "./simple-index.js";
import type { FetchEvent, FetchedFile, FetchItem, FetchOptions, FetchResult } from "./types.js";

/** Default number of parallel downloads (chosen by bench/fetch.bench.mjs; see the package README). */
export const DEFAULT_CONCURRENCY = 16;

/** Downloads of the same content shared inside this process, keyed by cache root + sha256. */
const inflight = new Map<string, Promise<Published>>();

function normalizeSha(item: FetchItem): string | undefined | TspackError {
  if (item.sha256 === undefined || item.sha256 === "") return undefined;
  const hex = item.sha256.replace(/^sha256:/i, "").toLowerCase();
  if (!isSha256Hex(hex)) {
    return new TspackError("TSPACK_LOCK_INVALID", `The hash "${item.sha256}" of "${item.key}" is not a sha256 digest`, {
      hint: "Expected 64 hex digits, optionally prefixed by `sha256:`.",
      details: { key: item.key },
    });
  }
  return hex;
}

/**
 * Fetches every item into the content-addressed cache: cache hits cost one `stat` and no network
 * (undici is not even imported); misses are downloaded in parallel, hashed while streaming, and
 * published by an atomic rename only when sha256 and size match. Transient failures are retried.
 * All failures of the run are reported together as ONE TspackError whose message lists each failure
 * and whose `details.failures` holds them ({@link FetchFailure}).
 * @throws TSPACK_OFFLINE (before any request), TSPACK_ABORTED, or the aggregate error
 *   (TSPACK_INTEGRITY_MISMATCH, TSPACK_HTTP_STATUS, TSPACK_NETWORK, TSPACK_HASH_REQUIRED, …).
 */
export async function fetchFiles(items: readonly FetchItem[], options: FetchOptions): Promise<FetchResult> {
  const started = performance.now();
  const root = options.cacheDir;
  const signal = options.signal;
  const emit = (event: FetchEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A renderer bug must not break downloads.
    }
  };
  if (signal?.aborted === true) throw abortedError(signal);

  const results: Array<FetchedFile | undefined> = new Array(items.length);
  const errors = new Map<number, TspackError>();
  const shas: Array<string | undefined> = items.map((item, i) => {
    const sha = normalizeSha(item);
    if (sha instanceof TspackError) {
      errors.set(i, sha);
      return undefined;
    }
    return sha;
  });

  // Cache look-up: one stat per hashed item.
  await Promise.all(
    items.map(async (item, i) => {
      const sha = shas[i];
      if (sha === undefined || !(await hasEntry(root, sha, item.size))) return;
      results[i] = { item, path: cachePathFor(root, sha), sha256: sha, size: item.size ?? -1, from: "cache" };
    }),
  );
  const missing: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if (results[i] !== undefined || errors.has(i)) continue;
    if (shas[i] === undefined && options.requireHashes === true) {
      errors.set(i, hashRequiredError(items[i]!, items[i]!.filename));
    } else missing.push(i);
  }
  if (options.offline === true && missing.length > 0) throw offlineError(missing.map((i) => items[i]!));
  // Sizes of hits without a lock size are filled in from the file.
  await Promise.all(
    results.map(async (r) => {
      if (r !== undefined && r.size < 0) {
        r.size = (await stat(r.path)).size;
      }
    }),
  );

  const knownBytes = (list: readonly FetchItem[]): number => list.reduce((n, it) => n + (it.size ?? 0), 0);
  emit({
    type: "fetch:start",
    files: items.length,
    bytes: knownBytes(items),
    toDownload: missing.length,
    bytesToDownload: knownBytes(missing.map((i) => items[i]!)),
  });
  for (const r of results) {
    if (r !== undefined)
      emit({ type: "fetch:file-done", key: r.item.key, name: r.item.filename, from: "cache", bytes: r.size, ms: 0 });
  }

  let bytesDownloaded = 0;
  let requests = 0;
  if (missing.length > 0) {
    try {
      await initCache(root);
    } catch (error) {
      throw classifyError(error, { paths: [cacheUserPath(root)] });
    }
    const client = new HttpClient(options);
    const pages = new Map<string, Promise<SimpleProjectPage>>();
    const limit = pLimit(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));

    const sourceUrl = async (item: FetchItem): Promise<string> => {
      if (options.indexUrl === undefined) return rewriteUrl(item.url, options.mirrors);
      const name = normalizeProjectName(item.name ?? item.filename.split("-")[0] ?? item.filename);
      let page = pages.get(name);
      if (page === undefined) {
        page = fetchSimpleIndexWith(
          client,
          rewriteUrl(options.indexUrl, options.mirrors),
          name,
          (attempt, reason, delayMs, url) =>
            emit({ type: "fetch:retry", key: name, url: redactUrl(url), attempt, reason, delayMs }),
        );
        pages.set(name, page);
      }
      const file = (await page).files.find((f) => f.filename === item.filename);
      if (file === undefined) {
        throw new TspackError(
          "TSPACK_HTTP_STATUS",
          `The file "${item.filename}" of "${item.key}" is not listed on the index "${redactUrl(options.indexUrl)}"`,
          { hint: "Check --index-url, or re-lock against that index.", details: { key: item.key } },
        );
      }
      return rewriteUrl(file.url, options.mirrors);
    };

    const download = async (i: number, url: string): Promise<Published> => {
      const item = items[i]!;
      const subject = { key: item.key, url, index: item.index };
      try {
        return await client.withRetries(
          () =>
            downloadAttempt(client, {
              cacheRoot: root,
              key: item.key,
              url,
              sha256: shas[i],
              size: item.size,
              onProgress: (bytes) =>
                emit({ type: "fetch:progress", key: item.key, file: item.filename, bytes, total: item.size }),
              onBytes: (n) => {
                bytesDownloaded += n;
              },
            }),
          (attempt, reason, delayMs) =>
            emit({ type: "fetch:retry", key: item.key, url: redactUrl(url), attempt, reason, delayMs }),
          // A hash or size mismatch is retried once as a fresh download; a persistent one fails.
          (error, n) => n === 1 && error instanceof TspackError && error.code === "TSPACK_INTEGRITY_MISMATCH",
        );
      } catch (error) {
        if (error instanceof TspackError) throw error;
        const attempts = error instanceof RetriesExhausted ? error.attempts : 1;
        const cause = error instanceof RetriesExhausted ? error.cause : error;
        if (cause instanceof TspackError) throw cause;
        if (cause instanceof HttpStatusFailure)
          throw httpStatusError(subject, cause.status, cause.message, attempts, cause.auth);
        // DNS, refused, reset, TLS → TSPACK_NETWORK; a full or read-only cache → TSPACK_IO naming the cache.
        throw fetchFailure(subject, cause, attempts, root, signal);
      }
    };

    const fetchOne = async (i: number): Promise<void> => {
      const item = items[i]!;
      const t0 = performance.now();
      const sha = shas[i];
      try {
        if (signal?.aborted === true) throw abortedError(signal);
        let published: Published | undefined;
        let from: "cache" | "network" = "network";
        const key = sha === undefined ? undefined : `${root}\0${sha}`;
        const shared = key === undefined ? undefined : inflight.get(key);
        if (shared !== undefined) {
          try {
            published = await shared;
            from = "cache";
          } catch {
            published = undefined; // the other download failed or was aborted: try ours
          }
        }
        if (published === undefined) {
          // Registered before any await, so a concurrent item with the same hash joins this download.
          const task = sourceUrl(item).then((url) => download(i, url));
          if (key !== undefined) {
            inflight.set(key, task);
            task.then(
              () => inflight.delete(key),
              () => inflight.delete(key),
            );
          }
          published = await task;
        }
        results[i] = { item, path: published.path, sha256: published.sha256, size: published.size, from };
        emit({
          type: "fetch:file-done",
          key: item.key,
          name: item.filename,
          from,
          bytes: published.size,
          ms: Math.round(performance.now() - t0),
        });
      } catch (error) {
        errors.set(
          i,
          error instanceof TspackError ? error : fetchFailure({ key: item.key, url: item.url }, error, 1, root, signal),
        );
      }
    };

    try {
      await Promise.all(missing.map((i) => limit(() => fetchOne(i))));
    } finally {
      requests = client.requests;
      await client.close();
    }
  }

  // (re-read: the signal may have fired while downloading)
  if ((signal as AbortSignal | undefined)?.aborted === true) throw abortedError(signal);
  const done = results.filter((r): r is FetchedFile => r !== undefined);
  emit({
    type: "fetch:done",
    files: items.length,
    fromCache: done.filter((f) => f.from === "cache").length,
    fromNetwork: done.filter((f) => f.from === "network").length,
    failed: errors.size,
    requests,
    bytesDownloaded,
    ms: Math.round(performance.now() - started),
  });
  if (errors.size > 0) {
    const sorted = [...errors.entries()].sort((a, b) => a[0] - b[0]);
    throw aggregateFetchError(sorted.map(([i, error]) => ({ key: items[i]!.key, url: items[i]!.url, error })));
  }
  return { files: done, requests, bytesDownloaded };
}
