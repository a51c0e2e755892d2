/**
 * Secrets in URLs: the one redaction of tspack. A URL's userinfo (`user:password@`, or a lone token
 * `token@`) is replaced by `****@` wherever tspack prints or stores text: messages, hints, JSON output,
 * events, memo files. The generic `git@` of `ssh://git@host/...` is kept, as uv keeps it (it is not a
 * credential). Pure: no URL parsing, so it works inside any text (messages, TOML excerpts, JSON).
 */

/** Characters that end a URL's authority (or the URL itself) in running text. */
const STOP = String.raw`\s/?#@"'<>\\\`{}|^`;
/**
 * `://` then one or more `…@` runs inside the authority (the userinfo ends at its last `@`); the scheme is
 * captured by a look-behind, so the scan only does work at a `:` (a pattern that starts with the scheme
 * would try every letter of every word again).
 */
const USERINFO_RE = new RegExp(String.raw`:(?<=(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*):)\/\/((?:[^${STOP}]*@)+)`, "gi");
/** The rest of a URL token after its userinfo. */
const URL_REST_RE = /[^\s"'<>\\`{}|^]*/y;
const GIT_SCHEMES = /^(?:ssh|git\+ssh|git\+https)$/i;

/** What replaces `://<userinfo>`: `://****@`, or the userinfo itself for the generic git user of SSH URLs. */
function replacement(scheme: string, userinfo: string): string {
  return userinfo === "git@" && GIT_SCHEMES.test(scheme) ? `://${userinfo}` : "://****@";
}

/** `text` with the userinfo of every URL in it replaced by `****`. */
export function redactSecrets(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(USERINFO_RE, (_m, scheme: string, userinfo: string) => replacement(scheme, userinfo));
}

/** Removes `user:password@` from a URL for messages and logs (`https://****@host/...`). */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** True when {@link redactSecrets} would change `text`. */
export function hasSecrets(text: string): boolean {
  return redactSecrets(text) !== text;
}

/**
 * A copy of `value` with every string redacted ({@link redactSecrets}), through plain objects and
 * arrays; other values are kept as they are. Returns `value` itself when nothing changed.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactSecrets(value) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redactDeep(v);
      if (r !== v) changed = true;
      return r;
    });
    return (changed ? out : value) as T;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = redactDeep(v);
      if (r !== v) changed = true;
      out[k] = r;
    }
    return (changed ? out : value) as T;
  }
  return value;
}

/** Every distinct URL in `text` whose userinfo {@link redactSecrets} would hide, in order of appearance. */
export function urlsWithSecrets(text: string): string[] {
  if (!text.includes("@")) return [];
  const out = new Set<string>();
  for (const m of text.matchAll(USERINFO_RE)) {
    const scheme = m[1]!;
    if (replacement(scheme, m[2]!) === m[0]) continue;
    URL_REST_RE.lastIndex = m.index + m[0].length;
    URL_REST_RE.test(text);
    out.add(text.slice(m.index - scheme.length, URL_REST_RE.lastIndex));
  }
  return [...out];
}

/**
 * One source line redacted, with a 1-based `column` moved to where the same character is in the
 * redacted line (a column inside hidden userinfo lands on its `****`).
 */
export function redactLine(line: string, column: number): { line: string; column: number } {
  if (!line.includes("@")) return { line, column };
  let shift = 0;
  let inside: number | undefined;
  const out = line.replace(USERINFO_RE, (m, scheme: string, userinfo: string, offset: number) => {
    const rep = replacement(scheme, userinfo);
    const start = offset + 1; // 1-based column of the match's `:`
    if (column >= start + m.length) shift += rep.length - m.length;
    else if (column >= start + 3) inside = start + 3 + shift;
    return rep;
  });
  return { line: out, column: inside ?? column + shift };
}
