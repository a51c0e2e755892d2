import { isTransientNetworkError } from "@tspack/errors";

/** Retry settings shared by file and index downloads. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3, like uv's UV_HTTP_RETRIES). */
  retries?: number;
  /** First backoff delay in ms (default 1000); doubles per retry. */
  minDelayMs?: number;
  /** Upper bound for one delay, including a server's Retry-After (default 30000). */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter (default Math.random; inject for tests). */
  random?: () => number;
}

/** Retry settings with defaults applied. */
export interface ResolvedRetryOptions {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/** Applies the defaults of {@link RetryOptions}. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    retries: Math.max(0, options.retries ?? 3),
    minDelayMs: Math.max(0, options.minDelayMs ?? 1000),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
    random: options.random ?? Math.random,
  };
}

/** HTTP statuses worth retrying: every 5xx, 408 Request Timeout and 429 Too Many Requests. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Parses a Retry-After header (delay-seconds or HTTP-date) into milliseconds from `now`;
 * undefined when absent or invalid.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Delay before retry number `attempt` (1-based): exponential backoff `minDelayMs * 2^(attempt-1)`
 * with jitter in [50 %, 100 %], or the server's Retry-After when given; both capped at `maxDelayMs`.
 */
export function retryDelayMs(attempt: number, options: ResolvedRetryOptions, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(options.maxDelayMs, retryAfterMs);
  const base = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + 0.5 * options.random()));
}

/**
 * True for transient transport errors (DNS, connection refused/reset, timeouts, truncated bodies), by
 * the one network-error table of @tspack/errors. TLS certificate errors and programming errors are not
 * retried.
 */
export function isRetryableError(error: unknown): boolean {
  return isTransientNetworkError(error);
}
