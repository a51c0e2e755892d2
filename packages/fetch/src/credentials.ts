import { findNetrcEntry, type NetrcEntry } from "./netrc.js";

/** A named package index, for `UV_INDEX_<NAME>_USERNAME` / `UV_INDEX_<NAME>_PASSWORD` credentials. */
export interface IndexConfig {
  name: string;
  url: string;
}

/** HTTP basic credentials. Never printed or logged. */
export interface Credentials {
  username: string;
  password: string;
}

/** Where {@link resolveCredentials} looks, in order: URL userinfo, index env vars, .netrc. */
export interface CredentialSources {
  env: Readonly<Record<string, string | undefined>>;
  indexes: readonly IndexConfig[];
  netrc: readonly NetrcEntry[];
}

/** The env-var stem of an index name, as uv spells it: upper case, non-alphanumerics → `_`. */
export function indexEnvName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The index that `url` belongs to: longest URL-prefix match, else the same origin. */
function findIndex(url: URL, indexes: readonly IndexConfig[]): IndexConfig | undefined {
  let best: IndexConfig | undefined;
  let sameOrigin: IndexConfig | undefined;
  for (const index of indexes) {
    let parsed: URL;
    try {
      parsed = new URL(index.url);
    } catch {
      continue;
    }
    const prefix = stripUserinfo(parsed.href).replace(/\/?$/, "/");
    if (url.href.startsWith(prefix) && (best === undefined || index.url.length > best.url.length)) best = index;
    if (parsed.origin === url.origin) sameOrigin ??= index;
  }
  return best ?? sameOrigin;
}

/**
 * Credentials for a request to `url`: its userinfo (percent-decoded), else the matching index's
 * `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD`, else the .netrc entry for its host.
 */
export function resolveCredentials(url: URL, sources: CredentialSources): Credentials | undefined {
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (username !== "" && password !== "") return { username, password };
  const index = findIndex(url, sources.indexes);
  if (index !== undefined) {
    const stem = `UV_INDEX_${indexEnvName(index.name)}_`;
    const envUser = sources.env[`${stem}USERNAME`];
    const envPass = sources.env[`${stem}PASSWORD`];
    if ((envUser ?? "") !== "" || (envPass ?? "") !== "") {
      return { username: username !== "" ? username : (envUser ?? ""), password: envPass ?? "" };
    }
  }
  const entry = findNetrcEntry(sources.netrc, url.hostname);
  if (entry !== undefined && (username === "" || username === entry.login)) {
    return { username: entry.login, password: entry.password };
  }
  if (username !== "") return { username, password };
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
