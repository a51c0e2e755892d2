import type { TspackErrorCode } from "./codes.js";
import { redactDeep, redactSecrets } from "./redact.js";

const BRAND = Symbol.for("tspack.error");

/** Options for {@link TspackError}. */
export interface TspackErrorOptions {
  /** A remedy for the user: what to try next. Never part of `message`. */
  hint?: string;
  /** Structured data for machines (`--json`), e.g. `{ path: "package[3].wheels[0].hash" }`. */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error type of tspack. `message` puts the input first, then the reason
 * (`The wheel filename "x.whl" is invalid: missing ABI tag`); `hint` says what to do about it.
 * Credentials in URLs never reach an error: message, hint and details are redacted here
 * (`https://****@host/...`), whatever their author passed.
 */
export class TspackError extends Error {
  readonly code: TspackErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: TspackErrorCode, message: string, options: TspackErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TspackError";
    this.code = code;
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.details = options.details === undefined ? undefined : redactDeep(options.details);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain object for `--json` output. */
  toJSON(): { code: TspackErrorCode; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** True when `e` is a TspackError (optionally with `code`), across duplicate installs of tspack. */
export function isTspackError(e: unknown, code?: TspackErrorCode): e is TspackError {
  if (typeof e !== "object" || e === null || (e as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (e as TspackError).code === code;
}
