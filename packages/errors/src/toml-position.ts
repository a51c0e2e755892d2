/**
 * Where a value sits in a TOML text, for error messages: TOML parsers return plain data without
 * positions, so an error found after parsing (a bad marker at `package[3].dependencies[1].marker`) is
 * located again by scanning the text. Only used when reporting an error; never throws.
 */

/** A 1-based line and column. */
export interface TextPosition {
  line: number;
  column: number;
}

/** The result of {@link tomlPosition}: the position and how many path segments it matched. */
export interface TomlPositionMatch extends TextPosition {
  /** The number of leading segments of the path found (the whole path when it equals `path.length`). */
  matched: number;
}

type Segment = string | number;

class Scan {
  pos = 0;
  line = 1;
  lineStart = 0;
  constructor(readonly text: string) {}

  at(): TextPosition {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  advance(): void {
    if (this.text.charCodeAt(this.pos) === 10) {
      this.line++;
      this.lineStart = this.pos + 1;
    }
    this.pos++;
  }

  /** Skips spaces and tabs (and newlines and comments too when `lines`). */
  ws(lines: boolean): void {
    while (!this.eof()) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r") this.advance();
      else if (c === "#") this.skipComment();
      else if (lines && c === "\n") this.advance();
      else break;
    }
  }

  skipComment(): void {
    while (!this.eof() && this.peek() !== "\n") this.advance();
  }

  skipLine(): void {
    this.skipComment();
    if (!this.eof()) this.advance();
  }

  /** A bare or quoted key part (unquoted), or undefined when none starts here. */
  keyPart(): string | undefined {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    const start = this.pos;
    while (!this.eof() && /[A-Za-z0-9_-]/.test(this.peek())) this.advance();
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }

  /** A dotted key (`a."b.c".d`). */
  key(): string[] | undefined {
    const parts: string[] = [];
    for (;;) {
      this.ws(false);
      const p = this.keyPart();
      if (p === undefined) return parts.length > 0 ? parts : undefined;
      parts.push(p);
      this.ws(false);
      if (this.peek() !== ".") return parts;
      this.advance();
    }
  }

  /** A string of any of the four kinds at the cursor; returns its value (escapes resolved loosely). */
  string(): string {
    const q = this.peek();
    const multi = this.peek(1) === q && this.peek(2) === q;
    const width = multi ? 3 : 1;
    for (let i = 0; i < width; i++) this.advance();
    let out = "";
    while (!this.eof()) {
      const c = this.peek();
      if (multi ? c === q && this.peek(1) === q && this.peek(2) === q : c === q) {
        for (let i = 0; i < width; i++) this.advance();
        // A multi-line string may end with up to two more quotes.
        while (multi && this.peek() === q) {
          out += q;
          this.advance();
        }
        return out;
      }
      if (!multi && c === "\n") return out;
      if (c === "\\" && q === '"') {
        this.advance();
        out += ESCAPES[this.peek()] ?? this.peek();
        this.advance();
        continue;
      }
      out += c;
      this.advance();
    }
    return out;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "\\": "\\" };

/** A value stops a scalar at these characters. */
function endsScalar(c: string): boolean {
  return c === "," || c === "]" || c === "}" || c === "\n" || c === "#" || c === "";
}

/** The limit of nested arrays and inline tables followed (deeper values are not located). */
const MAX_DEPTH = 1000;

/**
 * Walks every table header, key/value pair and array element of `text`, calling `visit` with the
 * concrete path (`["package", 3, "wheels", 0, "url"]`) and the position of the value (or header).
 * `visit` returns true to stop. Tolerates invalid TOML (it never throws; it may just visit less).
 */
function walkToml(text: string, visit: (path: readonly Segment[], at: TextPosition) => boolean): void {
  const s = new Scan(text);
  const arrays = new Map<string, number>();
  const key = (path: readonly Segment[]) => JSON.stringify(path);
  let table: Segment[] = [];

  const value = (path: Segment[], depth: number): boolean => {
    s.ws(false);
    if (visit(path, s.at())) return true;
    const c = s.peek();
    if (c === '"' || c === "'") {
      s.string();
      return false;
    }
    if (c === "[" || c === "{") {
      if (depth > MAX_DEPTH) {
        s.skipLine();
        return false;
      }
      const close = c === "[" ? "]" : "}";
      s.advance();
      let index = 0;
      for (;;) {
        s.ws(true);
        if (s.eof()) return false;
        if (s.peek() === close) {
          s.advance();
          return false;
        }
        if (s.peek() === ",") {
          s.advance();
          continue;
        }
        if (c === "[") {
          if (value([...path, index++], depth + 1)) return true;
        } else {
          const k = s.key();
          s.ws(false);
          if (k === undefined || s.peek() !== "=") {
            s.skipLine();
            return false;
          }
          s.advance();
          if (value([...path, ...k], depth + 1)) return true;
        }
      }
    }
    while (!endsScalar(s.peek())) s.advance();
    return false;
  };

  while (!s.eof()) {
    s.ws(true);
    if (s.eof()) return;
    if (s.peek() === "[") {
      const at = s.at();
      const isArray = s.peek(1) === "[";
      s.advance();
      if (isArray) s.advance();
      const k = s.key() ?? [];
      // The concrete path: parents that are arrays of tables point at their last element.
      const path: Segment[] = [];
      for (let i = 0; i < k.length; i++) {
        path.push(k[i] as string);
        const n = arrays.get(key(path));
        if (i === k.length - 1 && isArray) {
          arrays.set(key(path), (n ?? 0) + 1);
          path.push(n ?? 0);
        } else if (n !== undefined) path.push(n - 1);
      }
      table = path;
      s.skipLine();
      if (visit(table, at)) return;
      continue;
    }
    const k = s.key();
    s.ws(false);
    if (k === undefined || s.peek() !== "=") {
      s.skipLine();
      continue;
    }
    s.advance();
    if (value([...table, ...k], 0)) return;
    s.skipLine();
  }
}

function samePrefix(path: readonly Segment[], target: readonly Segment[]): number {
  const n = Math.min(path.length, target.length);
  let i = 0;
  while (i < n && path[i] === target[i]) i++;
  return i;
}

/**
 * The position of the value at `path` in the TOML `text` (the first character of the value, or of the
 * `[header]` of a table), or of the deepest part of the path that exists (`matched` says how much) when
 * the rest is absent, e.g. a missing key is located at its table. Undefined when not even the first
 * segment is found.
 * @example
 * tomlPosition('[[package]]\nname = "a"\n', ["package", 0, "name"]); // { line: 2, column: 8, matched: 3 }
 */
export function tomlPosition(text: string, path: readonly Segment[]): TomlPositionMatch | undefined {
  let best: TomlPositionMatch | undefined;
  walkToml(text, (p, at) => {
    if (p.length > path.length) return false;
    const n = samePrefix(p, path);
    if (n !== p.length || n === 0) return false;
    if (best === undefined || n > best.matched) best = { ...at, matched: n };
    return n === path.length;
  });
  return best;
}
