import { cacheUserPath } from "@tspack/cache";
import { classifyError, redactUrl, TspackError } from "@tspack/errors";
import { type CredentialSource, type IndexConfig, indexCredentialVars } from "./credentials.js";
import type { AuthUsed } from "./http-client.js";
import type { FetchFailure } from "./types.js";

/** Where a failed download came from, for messages. `url` is redacted here. */
interface Subject {
  key: string;
  url: string;
  /** The index the file belongs to (uv.lock's `source = { registry = ... }`), for hints. */
  index?: string | undefined;
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

const SOURCE_TEXT: Record<CredentialSource, string> = {
  url: "the credentials in the URL",
  "index-env": "", // named with the variables below
  "index-url": "the credentials in its `url`",
  netrc: "the credentials from .netrc (NETRC or ~/.netrc)",
};

const quoted = (url: string): string => `"${redactUrl(url)}"`;

/** The `[[tool.uv.index]]` table to declare for `url` (the lock's index when known, else the URL's folder). */
function suggestedIndexUrl(url: string, index: string | undefined): string {
  if (index !== undefined && /^https?:\/\//i.test(index)) return redactUrl(index);
  try {
    const u = new URL(url);
    return redactUrl(`${u.origin}/simple`);
  } catch {
    return "https://<host>/simple";
  }
}

/**
 * The fix for a 401/403: which variables to set for the index the URL is under (by name), or how to
 * declare the index when the URL is under none, and whether credentials were sent and refused.
 */
export function authHint(status: number, auth: AuthUsed | undefined, s: Subject): string {
  const url = auth?.url ?? s.url;
  const index: IndexConfig | undefined = auth?.index;
  const source = auth?.source;
  const netrc = "or put the host's credentials in ~/.netrc (or the file NETRC names)";
  if (index === undefined) {
    const [u, p] = indexCredentialVars("private");
    const refused = source === undefined ? "" : `The server refused ${SOURCE_TEXT[source]}. `;
    return `${refused}${quoted(url)} is not under any \`[[tool.uv.index]]\` of pyproject.toml: declare the index (name = "private", url = "${suggestedIndexUrl(url, s.index)}") and set ${u} and ${p}, ${netrc}.`;
  }
  const where = `(${quoted(index.url)})`;
  if (index.authenticate === "never") {
    return `The index ${index.name === undefined ? "" : `"${index.name}" `}${where} has authenticate = "never" in pyproject.toml, so tspack sent no credentials: remove that setting to authenticate.`;
  }
  if (index.name === undefined || index.name === "") {
    const [u, p] = indexCredentialVars("private");
    return `The \`[[tool.uv.index]]\` ${where} has no name, so no UV_INDEX_<NAME>_* variables apply: add name = "private" to it and set ${u} and ${p}, ${netrc}.`;
  }
  const [u, p] = indexCredentialVars(index.name);
  const label = `The index "${index.name}" ${where}`;
  if (source === "index-env") {
    return `${label} refused the credentials from ${u} / ${p}${status === 403 ? " (or they lack access to this file)" : ""}: check their values.`;
  }
  if (source !== undefined) {
    return `${label} refused ${SOURCE_TEXT[source]}: fix them, or set ${u} and ${p} (they come before .netrc).`;
  }
  return `${label} needs credentials: set ${u} and ${p}, ${netrc}.`;
}

/** TSPACK_HTTP_STATUS: a final error status. */
export function httpStatusError(
  s: Subject,
  status: number,
  reason: string,
  attempts: number,
  auth?: AuthUsed,
): TspackError {
  const hint =
    status === 401 || status === 403
      ? authHint(status, auth, s)
      : status === 404 || status === 410
        ? "The file is gone from the index: re-lock with `uv lock`, or point --index-url / mirrors at an index that has it."
        : "The server kept failing; try again later or use a mirror.";
  return new TspackError("TSPACK_HTTP_STATUS", `${subject(s)} failed${after(attempts)}: ${reason}`, {
    hint,
    details: {
      key: s.key,
      url: redactUrl(s.url),
      status,
      attempts,
      ...(auth?.index?.name === undefined ? {} : { index: auth.index.name }),
    },
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
