/**
 * Terminal output for the CLI: error rendering, a TTY progress line, small table and size helpers.
 * The library never prints; only this module writes to stdout/stderr, and everything it writes has the
 * credentials of URLs redacted (`https://****@host/...`), except `outVerbatim` (requirements.txt, which
 * keeps them as `uv export` does).
 */
import { classifyError, ERROR_CODES, FILE_SYSTEM_ERRORS, redactSecrets, TspackError } from "@tspack/errors";

export type StreamName = "stdout" | "stderr";

/**
 * The process's stdout and stderr, written so that a failing stream never crashes tspack: a closed pipe
 * (`tspack plan | head -1`) or a full disk (`> /dev/full`) is an `error` event Node would otherwise
 * throw as an uncaught exception with a stack trace. The first failure of each stream is kept and
 * reported to `onFailure`; later writes to that stream are dropped. Streams are touched only when first
 * written (building process.stderr costs a warm `-q` run ~5 ms).
 */
export class StdStreams {
  /** The first write error of each stream. */
  readonly failed: Partial<Record<StreamName, Error & { code?: string }>> = {};
  readonly #onFailure: (name: StreamName, error: Error & { code?: string }) => void;
  readonly #get: (name: StreamName) => NodeJS.WritableStream;
  readonly #watched = new Set<StreamName>();
  #pending = 0;
  #idle: Array<() => void> = [];

  constructor(
    onFailure: (name: StreamName, error: Error & { code?: string }) => void = () => undefined,
    get: (name: StreamName) => NodeJS.WritableStream = (name) => process[name],
  ) {
    this.#onFailure = onFailure;
    this.#get = get;
  }

  #fail(name: StreamName, error: Error & { code?: string }): void {
    if (this.failed[name] !== undefined) return;
    this.failed[name] = error;
    this.#onFailure(name, error);
  }

  /** Writes `text` to the stream (dropped once it failed). */
  write(name: StreamName, text: string): void {
    if (this.failed[name] !== undefined) return;
    const stream = this.#get(name);
    if (!this.#watched.has(name)) {
      this.#watched.add(name);
      stream.on("error", (e: Error) => this.#fail(name, e));
    }
    this.#pending++;
    try {
      stream.write(text, (e?: Error | null) => {
        if (e) this.#fail(name, e);
        this.#settled();
      });
    } catch (e) {
      this.#fail(name, e as Error);
      this.#settled();
    }
  }

  #settled(): void {
    if (--this.#pending > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once every write so far has reached its stream or failed. */
  flush(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** True for the errors of a stream whose reader went away (`| head -1`): the output ends quietly. */
export function isReaderGone(error: { code?: unknown }): boolean {
  return error.code === "EPIPE" || error.code === "ECONNRESET";
}

/** TSPACK_IO for a failed write to stdout other than a closed pipe (`> /dev/full`). */
export function stdoutError(error: Error & { code?: string; syscall?: string }): TspackError {
  const code = error.code ?? "EIO";
  const reason = FILE_SYSTEM_ERRORS[code]?.reason ?? error.message;
  const full = code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG";
  return new TspackError(ERROR_CODES.IO, `Standard output cannot be written: ${reason} (${code})`, {
    hint: full
      ? "The file system standard output is redirected to is full: free space there, or redirect the output to another file system."
      : "Check the file or device standard output is redirected to, or redirect the output elsewhere.",
    details: { path: "<stdout>", errno: code, ...(error.syscall === undefined ? {} : { syscall: error.syscall }) },
    cause: error,
  });
}

export interface Output {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  isTTY: boolean;
  /** stdout, credentials in URLs redacted. */
  out(text: string): void;
  /** stderr, credentials in URLs redacted. */
  err(text: string): void;
  /** stdout as is: only for `tspack export`, whose requirements.txt is `uv export`'s (direct URLs keep their credentials). */
  outVerbatim(text: string): void;
}

export function createOutput(
  opts: { json: boolean; quiet: boolean; verbose: boolean; noProgress?: boolean },
  streams: StdStreams = new StdStreams(),
): Output {
  const { noProgress, ...rest } = opts;
  return {
    ...rest,
    // A getter: touching process.stderr builds its stream (~5 ms of a warm `-q` run), so only when asked.
    // False with --no-progress (UV_NO_PROGRESS): no live line, like uv.
    get isTTY() {
      return !opts.json && !opts.quiet && noProgress !== true && Boolean(process.stderr.isTTY);
    },
    out: (t) => streams.write("stdout", redactSecrets(t)),
    err: (t) => streams.write("stderr", redactSecrets(t)),
    outVerbatim: (t) => streams.write("stdout", t),
  };
}

const useColor = (): boolean => Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
const red = (s: string): string => (useColor() ? `\x1b[1;31m${s}\x1b[0m` : s);
const cyan = (s: string): string => (useColor() ? `\x1b[36m${s}\x1b[0m` : s);
export const yellow = (s: string): string => (useColor() ? `\x1b[33m${s}\x1b[0m` : s);

/**
 * Renders any thrown value for people: code, message, hint. Values that are not TspackErrors are
 * classified first (TSPACK_IO, TSPACK_NETWORK, …; TSPACK_INTERNAL only for bugs). The cause's stack
 * trace only with --verbose.
 */
export function formatError(e: unknown, verbose: boolean): string {
  const error = classifyError(e);
  let text = `${red(`error[${error.code}]`)}: ${error.message}\n`;
  if (error.hint) text += `  ${cyan("hint")}: ${error.hint.replace(/\n/g, "\n        ")}\n`;
  if (verbose && error.cause) text += `  cause: ${String((error.cause as Error)?.stack ?? error.cause)}\n`;
  return text;
}

export function errorToJSON(e: unknown): Record<string, unknown> {
  return classifyError(e).toJSON();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/** Left-aligned text table; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

/** A single live status line on a TTY (stderr); a no-op elsewhere. */
export class ProgressLine {
  private last = 0;
  private shown = false;
  constructor(private readonly output: Output) {}
  update(text: string, force = false): void {
    if (!this.output.isTTY) return;
    const now = Date.now();
    if (!force && now - this.last < 80) return;
    this.last = now;
    const cols = process.stderr.columns ?? 100;
    this.output.err(`\r\x1b[2K${text.slice(0, cols - 1)}`);
    this.shown = true;
  }
  clear(): void {
    if (this.shown) this.output.err("\r\x1b[2K");
    this.shown = false;
  }
}
