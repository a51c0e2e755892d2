import { cacheUserPath } from "@tspack/cache";
import { classifyError, redactUrl, TspackError } from "@tspack/errors";
import type { FetchFailure } from "./types.js";

/** Where a failed download came from, for messages. `url` is redacted here. */
interface Subject {
  key: string;
  url: string;
}

function subject(s: Subject): string {
  return `The download of "${s.key}" from "${redactUrl(s.url)}"`;
}

const after = (attempts: number): string => (attempts > 1 ? ` after ${attempts} attempts` : "");

/** TSPACK_INTEGRITY_MISMATCH: the bytes do not hash to the lock's sha256. */
export function integrityMismatchError(s: Subject, expected: string, actual: string): TspackError {
  return new TspackError(
    "TSPACK_INTEGRITY_MISMATCH",
    `${subject(s)} does not match its hash: expected sha256:${expected}, computed sha256:${actual}`,
    {
      hint: "The server sent different bytes than uv.lock records. Check the mirror or proxy; if the file legitimately changed, re-lock with `uv lock --refresh`.",
      details: { key: s.key, url: redactUrl(s.url), expected, actual },
    },
  );
}

/** TSPACK_INTEGRITY_MISMATCH: the body is longer or shorter than the lock's size. */
export function sizeMismatchError(s: Subject, expected: number, actual: number, atLeast: boolean): TspackError {
  return new TspackError(
    "TSPACK_INTEGRITY_MISMATCH",
    `${subject(s)} does not match its size: expected ${expected} bytes, downloaded ${atLeast ? "more than " : ""}${actual} bytes`,
    {
      hint: "The server sent a different file than uv.lock records. Check the mirror or proxy.",
      details: { key: s.key, url: redactUrl(s.url), expectedSize: expected, actualSize: actual },
    },
  );
}

/** TSPACK_HTTP_STATUS: a final error status. */
export function httpStatusError(s: Subject, status: number, reason: string, attempts: number): TspackError {
  const hint =
    status === 401 || status === 403
      ? "Provide credentials in the URL, in ~/.netrc (or NETRC), or with UV_INDEX_<NAME>_USERNAME / UV_INDEX_<NAME>_PASSWORD."
      : status === 404 || status === 410
        ? "The file is gone from the index: re-lock with `uv lock`, or point --index-url / mirrors at an index that has it."
        : "The server kept failing; try again later or use a mirror.";
  return new TspackError("TSPACK_HTTP_STATUS", `${subject(s)} failed${after(attempts)}: ${reason}`, {
    hint,
    details: { key: s.key, url: redactUrl(s.url), status, attempts },
  });
}

/**
 * A failed download or index request after `attempts` tries, classified by @tspack/errors: TSPACK_NETWORK
 * (DNS, refused, reset, timeouts, TLS), TSPACK_IO naming the cache (disk full, read-only, permissions),
 * TSPACK_ABORTED, or TSPACK_INTERNAL for a bug.
 */
export function fetchFailure(
  s: Subject,
  cause: unknown,
  attempts: number,
  cacheRoot: string | undefined,
  signal?: AbortSignal,
): TspackError {
  return classifyError(cause, {
    subject: subject(s),
    url: s.url,
    attempts,
    ...(cacheRoot === undefined ? {} : { paths: [cacheUserPath(cacheRoot)] }),
    ...(signal?.aborted === true ? { aborted: true } : {}),
  });
}

/** TSPACK_OFFLINE: files missing from the cache while offline. */
export function offlineError(missing: readonly Subject[]): TspackError {
  const list = missing.map((m) => `  - ${m.key} (${redactUrl(m.url)})`).join("\n");
  const n = missing.length;
  return new TspackError(
    "TSPACK_OFFLINE",
    `${n} file${n === 1 ? " is" : "s are"} not in the cache and offline mode forbids downloading:\n${list}`,
    {
      hint: "Run once without --offline (TSPACK_OFFLINE) to fill the cache.",
      details: { missing: missing.map((m) => ({ key: m.key, url: redactUrl(m.url) })) },
    },
  );
}

/** TSPACK_HASH_REQUIRED: an item without sha256 while hashes are required. */
export function hashRequiredError(s: Subject, filename: string): TspackError {
  return new TspackError(
    "TSPACK_HASH_REQUIRED",
    `The file "${filename}" of "${s.key}" has no sha256, but hashes are required`,
    {
      hint: "Re-lock with uv (uv.lock records hashes for registry files), or drop --require-hashes.",
      details: { key: s.key, url: redactUrl(s.url) },
    },
  );
}

/**
 * One error for all failures of a run: with a single failure, that failure's code, message and hint;
 * with several, a message listing each (code: the shared code, else the first failure's). Always
 * `details.failures`.
 */
export function aggregateFetchError(errors: readonly { key: string; url: string; error: TspackError }[]): TspackError {
  const failures: FetchFailure[] = errors.map(({ key, url, error }) => ({
    key,
    url: redactUrl(url),
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  }));
  const first = errors[0]!.error;
  if (errors.length === 1) {
    return new TspackError(first.code, first.message, {
      ...(first.hint === undefined ? {} : { hint: first.hint }),
      details: { ...first.details, failures },
      cause: first,
    });
  }
  const hints = [...new Set(errors.flatMap((e) => (e.error.hint === undefined ? [] : [e.error.hint])))];
  const list = errors.map((e) => `  - ${e.error.message.replace(/\n/g, "\n    ")}`).join("\n");
  return new TspackError(first.code, `${errors.length} files could not be fetched:\n${list}`, {
    ...(hints.length === 0 ? {} : { hint: hints.join("\n") }),
    details: { failures },
    cause: new AggregateError(
      errors.map((e) => e.error),
      "fetch failures",
    ),
  });
}
