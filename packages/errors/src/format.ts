/**
 * Formatters shared by every parser so syntax errors look the same everywhere. Quoted source is
 * redacted (URL userinfo → `****`), with the caret moved to match.
 */
import { redactLine } from "./redact.js";

/** `source` with a caret under `column` (0-based), for one-line inputs such as markers. */
export function formatCaret(source: string, column: number, width = 1): string {
  const red = redactLine(source, column + 1);
  const col = Math.max(0, Math.min(red.column - 1, red.line.length));
  return `${red.line}\n${" ".repeat(col)}${"^".repeat(Math.max(1, width))}`;
}

/**
 * A multi-line source excerpt: the offending line prefixed by its 1-based line number and a caret
 * under the 1-based `column`.
 */
export function formatSourceExcerpt(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/);
  const red = redactLine(lines[line - 1] ?? "", column);
  let src = red.line;
  let col = Math.max(0, red.column - 1);
  // A long line (a minified file, a marker of thousands of terms) is cut to a window around the column.
  if (src.length > EXCERPT_WIDTH) {
    const start = Math.max(0, Math.min(col - EXCERPT_WIDTH / 2, src.length - EXCERPT_WIDTH));
    const head = start > 0 ? "…" : "";
    const tail = start + EXCERPT_WIDTH < src.length ? "…" : "";
    src = `${head}${src.slice(start, start + EXCERPT_WIDTH)}${tail}`;
    col = col - start + head.length;
  }
  const gutter = `${line} | `;
  return `${gutter}${src}\n${" ".repeat(gutter.length + col)}^`;
}

/** The most characters of a source line an excerpt shows. */
const EXCERPT_WIDTH = 160;

/** A dotted path such as `package[12].wheels[3].hash` from path segments. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? s : `.${s}`;
  }
  return out;
}
