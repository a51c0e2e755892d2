import { markerSyntaxError, type SyntaxSubject } from "./syntax-error.js";

const STICKY = new WeakMap<RegExp, RegExp>();

/** A cursor over one source string; all positions are offsets into `source` (used for carets). */
export class Scanner {
  pos: number;
  /** Open parentheses around the cursor (the marker parser's nesting limit). */
  depth = 0;

  constructor(
    readonly source: string,
    readonly subject: SyntaxSubject,
    pos = 0,
  ) {
    this.pos = pos;
  }

  /** Skips whitespace. */
  ws(): void {
    while (this.pos < this.source.length && /\s/.test(this.source[this.pos] ?? "")) this.pos++;
  }

  /** True at the end of the source. */
  atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  /** The next character (or ""). */
  peekChar(): string {
    return this.source[this.pos] ?? "";
  }

  /** Matches the sticky regex at the cursor without consuming; returns the match. */
  peek(re: RegExp): RegExpExecArray | null {
    let sticky = STICKY.get(re);
    if (sticky === undefined) {
      sticky = new RegExp(re.source, `${re.flags.replace("y", "")}y`);
      STICKY.set(re, sticky);
    }
    sticky.lastIndex = this.pos;
    return sticky.exec(this.source);
  }

  /** Matches and consumes the regex at the cursor. */
  take(re: RegExp): RegExpExecArray | null {
    const m = this.peek(re);
    if (m !== null) this.pos += m[0].length;
    return m;
  }

  /** Throws a caret syntax error at `at` (default: the cursor). */
  fail(reason: string, at = this.pos, width = 1): never {
    throw markerSyntaxError(this.subject, this.source, at, reason, width);
  }
}
