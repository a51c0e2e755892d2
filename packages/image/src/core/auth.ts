/**
 * Registry authentication data (pure): `WWW-Authenticate` challenges, and which stored credentials apply to a
 * registry in Docker's and podman's auth files (`auths`, `credHelpers`, `credsStore`).
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** The challenges of a `WWW-Authenticate` header (`Bearer realm="…",service="…"`, `Basic realm="…"`). */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = (): void => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  while (i < s.length) {
    skipSpace();
    while (s[i] === ",") {
      i++;
      skipSpace();
    }
    const m = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*/.exec(s.slice(i));
    if (!m) break;
    const challenge: Challenge = { scheme: m[0].toLowerCase(), params: {} };
    out.push(challenge);
    i += m[0].length;
    for (;;) {
      skipSpace();
      const p = /^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*/.exec(s.slice(i));
      if (!p) break;
      i += p[0].length;
      let value = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const v = /^[^,\s]*/.exec(s.slice(i))![0];
        value = v;
        i += v.length;
      }
      challenge.params[p[1]!.toLowerCase()] = value;
      skipSpace();
      if (s[i] === ",") {
        i++;
        // a comma may separate parameters or start the next challenge
        const save = i;
        skipSpace();
        if (/^[A-Za-z][A-Za-z0-9_-]*\s*=/.test(s.slice(i))) continue;
        i = save;
        break;
      }
      break;
    }
  }
  return out;
}

/** Credentials found for a registry (never printed; `source` names where they came from). */
export type StoredCredentials =
  | { kind: "basic"; username: string; password: string; source: string }
  | { kind: "identity-token"; username: string; token: string; source: string }
  | { kind: "helper"; helper: string; source: string };

/** Docker's / podman's auth file as JSON. */
export interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The host of an `auths` key (`https://host/v1/`, `host`, `host/path`). */
export function authKeyHost(key: string): string {
  const noScheme = key.replace(/^[a-z]+:\/\//i, "");
  return noScheme.split("/")[0]!.toLowerCase();
}

const HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

function sameRegistry(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (HUB_ALIASES.has(x) && HUB_ALIASES.has(y));
}

function decodeBase64(text: string): string | undefined {
  try {
    // atob is global in Node 16+ and has no node: import (this module is pure)
    return decodeURIComponent(
      Array.from(atob(text), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
    );
  } catch {
    return undefined;
  }
}

/**
 * What one auth file says for `registry`: a credential helper (`credHelpers` for the host, else `credsStore`),
 * else the `auths` entry (`auth` base64 `user:password`, `username`/`password`, or an identity token).
 * `credsStore` is used only when `auths` has no entry with inline credentials (Docker keeps an empty marker
 * entry per login there).
 */
export function credentialsInAuthFile(file: AuthFile, registry: string, source: string): StoredCredentials | undefined {
  for (const [host, helper] of Object.entries(file.credHelpers ?? {})) {
    if (sameRegistry(authKeyHost(host), registry) && helper !== "") return { kind: "helper", helper, source };
  }
  for (const [key, entry] of Object.entries(file.auths ?? {})) {
    if (!sameRegistry(authKeyHost(key), registry) || typeof entry !== "object" || entry === null) continue;
    if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
      return { kind: "identity-token", username: entry.username ?? "<token>", token: entry.identitytoken, source };
    }
    if (typeof entry.auth === "string" && entry.auth !== "") {
      const text = decodeBase64(entry.auth);
      const colon = text?.indexOf(":") ?? -1;
      if (text !== undefined && colon > 0) {
        return { kind: "basic", username: text.slice(0, colon), password: text.slice(colon + 1), source };
      }
    }
    if (typeof entry.username === "string" && typeof entry.password === "string" && entry.username !== "") {
      return { kind: "basic", username: entry.username, password: entry.password, source };
    }
  }
  if (typeof file.credsStore === "string" && file.credsStore !== "")
    return { kind: "helper", helper: file.credsStore, source };
  return undefined;
}

/** `repository:NAME:ACTIONS` scopes of a token request. */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}
