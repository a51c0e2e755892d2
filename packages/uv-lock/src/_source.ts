import { at, describe, type Issues, type WirePath, type WireTable } from "./_reader.js";
import type { LockSource } from "./types.js";

type GitSource = Extract<LockSource, { kind: "git" }>;

const SOURCE_KEYS = ["registry", "git", "url", "path", "directory", "editable", "virtual"] as const;
const OID = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
/** A URL scheme (two letters or more, so `C:\dir` stays a path). */
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

function decodeQueryComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * Reads a locked git URL `repo?subdirectory=..&path=..&lfs=true&rev=..#<commit>` (spec §1.3).
 * Returns the source or the reason it is invalid.
 */
export function parseGitSourceUrl(raw: string): GitSource | { error: string } {
  const hash = raw.indexOf("#");
  if (hash < 0 || hash === raw.length - 1) {
    return { error: `${JSON.stringify(raw)} has no commit fragment (expected "#<40-hex commit>")` };
  }
  const commit = raw.slice(hash + 1);
  if (!OID.test(commit)) {
    return { error: `${JSON.stringify(raw)} has an invalid commit fragment "${commit}" (expected 40 hex digits)` };
  }
  const beforeFragment = raw.slice(0, hash);
  const q = beforeFragment.indexOf("?");
  const repository = q < 0 ? beforeFragment : beforeFragment.slice(0, q);
  if (repository === "") return { error: `${JSON.stringify(raw)} has no repository URL` };
  const source: GitSource = { kind: "git", raw, repository, commit: commit.toLowerCase() };
  if (q >= 0) {
    for (const pair of beforeFragment.slice(q + 1).split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const key = decodeQueryComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decodeQueryComponent(pair.slice(eq + 1));
      if (key === "subdirectory") source.subdirectory = value;
      else if (key === "path") source.path = value;
      else if (key === "lfs") source.lfs = value === "true";
      else if (key === "branch" || key === "tag" || key === "rev") source.reference = { kind: key, value };
    }
  }
  const ref = source.reference;
  if (ref?.kind === "rev" && OID.test(ref.value) && ref.value.toLowerCase() !== source.commit) {
    return {
      error: `${JSON.stringify(raw)} pins rev "${ref.value}", but its fragment names a different commit "${commit}"`,
    };
  }
  return source;
}

/** True when a registry string is a URL rather than a local index path. */
export function isUrl(text: string): boolean {
  return URL_SCHEME.test(text);
}

/** Reads a `source = { ... }` table; records issues and returns undefined when invalid. */
export function parseSource(t: WireTable, path: WirePath, issues: Issues): LockSource | undefined {
  let kind: (typeof SOURCE_KEYS)[number] | undefined;
  const found: string[] = [];
  for (const k of SOURCE_KEYS) {
    if (t[k] !== undefined) {
      found.push(k);
      kind ??= k;
    }
  }
  if (kind === undefined) {
    issues.error(path, `expected one of the keys ${SOURCE_KEYS.join(", ")}, found none`);
    return undefined;
  }
  if (found.length > 1) {
    issues.error(path, `expected exactly one of the keys ${SOURCE_KEYS.join(", ")}, found ${found.join(", ")}`);
    return undefined;
  }
  for (const k of Object.keys(t)) {
    if (k !== kind && !(k === "subdirectory" && kind === "url")) issues.unknownKey("source", path, k);
  }
  const value = t[kind];
  if (typeof value !== "string") {
    issues.error(at(path, kind), `expected a string, found ${describe(value)}`);
    return undefined;
  }
  switch (kind) {
    case "registry":
      return isUrl(value) ? { kind, url: value } : { kind, url: value === "" ? "." : value, local: true };
    case "git": {
      const git = parseGitSourceUrl(value);
      if ("error" in git) {
        issues.error(at(path, kind), git.error);
        return undefined;
      }
      return git;
    }
    case "url": {
      const sub = t.subdirectory;
      if (sub === undefined) return { kind, url: value };
      if (typeof sub !== "string") {
        issues.error(at(path, "subdirectory"), `expected a string, found ${describe(sub)}`);
        return undefined;
      }
      return { kind, url: value, subdirectory: sub };
    }
    default:
      return { kind, path: value === "" ? "." : value };
  }
}

/** A string identifying a source for equality (two equal sources have the same key). */
export function sourceKey(s: LockSource): string {
  switch (s.kind) {
    case "registry":
      return `registry\0${s.url}`;
    case "git":
      return `git\0${s.repository}\0${s.commit}\0${s.subdirectory ?? ""}\0${s.path ?? ""}\0${s.lfs === true}\0${s.reference?.kind ?? ""}\0${s.reference?.value ?? ""}`;
    case "url":
      return `url\0${s.url}\0${s.subdirectory ?? ""}`;
    default:
      return `${s.kind}\0${s.path}`;
  }
}

/** `registry+https://…`-style text for messages. */
export function describeSource(s: LockSource): string {
  switch (s.kind) {
    case "registry":
    case "url":
      return `${s.kind}+${s.url}`;
    case "git":
      return `git+${s.raw}`;
    default:
      return `${s.kind}+${s.path}`;
  }
}

/** Whether artifacts of a source must (true) or must not (false) carry a hash; undefined = either. */
export function requiresHash(s: LockSource): boolean | undefined {
  switch (s.kind) {
    case "registry":
      return undefined;
    case "url":
    case "path":
      return true;
    case "git":
      return s.path !== undefined;
    default:
      return false;
  }
}

/** True for source trees (directory, editable, virtual), whose version may be dynamic. */
export function isSourceTree(s: LockSource): boolean {
  return s.kind === "directory" || s.kind === "editable" || s.kind === "virtual";
}
