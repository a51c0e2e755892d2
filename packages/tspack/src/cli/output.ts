/**
 * Terminal output for the CLI: error rendering, a TTY progress line, small table and size helpers.
 * The library never prints; only this module writes to stdout/stderr.
 */
import { isTspackError } from "@tspack/errors";

export interface Output {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  isTTY: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function createOutput(opts: { json: boolean; quiet: boolean; verbose: boolean }): Output {
  return {
    ...opts,
    // A getter: touching process.stderr builds its stream (~5 ms of a warm `-q` run), so only when asked.
    get isTTY() {
      return !opts.json && !opts.quiet && Boolean(process.stderr.isTTY);
    },
    out: (t) => {
      process.stdout.write(t);
    },
    err: (t) => {
      process.stderr.write(t);
    },
  };
}

const useColor = (): boolean => Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
const red = (s: string): string => (useColor() ? `\x1b[1;31m${s}\x1b[0m` : s);
const cyan = (s: string): string => (useColor() ? `\x1b[36m${s}\x1b[0m` : s);
export const yellow = (s: string): string => (useColor() ? `\x1b[33m${s}\x1b[0m` : s);

/** Renders any thrown value for people: code, message, hint. Stack traces only for bugs (or --verbose). */
export function formatError(e: unknown, verbose: boolean): string {
  if (isTspackError(e)) {
    let text = `${red(`error[${e.code}]`)}: ${e.message}\n`;
    if (e.hint) text += `  ${cyan("hint")}: ${e.hint.replace(/\n/g, "\n        ")}\n`;
    if (verbose && e.cause) text += `  cause: ${String((e.cause as Error)?.stack ?? e.cause)}\n`;
    return text;
  }
  const err = e as Error;
  return `${red("error[TSPACK_INTERNAL]")}: ${err?.message ?? String(e)}\n  ${cyan("hint")}: this is a bug in tspack; please report it with the command you ran.\n${verbose ? `${err?.stack ?? ""}\n` : ""}`;
}

export function errorToJSON(e: unknown): Record<string, unknown> {
  if (isTspackError(e)) return e.toJSON();
  return { code: "TSPACK_INTERNAL", message: (e as Error)?.message ?? String(e) };
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
    process.stderr.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
    this.shown = true;
  }
  clear(): void {
    if (this.shown) process.stderr.write("\r\x1b[2K");
    this.shown = false;
  }
}
