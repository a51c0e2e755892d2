import { ERROR_CODES, TspackError } from "@tspack/errors";
import { compareUtf8, sortByUtf8 } from "./byte-order.js";

/** One RECORD row. Fields are kept verbatim ("" when absent). */
export interface RecordRow {
  /** Path relative to site-packages (posix; may start with `../` for files outside it). */
  path: string;
  /** `algorithm=urlsafe-b64-nopad-digest`, or "". */
  hash: string;
  /** Size in bytes as written, or "". */
  size: string;
}

/**
 * Parses RECORD as Python's `csv` module (excel dialect) reads it: `,` separators, `"` quoting with
 * `""` escapes, `\n`/`\r\n`/`\r` line ends. Empty lines are skipped; missing fields become "";
 * extra fields are ignored. A leading `/` is stripped from paths (as uv does). Throws
 * TSPACK_WHEEL_INVALID on an unterminated quote (`source` names the file).
 */
export function parseRecord(text: string, source = "RECORD"): RecordRow[] {
  if (!text.includes('"')) {
    // Fast path: no quoting anywhere, so fields are plain `,`-separated values.
    const rows: RecordRow[] = [];
    for (const line of text.split(/\r\n|\n|\r/)) {
      if (line === "") continue;
      const a = line.indexOf(",");
      const b = a < 0 ? -1 : line.indexOf(",", a + 1);
      const c = b < 0 ? -1 : line.indexOf(",", b + 1);
      const path = a < 0 ? line : line.slice(0, a);
      rows.push({
        path: path.charCodeAt(0) === 0x2f ? path.replace(/^\/+/, "") : path,
        hash: a < 0 ? "" : line.slice(a + 1, b < 0 ? undefined : b),
        size: b < 0 ? "" : line.slice(b + 1, c < 0 ? undefined : c),
      });
    }
    return rows;
  }
  const rows: RecordRow[] = [];
  let fields: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let rowHasContent = false;
  const endField = () => {
    fields.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (rowHasContent || fields.length > 1 || fields[0] !== "") {
      rows.push({ path: (fields[0] ?? "").replace(/^\/+/, ""), hash: fields[1] ?? "", size: fields[2] ?? "" });
    }
    fields = [];
    rowHasContent = false;
  };
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"' && field === "") {
      // quoted field
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) {
          throw new TspackError(
            ERROR_CODES.WHEEL_INVALID,
            `The RECORD file "${source}" is invalid: line ${startLine} has an unterminated quoted field`,
            { hint: "The wheel is malformed; report it to the package's maintainers." },
          );
        }
        const d = text[i]!;
        if (d === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === "\n") line++;
        field += d;
        i++;
      }
      rowHasContent = true;
      continue;
    }
    if (c === ",") {
      endField();
      rowHasContent = true;
      i++;
    } else if (c === "\n" || c === "\r") {
      endRow();
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
    } else {
      field += c;
      rowHasContent = true;
      i++;
    }
  }
  if (field !== "" || fields.length > 0 || rowHasContent) endRow();
  return rows;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Orders rows by (path, hash, size) in UTF-8 byte order, as uv writes RECORD. */
export function compareRecordRows(a: RecordRow, b: RecordRow): number {
  return compareUtf8(a.path, b.path) || compareUtf8(a.hash, b.hash) || compareUtf8(a.size, b.size);
}

/**
 * Formats RECORD like Python's csv writer with `\n` line ends (quoting only fields that contain `,`,
 * `"`, CR or LF), rows sorted by (path, hash, size) in byte order.
 */
export function formatRecord(rows: ReadonlyArray<RecordRow>): string {
  // (path, hash, size) tuples sort like the keys joined with NUL, which no field contains.
  return writeRecord(sortByUtf8([...rows], (r) => `${r.path}\0${r.hash}\0${r.size}`));
}

/**
 * The one RECORD writer: rows in the order given, each formatted like Python's csv writer with `\n`
 * line ends (quoting only fields that contain `,`, `"`, CR or LF). {@link formatRecord} sorts first;
 * a wheel builder passes its rows in archive order, RECORD's own row (`<path>,,`) last.
 */
export function writeRecord(rows: ReadonlyArray<RecordRow>): string {
  return rows.map((r) => `${csvField(r.path)},${csvField(r.hash)},${csvField(r.size)}\n`).join("");
}
