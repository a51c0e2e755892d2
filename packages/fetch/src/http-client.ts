import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TspackError } from "@tspack/errors";
import type { Dispatcher } from "undici";
import {
  basicAuthorization,
  type CredentialSource,
  findIndex,
  type IndexConfig,
  type ResolvedCredentials,
  resolveCredentials,
  stripUserinfo,
} from "./credentials.js";
import { type NetrcEntry, parseNetrc } from "./netrc.js";
import {
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  retryDelayMs,
} from "./retry-policy.js";

/** Network options shared by {@link fetchFiles} and {@link fetchSimpleIndex}. */
export interface HttpOptions {
  /** undici dispatcher to use (tests, custom TLS). Default: a keep-alive Agent, or an EnvHttpProxyAgent when `env` sets a proxy. */
  dispatcher?: Dispatcher | undefined;
  /** Environment passed by the shell (the library never reads process.env): proxies, NETRC, UV_INDEX_* credentials. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Package indexes (`[[tool.uv.index]]`): requests under an index's URL get its credentials
   * (`UV_INDEX_<NAME>_USERNAME`/`_PASSWORD`, else the index URL's userinfo). See credentials.ts.
   */
  indexes?: readonly IndexConfig[] | undefined;
  /** Home directory, for `~/.netrc` (not read when undefined and NETRC is unset). */
  homedir?: string | undefined;
  /** Read timeout in ms: headers and each body gap (default 30000, uv's UV_HTTP_TIMEOUT). */
  timeoutMs?: number | undefined;
  /** Retry settings (default 3 retries, 1 s → 30 s backoff). */
  retry?: RetryOptions | undefined;
  /** Aborts every request. */
  signal?: AbortSignal | undefined;
}

/**
 * Reason phrases of the statuses an index answers with (node:http's STATUS_CODES without loading
 * node:http, which costs a warm run ~5 ms and is otherwise unused: undici does the HTTP).
 */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  416: "Range Not Satisfiable",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Which credentials a request carried (the source, never the values) and the index its URL is under. */
export interface AuthUsed {
  /** The final URL after redirects (may carry credentials: redact before printing). */
  url: string;
  source: CredentialSource | undefined;
  index: IndexConfig | undefined;
}

/** A response whose status was not 2xx (after redirects). Internal. */
export class HttpStatusFailure extends Error {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  readonly auth: AuthUsed | undefined;
  constructor(status: number, retryAfterMs: number | undefined, auth?: AuthUsed) {
    super(`HTTP ${status} ${STATUS_TEXT[status] ?? ""}`.trimEnd());
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.auth = auth;
  }
}

/** Thrown by {@link HttpClient.withRetries} when the last attempt failed. Internal. */
export class RetriesExhausted extends Error {
  readonly attempts: number;
  constructor(cause: unknown, attempts: number) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.attempts = attempts;
  }
}

/** The response of {@link HttpClient.get}. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /** The final URL after redirects (may carry credentials: redact before printing). */
  url: string;
  /** The credentials the final request carried, and its index. */
  auth: AuthUsed;
}

const PROXY_KEYS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** One header value as a string. */
export function headerValue(headers: HttpResponse["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when the error (or its cause chain) comes from aborting `signal`. */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted === true) return true;
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

/** The TSPACK_ABORTED error. */
export function abortedError(signal: AbortSignal | undefined): TspackError {
  return new TspackError("TSPACK_ABORTED", "The download was aborted", { cause: signal?.reason });
}

/**
 * The HTTP layer: lazy undici import, credentials (userinfo → index → .netrc, see credentials.ts),
 * redirects (each hop gets the credentials of its own URL: userinfo never leaves its origin, index
 * credentials never leave the index), request counting, retries with backoff. Internal.
 */
export class HttpClient {
  /** HTTP requests sent (every attempt and redirect hop). */
  requests = 0;
  readonly retry: ResolvedRetryOptions;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  private readonly options: HttpOptions;
  private dispatcherPromise: Promise<Dispatcher> | undefined;
  private ownDispatcher: Dispatcher | undefined;
  private netrc: Promise<NetrcEntry[]> | undefined;

  constructor(options: HttpOptions) {
    this.options = options;
    this.retry = resolveRetryOptions(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.signal = options.signal;
    // Every in-flight request listens to the caller's signal: more than 10 at once is expected, not a leak
    // (without this, Node prints MaxListenersExceededWarning on builds with many downloads).
    if (options.signal) setMaxListeners(0, options.signal);
  }

  /** The dispatcher; imports undici only on the first call when none was injected. */
  dispatcher(): Promise<Dispatcher> {
    this.dispatcherPromise ??= this.createDispatcher();
    return this.dispatcherPromise;
  }

  private async createDispatcher(): Promise<Dispatcher> {
    if (this.options.dispatcher !== undefined) return this.options.dispatcher;
    const env = this.options.env ?? {};
    const undici = await import("undici");
    const useProxy = PROXY_KEYS.some((k) => (env[k] ?? "") !== "");
    const agentOptions = { keepAliveTimeout: 4_000, connectTimeout: Math.min(10_000, this.timeoutMs) };
    const proxyEnv = (upper: string): string | undefined => {
      const v = env[upper] ?? env[upper.toLowerCase()];
      return v === "" ? undefined : v;
    };
    const dispatcher = useProxy
      ? new undici.EnvHttpProxyAgent({
          ...agentOptions,
          ...optional("httpProxy", proxyEnv("HTTP_PROXY")),
          ...optional("httpsProxy", proxyEnv("HTTPS_PROXY")),
          ...optional("noProxy", proxyEnv("NO_PROXY")),
        })
      : new undici.Agent(agentOptions);
    this.ownDispatcher = dispatcher;
    return dispatcher;
  }

  private netrcEntries(): Promise<NetrcEntry[]> {
    this.netrc ??= (async () => {
      const env = this.options.env ?? {};
      const path =
        (env.NETRC ?? "") !== ""
          ? env.NETRC!
          : this.options.homedir === undefined
            ? undefined
            : join(this.options.homedir, ".netrc");
      if (path === undefined) return [];
      try {
        return parseNetrc(await readFile(path, "utf8"));
      } catch {
        return [];
      }
    })();
    return this.netrc;
  }

  /** Credentials for `url` from its userinfo, its index (env vars or index URL), or .netrc. */
  async credentialsFor(url: URL): Promise<ResolvedCredentials | undefined> {
    return resolveCredentials(url, {
      env: this.options.env ?? {},
      indexes: this.options.indexes ?? [],
      netrc: await this.netrcEntries(),
    });
  }

  /**
   * GET `url`, following up to 10 redirects. Credentials from the original URL's userinfo are
   * only sent to its own origin; index credentials only to URLs under the index. The caller must
   * consume or dump the body.
   */
  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const dispatcher = await this.dispatcher();
    let current = new URL(url);
    const origin = current.origin;
    let userinfo = { username: current.username, password: current.password };
    for (let hop = 0; ; hop++) {
      if (current.origin !== origin) userinfo = { username: "", password: "" };
      const withUserinfo = new URL(current.href);
      if (current.username === "" && userinfo.username !== "") {
        withUserinfo.username = userinfo.username;
        withUserinfo.password = userinfo.password;
      }
      const credentials = await this.credentialsFor(withUserinfo);
      const auth: AuthUsed = {
        url: withUserinfo.href,
        source: credentials?.source,
        index: credentials?.index ?? findIndex(current, this.options.indexes ?? []),
      };
      const requestHeaders: Record<string, string> = { "user-agent": "tspack", ...headers };
      if (credentials !== undefined) requestHeaders.authorization = basicAuthorization(credentials);
      const clean = new URL(stripUserinfo(current.href));
      this.requests++;
      const res = await dispatcher.request({
        origin: clean.origin,
        path: `${clean.pathname}${clean.search}`,
        method: "GET",
        headers: requestHeaders,
        signal: this.signal ?? null,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const location = headerValue(res.headers, "location");
      if (REDIRECTS.has(res.statusCode) && location !== undefined) {
        await res.body.dump();
        if (hop >= MAX_REDIRECTS) throw new HttpStatusFailure(res.statusCode, undefined, auth);
        current = new URL(location, current);
        continue;
      }
      return { statusCode: res.statusCode, headers: res.headers, body: res.body, url: current.href, auth };
    }
  }

  /**
   * Runs `attempt` until it succeeds, retrying transient failures (connection errors, timeouts,
   * truncated bodies, 5xx/408/429, and `extraRetryable` errors) with backoff. Throws
   * TSPACK_ABORTED on abort, the error itself when it is not retryable, else {@link RetriesExhausted}.
   */
  async withRetries<T>(
    attempt: (n: number) => Promise<T>,
    onRetry: (attempt: number, reason: string, delayMs: number) => void,
    extraRetryable: (error: unknown, n: number) => boolean = () => false,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      if (this.signal?.aborted === true) throw abortedError(this.signal);
      try {
        return await attempt(n);
      } catch (error) {
        if (isAbort(error, this.signal)) throw abortedError(this.signal);
        const status = error instanceof HttpStatusFailure ? error : undefined;
        const retryable =
          status !== undefined ? isRetryableStatus(status.status) : isRetryableError(error) || extraRetryable(error, n);
        if (!retryable) throw error;
        if (n > this.retry.retries) throw new RetriesExhausted(error, n);
        const delayMs = retryDelayMs(n, this.retry, status?.retryAfterMs);
        onRetry(n, describeError(error), delayMs);
        try {
          await sleep(delayMs, undefined, this.signal === undefined ? {} : { signal: this.signal });
        } catch {
          throw abortedError(this.signal);
        }
      }
    }
  }

  /** Closes the dispatcher this client created (never an injected one). */
  async close(): Promise<void> {
    const own = this.ownDispatcher;
    this.ownDispatcher = undefined;
    if (own !== undefined) await own.close().catch(() => undefined);
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** A one-line reason for messages and events, e.g. `HTTP 503 Service Unavailable` or `socket hang up (ECONNRESET)`. */
export function describeError(error: unknown): string {
  if (error instanceof HttpStatusFailure) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Retry-After of a response in ms (undefined when absent). */
export function retryAfterOf(res: HttpResponse): number | undefined {
  return parseRetryAfter(headerValue(res.headers, "retry-after"), Date.now());
}
