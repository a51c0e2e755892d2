/**
 * URL → credentials, as uv finds them (crates/uv-auth: middleware.rs, cache.rs; crates/uv-distribution-types:
 * index.rs `Index::credentials`, index_url.rs `IndexUrl::root`). Pure data in, data out: the shell reads
 * pyproject.toml's `[[tool.uv.index]]`, the environment and .netrc, and passes them here.
 *
 * Order for one request (uv's):
 * 1. the request URL's own userinfo (`https://user:pass@host/...`);
 * 2. the credentials of the index the URL is under: `UV_INDEX_<NAME>_USERNAME` / `_PASSWORD` when either
 *    is set, else the userinfo of the index's own `url`;
 * 3. the .netrc entry for the host (`machine`, then `default`).
 * A URL is under an index when scheme, host and port are equal and the index URL's path segments are a
 * prefix of the URL's; an index whose URL ends in `/simple` (or devpi's `/+simple`) also covers the
 * folder above it, where its files usually live. An index with `authenticate = "never"` gets none.
 */
import { findNetrcEntry, type NetrcEntry } from "./netrc.js";

/** An index's `authenticate` setting (uv's AuthPolicy). */
export type AuthPolicy = "auto" | "always" | "never";

/** A package index whose credentials apply to the URLs under it (`[[tool.uv.index]]`). */
export interface IndexConfig {
  /** The index name: credentials come from `UV_INDEX_<NAME>_USERNAME` / `UV_INDEX_<NAME>_PASSWORD`. */
  name?: string | undefined;
  /** The index URL; its own userinfo, if any, is used when the environment has none for the index. */
  url: string;
  /** `never`: send no credentials at all to URLs under this index (default `auto`). */
  authenticate?: AuthPolicy | undefined;
}

/** HTTP basic credentials. Never printed or logged. */
export interface Credentials {
  username: string;
  password: string;
}

/** Where credentials came from (for hints; never the values). */
export type CredentialSource = "url" | "index-env" | "index-url" | "netrc";

/** Credentials chosen for a request, with their origin and the index the URL is under. */
export interface ResolvedCredentials extends Credentials {
  source: CredentialSource;
  index: IndexConfig | undefined;
}

/** Where {@link resolveCredentials} looks (see the module comment for the order). */
export interface CredentialSources {
  env: Readonly<Record<string, string | undefined>>;
  indexes: readonly IndexConfig[];
  netrc: readonly NetrcEntry[];
}

/** The env-var stem of an index name, as uv spells it: ASCII letters and digits upper-cased, anything else `_`. */
export function indexEnvName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/gu, "_").toUpperCase();
}

/** The two variables that hold an index's credentials: `[UV_INDEX_<NAME>_USERNAME, UV_INDEX_<NAME>_PASSWORD]`. */
export function indexCredentialVars(name: string): [username: string, password: string] {
  const stem = `UV_INDEX_${indexEnvName(name)}_`;
  return [`${stem}USERNAME`, `${stem}PASSWORD`];
}

function parseUrl(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u : undefined;
  } catch {
    return undefined;
  }
}

const segmentsOf = (u: URL): string[] => u.pathname.split("/").filter((s) => s !== "");

/**
 * The root of an index whose URL ends in `/simple` or `/+simple` (trailing slash or not): the URL
 * without that segment, where its files usually live (uv's `IndexUrl::root`). Undefined otherwise.
 */
export function indexRootUrl(url: string): string | undefined {
  const u = parseUrl(url);
  if (u === undefined) return undefined;
  const segments = segmentsOf(u);
  const last = segments.pop()?.toLowerCase();
  if (last !== "simple" && last !== "+simple") return undefined;
  u.pathname = `/${segments.join("/")}`;
  u.search = "";
  u.hash = "";
  return u.href;
}

/**
 * How many path segments of `prefix` cover `url`: -1 when `url` is not under it (other scheme, host or
 * port, or another path), else the depth of the prefix (0 for the host's root).
 */
function coverage(url: URL, prefix: URL): number {
  if (url.protocol !== prefix.protocol || url.hostname !== prefix.hostname || url.port !== prefix.port) return -1;
  const want = segmentsOf(prefix);
  const have = segmentsOf(url);
  if (want.length > have.length) return -1;
  for (let i = 0; i < want.length; i++) if (want[i] !== have[i]) return -1;
  return want.length;
}

/** True when `url` is under `prefix`: same scheme, host and port, and `prefix`'s path segments lead it. */
export function isUrlUnder(url: string | URL, prefix: string | URL): boolean {
  const u = typeof url === "string" ? parseUrl(url) : url;
  const p = typeof prefix === "string" ? parseUrl(prefix) : prefix;
  return u !== undefined && p !== undefined && coverage(u, p) >= 0;
}

/**
 * The index `url` is under (its URL or its root, see {@link indexRootUrl}); the most specific one when
 * several cover it, the first declared on a tie.
 */
export function findIndex(url: string | URL, indexes: readonly IndexConfig[]): IndexConfig | undefined {
  const u = typeof url === "string" ? parseUrl(url) : url;
  if (u === undefined) return undefined;
  let best: IndexConfig | undefined;
  let bestDepth = -1;
  for (const index of indexes) {
    for (const candidate of [index.url, indexRootUrl(index.url)]) {
      const p = candidate === undefined ? undefined : parseUrl(candidate);
      const depth = p === undefined ? -1 : coverage(u, p);
      if (depth > bestDepth) {
        best = index;
        bestDepth = depth;
      }
    }
  }
  return best;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The credentials an index supplies: its env vars when either is set, else its URL's userinfo. */
function indexCredentials(
  index: IndexConfig,
  env: CredentialSources["env"],
): { username: string; password: string; source: "index-env" | "index-url" } | undefined {
  if (index.name !== undefined && index.name !== "") {
    const [userVar, passVar] = indexCredentialVars(index.name);
    const username = env[userVar];
    const password = env[passVar];
    if (username !== undefined || password !== undefined) {
      return { username: username ?? "", password: password ?? "", source: "index-env" };
    }
  }
  const u = parseUrl(index.url);
  if (u !== undefined && (u.username !== "" || u.password !== "")) {
    return { username: decode(u.username), password: decode(u.password), source: "index-url" };
  }
  return undefined;
}

/**
 * Credentials for a request to `url` (see the module comment for the order), or undefined for an
 * unauthenticated request. A URL that names a user but no password takes the password of a source with
 * the same user name, as uv does; without one it is sent with an empty password.
 */
export function resolveCredentials(url: URL, sources: CredentialSources): ResolvedCredentials | undefined {
  const index = findIndex(url, sources.indexes);
  if (index?.authenticate === "never") return undefined;
  const username = decode(url.username);
  const password = decode(url.password);
  if (username !== "" && password !== "") return { username, password, source: "url", index };
  const fromIndex = index === undefined ? undefined : indexCredentials(index, sources.env);
  if (fromIndex !== undefined && (username === "" || username === fromIndex.username)) return { ...fromIndex, index };
  const entry = findNetrcEntry(sources.netrc, url.hostname);
  if (entry !== undefined && (username === "" || username === entry.login)) {
    return { username: entry.login, password: entry.password, source: "netrc", index };
  }
  if (username !== "") return { username, password, source: "url", index };
  return undefined;
}

/** `url` without `user:password@`. */
export function stripUserinfo(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.href;
}

/** The `Authorization` header value for basic credentials. */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}
