/**
 * A fast reader for the TOML subset that uv writes into `uv.lock` (spec §1.2, uv's own
 * `from_canonical_toml` fast path). It builds exactly the value smol-toml builds for the same text
 * (null-prototype tables, plain arrays, numbers, strings, booleans, same key order) and gives up —
 * returning undefined so the caller falls back to smol-toml — on anything outside the subset:
 * quoted or dotted keys, multi-line strings, floats, dates, signed or non-decimal integers,
 * comments inside values, newlines inside inline tables, redefined tables or keys, lone `\r`.
 * Giving up is always safe: smol-toml then parses the text or reports the syntax error.
 *
 * Accepted: top-level and table key/value lines (bare keys), `[a.b]` and `[[a.b]]` headers with bare
 * segments, basic strings (escapes `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`), literal strings,
 * unsigned decimal integers (up to 15 digits), booleans, inline tables on one line, arrays over
 * any number of lines, `#` comments at the end of a line, LF or CRLF line ends.
 */

/** A table as smol-toml builds it (`Object.create(null)`). */
type Table = Record<string, unknown>;

/** Thrown inside the parser to give up; never escapes {@link parseCanonicalToml}. */
const GIVE_UP = new Error("not in uv's canonical TOML subset");

/** Nesting limit for values (uv writes at most 4 levels). */
const MAX_DEPTH = 64;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const APOSTROPHE = 0x27;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const EQUALS = 0x3d;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** `[A-Za-z0-9_-]` as a lookup table over ASCII. */
const BARE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  BARE[c] = +(
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x2d
  );
}

function giveUp(): never {
  throw GIVE_UP;
}

/** Characters that may follow a scalar value (smol-toml's `isEndOfValue`); NaN is the end of text. */
function endsValue(c: number): boolean {
  return (
    c === SPACE ||
    c === COMMA ||
    c === RBRACE ||
    c === RBRACKET ||
    c === LF ||
    c === TAB ||
    c === CR ||
    c === HASH ||
    Number.isNaN(c)
  );
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return giveUp();
}

/**
 * Characters TOML allows nowhere except as noted: control characters other than tab, LF and CR, DEL,
 * and a CR that does not start a CRLF. A text containing one is left to smol-toml (it is invalid TOML),
 * so the string readers below only have to watch for line ends and backslashes.
 */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const LONE_CR = /\r(?!\n)/;

class CanonicalReader {
  readonly s: string;
  readonly n: number;
  p = 0;
  /** The first LF at or after some position <= `p` (so also the first one at or after `p` while >= p). */
  nextLf = -1;
  /** Same for the next backslash. */
  nextBackslash = -1;
  /** Tables made by `[header]` lines (explicitly or as an intermediate): headers may descend into them. */
  readonly headerTables = new Set<Table>();
  /** Arrays made by `[[header]]` lines: headers descend into their last element. */
  readonly headerArrays = new Set<Table[]>();

  constructor(text: string) {
    this.s = text;
    this.n = text.length;
  }

  document(): Table {
    const s = this.s;
    const n = this.n;
    if (FORBIDDEN.test(s) || (s.indexOf("\r") >= 0 && LONE_CR.test(s))) giveUp();
    const root: Table = Object.create(null);
    this.headerTables.add(root);
    let table = root;
    if (s.charCodeAt(0) === 0xfeff) this.p = 1;
    while (this.p < n) {
      const c = s.charCodeAt(this.p);
      if (c === LF || c === SPACE || c === TAB) {
        this.p++;
        continue;
      }
      if (c === CR) {
        if (s.charCodeAt(this.p + 1) !== LF) giveUp();
        this.p += 2;
        continue;
      }
      if (c === HASH) {
        this.comment();
        continue;
      }
      if (c === LBRACKET) table = this.header(root);
      else this.keyValue(table);
      this.endOfLine();
    }
    return root;
  }

  /** Skips a `#` comment up to (not including) the line end. */
  comment(): void {
    const s = this.s;
    let end = s.indexOf("\n", this.p);
    if (end < 0) end = this.n;
    else if (s.charCodeAt(end - 1) === CR) end--;
    this.p = end;
  }

  spaces(): void {
    const s = this.s;
    let c = s.charCodeAt(this.p);
    while (c === SPACE || c === TAB) c = s.charCodeAt(++this.p);
  }

  /** Optional spaces and comment, then a line end or the end of the text. */
  endOfLine(): void {
    this.spaces();
    const s = this.s;
    if (s.charCodeAt(this.p) === HASH) this.comment();
    if (this.p >= this.n) return;
    const c = s.charCodeAt(this.p);
    if (c === LF) this.p++;
    else if (c === CR && s.charCodeAt(this.p + 1) === LF) this.p += 2;
    else giveUp();
  }

  bareKey(): string {
    const s = this.s;
    const start = this.p;
    let p = start;
    let c = s.charCodeAt(p);
    while (c < 128 && BARE[c] === 1) c = s.charCodeAt(++p);
    if (p === start) giveUp();
    this.p = p;
    const key = s.slice(start, p);
    if (key === "__proto__") giveUp();
    return key;
  }

  /** `[a.b]` or `[[a.b]]` (bare segments, no spaces); returns the table that following keys fill. */
  header(root: Table): Table {
    const s = this.s;
    const isArray = s.charCodeAt(++this.p) === LBRACKET;
    if (isArray) this.p++;
    let t = root;
    for (;;) {
      const key = this.bareKey();
      const c = s.charCodeAt(this.p++);
      if (c === DOT) {
        t = this.descend(t, key);
        continue;
      }
      if (c !== RBRACKET) giveUp();
      if (isArray) {
        if (s.charCodeAt(this.p++) !== RBRACKET) giveUp();
        return this.appendTable(t, key);
      }
      if (Object.hasOwn(t, key)) giveUp(); // (re)definition rules: left to smol-toml
      const table: Table = Object.create(null);
      t[key] = table;
      this.headerTables.add(table);
      return table;
    }
  }

  /** The table a header's intermediate segment names, created implicitly when absent. */
  descend(t: Table, key: string): Table {
    if (!Object.hasOwn(t, key)) {
      const table: Table = Object.create(null);
      t[key] = table;
      this.headerTables.add(table);
      return table;
    }
    const v = t[key];
    if (Array.isArray(v)) {
      if (!this.headerArrays.has(v as Table[])) giveUp();
      return v[v.length - 1] as Table;
    }
    if (!this.headerTables.has(v as Table)) giveUp();
    return v as Table;
  }

  appendTable(t: Table, key: string): Table {
    const table: Table = Object.create(null);
    if (Object.hasOwn(t, key)) {
      const v = t[key] as Table[];
      if (!this.headerArrays.has(v)) giveUp();
      v.push(table);
    } else {
      const list = [table];
      t[key] = list;
      this.headerArrays.add(list);
    }
    return table;
  }

  keyValue(table: Table): void {
    const key = this.bareKey();
    this.spaces();
    if (this.s.charCodeAt(this.p) !== EQUALS) giveUp();
    this.p++;
    this.spaces();
    const value = this.value(0);
    if (Object.hasOwn(table, key)) giveUp();
    table[key] = value;
  }

  value(depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.p);
    if (c === QUOTE) return this.basicString();
    if (c === LBRACE) return this.inlineTable(depth);
    if (c === LBRACKET) return this.array(depth);
    if (c >= ZERO && c <= NINE) return this.integer(c);
    if (c === APOSTROPHE) return this.literalString();
    if (c === 0x74 /* t */ && s.startsWith("true", this.p) && endsValue(s.charCodeAt(this.p + 4))) {
      this.p += 4;
      return true;
    }
    if (c === 0x66 /* f */ && s.startsWith("false", this.p) && endsValue(s.charCodeAt(this.p + 5))) {
      this.p += 5;
      return false;
    }
    return giveUp();
  }

  /** An unsigned decimal integer without underscores that is safe as a number. */
  integer(first: number): number {
    const s = this.s;
    const start = this.p;
    let p = start + 1;
    let v = first - ZERO;
    let c = s.charCodeAt(p);
    if (v === 0) {
      if (!endsValue(c)) giveUp(); // 0x.., 0.5, 01, dates, ...
      this.p = p;
      return 0;
    }
    while (c >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      c = s.charCodeAt(++p);
    }
    if (p - start > 15 || !endsValue(c)) giveUp(); // floats, dates, times, underscores, huge values
    this.p = p;
    return v;
  }

  /** The end of the string that starts at `start` and ends at the next `quote`; gives up at a line end. */
  closingQuote(start: number, quote: string): number {
    const s = this.s;
    const end = s.indexOf(quote, start);
    if (this.nextLf < start) this.nextLf = s.indexOf("\n", start) >>> 0; // -1 → 2^32 - 1: no more LF
    if (end < 0 || end > this.nextLf) giveUp(); // unterminated on this line (or a CR before the LF)
    return end;
  }

  basicString(): string {
    const s = this.s;
    const start = this.p + 1;
    if (s.charCodeAt(start) === QUOTE) {
      if (s.charCodeAt(start + 1) === QUOTE) giveUp(); // multi-line string
      this.p = start + 1;
      return "";
    }
    const end = this.closingQuote(start, '"');
    if (this.nextBackslash < start) this.nextBackslash = s.indexOf("\\", start) >>> 0;
    if (this.nextBackslash < end) {
      this.p = this.nextBackslash;
      return this.escapedString(s.slice(start, this.p));
    }
    this.p = end + 1;
    return s.slice(start, end);
  }

  /** The rest of a basic string from the first backslash at `this.p`; `prefix` is the text before it. */
  escapedString(prefix: string): string {
    const s = this.s;
    let out = prefix;
    let p = this.p;
    let sliceStart = p;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        this.p = p + 1;
        return out + s.slice(sliceStart, p);
      }
      if (c === BACKSLASH) {
        out += s.slice(sliceStart, p);
        const e = s.charCodeAt(p + 1);
        p += 2;
        if (e === QUOTE) out += '"';
        else if (e === BACKSLASH) out += "\\";
        else if (e === 0x6e /* n */) out += "\n";
        else if (e === 0x74 /* t */) out += "\t";
        else if (e === 0x72 /* r */) out += "\r";
        else if (e === 0x62 /* b */) out += "\b";
        else if (e === 0x66 /* f */) out += "\f";
        else if (e === 0x75 /* u */ || e === 0x55 /* U */) {
          const len = e === 0x75 ? 4 : 8;
          let code = 0;
          for (let i = 0; i < len; i++) code = code * 16 + hexDigit(s.charCodeAt(p + i));
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) giveUp();
          out += String.fromCodePoint(code);
          p += len;
        } else giveUp();
        sliceStart = p;
        continue;
      }
      if (c === LF || c === CR || p >= this.n) giveUp();
      p++;
    }
  }

  literalString(): string {
    const s = this.s;
    const start = this.p + 1;
    if (s.charCodeAt(start) === APOSTROPHE) {
      if (s.charCodeAt(start + 1) === APOSTROPHE) giveUp(); // multi-line string
      this.p = start + 1;
      return "";
    }
    const end = this.closingQuote(start, "'");
    this.p = end + 1;
    return s.slice(start, end);
  }

  /** `{ k = v, ... }` on one line, bare keys, no trailing comma. */
  inlineTable(depth: number): Table {
    if (depth > MAX_DEPTH) giveUp();
    const s = this.s;
    const t: Table = Object.create(null);
    this.p++;
    this.spaces();
    if (s.charCodeAt(this.p) === RBRACE) {
      this.p++;
      return t;
    }
    for (;;) {
      const key = this.bareKey();
      this.spaces();
      if (s.charCodeAt(this.p) !== EQUALS) giveUp();
      this.p++;
      this.spaces();
      const value = this.value(depth + 1);
      if (Object.hasOwn(t, key)) giveUp();
      t[key] = value;
      this.spaces();
      const c = s.charCodeAt(this.p++);
      if (c === RBRACE) return t;
      if (c !== COMMA) giveUp();
      this.spaces();
    }
  }

  /** Spaces, tabs and line ends between array elements (comments: give up). */
  arraySpace(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.p);
      if (c === SPACE || c === TAB || c === LF) this.p++;
      else if (c === CR && s.charCodeAt(this.p + 1) === LF) this.p += 2;
      else return;
    }
  }

  /** `[v, v]` or uv's multi-line `[\n    v,\n]`. */
  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) giveUp();
    const s = this.s;
    const out: unknown[] = [];
    this.p++;
    for (;;) {
      this.arraySpace();
      if (s.charCodeAt(this.p) === RBRACKET) {
        this.p++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.arraySpace();
      const c = s.charCodeAt(this.p++);
      if (c === RBRACKET) return out;
      if (c !== COMMA) giveUp();
    }
  }
}

/**
 * Parses `text` if it stays within uv's canonical TOML subset, building the same value as smol-toml's
 * `parse`; undefined when the text uses anything else (the caller then parses it with smol-toml).
 */
export function parseCanonicalToml(text: string): Record<string, unknown> | undefined {
  try {
    return new CanonicalReader(text).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}
