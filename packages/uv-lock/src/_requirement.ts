import { isValidName, normalizeName } from "./_names.js";
import { at, describe, isTable, type Reader, type WirePath, type WireTable } from "./_reader.js";
import type { LockRequirement } from "./types.js";

const STRING_KEYS = ["marker", "specifier", "git", "url", "subdirectory", "path", "directory"] as const;
const KNOWN = new Set<string>(["name", "extras", "groups", "index", "editable", "virtual", ...STRING_KEYS]);

/** Sorted, de-duplicated, normalized names from an array key (`extras`, `groups`). */
export function readNameList(t: WireTable, key: string, path: WirePath, r: Reader): string[] {
  if (t[key] === undefined) return [];
  const names = new Set<string>();
  const list = r.strings(t, key, path);
  for (let i = 0; i < list.length; i++) {
    const n = list[i]!;
    if (!isValidName(n)) r.issues.error(at(at(path, key), i), `${JSON.stringify(n)} is not a valid name`);
    else names.add(normalizeName(n));
  }
  return [...names].sort();
}

/** Reads a `[package.metadata]`/`[manifest]` requirement table (`{ name, extras, marker, specifier, ... }`). */
export function parseRequirement(t: WireTable, path: WirePath, r: Reader): LockRequirement | undefined {
  const rawName = r.string(t, "name", path, true);
  if (rawName === undefined) return undefined;
  if (!isValidName(rawName)) {
    r.issues.error(at(path, "name"), `${JSON.stringify(rawName)} is not a valid package name`);
    return undefined;
  }
  const req: LockRequirement = {
    name: normalizeName(rawName),
    extras: readNameList(t, "extras", path, r),
    groups: readNameList(t, "groups", path, r),
  };
  for (const k of STRING_KEYS) {
    if (t[k] === undefined) continue;
    const v =
      k === "marker" ? r.marker(t, k, path) : k === "specifier" ? r.specifiers(t, k, path) : r.string(t, k, path);
    if (v !== undefined) req[k] = v;
  }
  const index = t.index;
  if (typeof index === "string") req.index = index;
  else if (isTable(index) && typeof index.url === "string") req.index = index.url;
  else if (index !== undefined) r.issues.error(at(path, "index"), `expected a string, found ${describe(index)}`);
  for (const k of ["editable", "virtual"] as const) {
    const v = t[k];
    if (typeof v === "string" || typeof v === "boolean") req[k] = v;
    else if (v !== undefined) r.issues.error(at(path, k), `expected a string or a boolean, found ${describe(v)}`);
  }
  for (const k in t) if (!KNOWN.has(k)) r.issues.unknownKey("requirement", path, k);
  return req;
}

/** Reads an array of requirement tables under `key`. */
export function parseRequirements(t: WireTable, key: string, path: WirePath, r: Reader): LockRequirement[] {
  if (t[key] === undefined) return [];
  const out: LockRequirement[] = [];
  for (const [rt, i] of r.tables(t, key, path)) {
    const req = parseRequirement(rt, at(at(path, key), i), r);
    if (req !== undefined) out.push(req);
  }
  return out;
}

/** Reads a table of `group = [requirements]` (`requires-dev`, `manifest.dependency-groups`). */
export function parseRequirementGroups(
  t: WireTable,
  key: string,
  path: WirePath,
  r: Reader,
): Record<string, LockRequirement[]> {
  const out: Record<string, LockRequirement[]> = {};
  const groups = t[key] === undefined ? undefined : r.table(t, key, path);
  if (groups === undefined) return out;
  const gp = at(path, key);
  for (const g of Object.keys(groups).sort()) {
    if (!isValidName(g)) {
      r.issues.error(at(gp, g), `${JSON.stringify(g)} is not a valid group name`);
      continue;
    }
    const name = normalizeName(g);
    out[name] = [...(out[name] ?? []), ...parseRequirements(groups, g, gp, r)];
  }
  return sortRecord(out);
}

/** A copy of `rec` with keys in sorted order. */
export function sortRecord<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}
