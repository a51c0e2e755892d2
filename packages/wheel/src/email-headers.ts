/**
 * The email-header format of WHEEL and METADATA (RFC 822 style, as Python's `email` parser reads
 * them): `Key: value` lines, continuation lines start with a space or tab, headers end at the first
 * empty line (the rest is the body).
 */

/** Parsed headers in file order; keys as written, values trimmed. */
export interface EmailHeaders {
  headers: Array<[key: string, value: string]>;
  /** Everything after the first empty line ("" when none). */
  body: string;
}

/** Parses email-format headers. Lines without a colon in the header block are ignored (Python logs a defect). */
export function parseEmailHeaders(text: string): EmailHeaders {
  const src = text.startsWith("\ufeff") ? text.slice(1) : text;
  const lines = src.split(/\r\n|\n|\r/);
  const headers: Array<[string, string]> = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      break;
    }
    if ((line.startsWith(" ") || line.startsWith("\t")) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] = last[1] === "" ? line.trim() : `${last[1]}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers, body: lines.slice(i).join("\n") };
}

/** All values of header `key` (case-insensitive), in file order. */
export function headerValues(h: EmailHeaders, key: string): string[] {
  const k = key.toLowerCase();
  return h.headers.filter(([n]) => n.toLowerCase() === k).map(([, v]) => v);
}

/** The first value of header `key` (case-insensitive), or undefined. */
export function headerValue(h: EmailHeaders, key: string): string | undefined {
  return headerValues(h, key)[0];
}
