import type { LockPackage, LockSource } from "@tspack/uv-lock";
import { compareVersionStrings } from "./version-order.js";

/** uv's `Source` enum order, which is also the sort order of sources. */
const SOURCE_ORDER: Record<LockSource["kind"], number> = {
  registry: 0,
  git: 1,
  url: 2,
  path: 3,
  directory: 4,
  editable: 5,
  virtual: 6,
};

/** Rust `std::path::Component` order: RootDir < CurDir < ParentDir < Normal. */
type Component = readonly [rank: number, text: string];

function components(path: string): Component[] {
  const out: Component[] = [];
  const absolute = path.startsWith("/");
  if (absolute) out.push([0, ""]);
  const parts = path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (part === "") continue;
    if (part === ".") {
      // Rust keeps a leading `.` of a relative path and drops the others (the lock writes "" as ".").
      if (i === 0 && !absolute && path !== ".") out.push([1, "."]);
      continue;
    }
    out.push(part === ".." ? [2, ".."] : [3, part]);
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two workspace-relative paths like Rust's `Path` `Ord` (component-wise). */
export function compareRustPaths(a: string, b: string): number {
  const ca = components(a);
  const cb = components(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const [ra, ta] = ca[i] as Component;
    const [rb, tb] = cb[i] as Component;
    if (ra !== rb) return ra - rb;
    const c = compareStrings(ta, tb);
    if (c !== 0) return c;
  }
  return ca.length - cb.length;
}

function sourceText(source: LockSource): string {
  switch (source.kind) {
    case "registry":
    case "url":
      return source.url + (source.kind === "url" && source.subdirectory ? `#${source.subdirectory}` : "");
    case "git":
      return source.raw;
    default:
      return source.path;
  }
}

/** Orders lock sources like uv's `Source` `Ord` (kind first, then contents). */
export function compareSources(a: LockSource, b: LockSource): number {
  const k = SOURCE_ORDER[a.kind] - SOURCE_ORDER[b.kind];
  if (k !== 0) return k;
  if (a.kind === "path" || a.kind === "directory" || a.kind === "editable" || a.kind === "virtual") {
    return compareRustPaths(sourceText(a), sourceText(b));
  }
  return compareStrings(sourceText(a), sourceText(b));
}

/** Orders packages like uv's `PackageId`: name, version (absent first, PEP 440), source. */
export function comparePackageIds(a: LockPackage, b: LockPackage): number {
  const n = compareStrings(a.name, b.name);
  if (n !== 0) return n;
  if (a.version !== b.version) {
    if (a.version === undefined) return -1;
    if (b.version === undefined) return 1;
    const v = compareVersionStrings(a.version, b.version);
    if (v !== 0) return v;
  }
  return compareSources(a.source, b.source);
}

function exportRank(p: LockPackage): number {
  switch (p.source.kind) {
    case "editable":
      return 0;
    case "path":
    case "directory":
      return 1;
    default:
      return 2;
  }
}

/**
 * The order of `uv export` (`RequirementComparator`): editable sources by path, then path and
 * directory sources by path, then everything else by package id.
 */
export function compareExportOrder(a: LockPackage, b: LockPackage): number {
  const ra = exportRank(a);
  const rb = exportRank(b);
  if (ra !== rb) return ra - rb;
  if (ra < 2) return compareRustPaths(sourceText(a.source), sourceText(b.source));
  return comparePackageIds(a, b);
}
