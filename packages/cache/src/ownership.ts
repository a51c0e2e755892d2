/**
 * The one ownership guard of tspack: it deletes or replaces only what it can prove it created. Every
 * command that deletes, replaces or writes a folder asks here first — `build --out` (its output folder),
 * `install --target/--prefix` (the destination; with `--clean`, the whole tree), `export -o` (the file),
 * and the cache (`initCache`, `cache clean|prune|verify`). What is refused is a TSPACK_NOT_OWNED error that
 * names the folder (message and `details.folder`) and says what to do (hint).
 *
 * The proofs:
 * - a cache is a folder with tspack's versioned marker file (`TSPACK-CACHE`), or a cache of an older tspack
 *   (only tspack's root names, and its CACHEDIR.TAG says tspack wrote it — or it has no tag but a versioned
 *   bucket of tspack's, as a cache that never downloaded), which is then adopted;
 * - an output folder is empty, or holds a `build.json` that tspack wrote (`"tspack": 1` and the list of its
 *   artifacts) and nothing but that list;
 * - an install tree (`--clean`) is empty, or every file in it is listed in the RECORD of a `*.dist-info`
 *   installed there (or is the bytecode of such a file) — the installer reads the RECORDs and asks here;
 * - a destination is never `/`, the home folder, the current folder or one of its parents, the project, the
 *   workspace or the cache (or a folder holding one of them), and never inside the cache.
 * tspack's own staging folders (see staging.ts) are recognized by their exact name and never count against a
 * folder. The pure parts (`judge*`, `unaccountedFiles`, `isSameOrInside`) touch no disk and are unit-tested.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { KNOWN_ROOT_ENTRIES } from "./layout.js";
import { isInnerStagingName } from "./staging.js";

/** The file that marks a folder as tspack's cache; its first line is `tspack-cache-v<format>`. */
export const CACHE_MARKER = "TSPACK-CACHE";
/** The cache format version written into {@link CACHE_MARKER}. */
export const CACHE_FORMAT = 1;
/** The content of {@link CACHE_MARKER}. */
export const CACHE_MARKER_TEXT =
  `tspack-cache-v${CACHE_FORMAT}\n` +
  "# This folder is tspack's cache (downloaded wheels, unpacked wheels, memoized results).\n" +
  "# `tspack cache clean` deletes it; tspack deletes no folder without this file.\n";

/** Top-level names older tspack versions wrote into a cache root (besides today's {@link KNOWN_ROOT_ENTRIES}). */
export const LEGACY_ROOT_ENTRIES: readonly string[] = ["checked-v1", "unpacked-v1"];

/** The manifest every build writes into its output folder; it lists the artifacts (the folder's other entries). */
export const OUTPUT_MANIFEST = "build.json";

/**
 * Files an operating system drops into folders a user browses (Finder, Explorer): they never count against
 * a folder's ownership and go with it.
 */
export const OS_METADATA_FILES: readonly string[] = [".DS_Store", "Thumbs.db", "desktop.ini"];

const UNEXPECTED_SHOWN = 5;

// ---------------------------------------------------------------------------------------------------------
// Pure parts.

/** True when `child` is `parent` or inside it (absolute, normalized paths; no disk access). */
export function isSameOrInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  return child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** The format version of a {@link CACHE_MARKER} text, or undefined when it is not tspack's marker. */
export function parseCacheMarker(text: string): number | undefined {
  const m = /^tspack-cache-v([1-9][0-9]{0,5})\r?$/.exec(text.split("\n", 1)[0] ?? "");
  return m ? Number(m[1]) : undefined;
}

/** True for a CACHEDIR.TAG that tspack wrote (the signature line, then a comment naming tspack). */
export function isTspackCachedirTag(text: string): boolean {
  return (
    text.startsWith("Signature: 8a477f597d28d172789f06886806bc55") &&
    /^# This file is a cache directory tag created by tspack\.$/m.test(text)
  );
}

/** What a cache root holds, as far as ownership goes. */
export type CacheVerdict =
  | { kind: "empty" }
  | { kind: "owned"; format: number }
  /**
   * An older tspack's cache: no marker yet, but every name in it is tspack's, and its CACHEDIR.TAG says tspack
   * wrote it (or, without one, it holds a versioned bucket of tspack's).
   */
  | { kind: "legacy" }
  | { kind: "foreign"; reason: string; unexpected: string[] };

/**
 * Judges a cache root from its names, its marker's text and its CACHEDIR.TAG's text (undefined when absent).
 */
export function judgeCache(
  names: readonly string[],
  marker: string | undefined,
  tag: string | undefined,
): CacheVerdict {
  if (marker !== undefined) {
    const format = parseCacheMarker(marker);
    if (format !== undefined) return { kind: "owned", format };
    // A concurrent initCache between creating the marker and writing its few bytes.
    if (CACHE_MARKER_TEXT.startsWith(marker)) return { kind: "owned", format: CACHE_FORMAT };
    return { kind: "foreign", reason: `its ${CACHE_MARKER} file is not tspack's marker`, unexpected: [CACHE_MARKER] };
  }
  const visible = names.filter((n) => !OS_METADATA_FILES.includes(n));
  if (visible.length === 0) return { kind: "empty" };
  const unexpected = visible.filter((n) => !KNOWN_ROOT_ENTRIES.includes(n) && !LEGACY_ROOT_ENTRIES.includes(n)).sort();
  if (tag !== undefined && !isTspackCachedirTag(tag))
    return { kind: "foreign", reason: "its CACHEDIR.TAG was written by another tool", unexpected };
  // An older tspack wrote CACHEDIR.TAG with its first download only: a cache that never downloaded (local
  // wheels) has none, and its versioned buckets (`memo-v1`, `checked-v1`, …) are then the proof.
  const proven = tag !== undefined || visible.some((n) => n !== "tmp" && n !== ".gitignore" && /-v[0-9]+$/.test(n));
  if (unexpected.length > 0 || !proven)
    return {
      kind: "foreign",
      reason:
        unexpected.length > 0 && tag !== undefined
          ? `it holds ${listNames(unexpected)}, which tspack does not write into a cache`
          : `it holds ${listNames(visible.sort())} and no ${CACHE_MARKER} marker`,
      unexpected,
    };
  return { kind: "legacy" };
}

/**
 * The top-level entries a `build.json` says tspack wrote (itself and its artifacts' paths), or undefined when
 * the text is not a tspack build manifest: `"tspack": 1`, a `layout`, and artifacts whose paths are single
 * names. Every build since the first has written this, so it is the proof for old outputs as for new ones.
 */
export function outputEntriesOf(manifestText: string): Set<string> | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return undefined;
  }
  if (typeof manifest !== "object" || manifest === null) return undefined;
  const m = manifest as { tspack?: unknown; layout?: unknown; artifacts?: unknown };
  if (m.tspack !== 1 || typeof m.layout !== "string" || !Array.isArray(m.artifacts) || m.artifacts.length === 0)
    return undefined;
  const entries = new Set<string>([OUTPUT_MANIFEST]);
  for (const a of m.artifacts as unknown[]) {
    const path = typeof a === "object" && a !== null ? (a as { path?: unknown }).path : undefined;
    if (typeof path !== "string" || !/^[^/\\]+$/.test(path) || path === "." || path === "..") return undefined;
    entries.add(path);
  }
  return entries;
}

/** What an output folder holds: nothing, tspack's own output, or something else (the names that are not). */
export type OutputVerdict = { kind: "empty" } | { kind: "owned" } | { kind: "foreign"; unexpected: string[] };

/**
 * Judges an output folder from its names and the entries its build.json lists (undefined: no tspack
 * build.json). tspack's own staging folders and OS metadata files do not count.
 */
export function judgeOutput(names: readonly string[], owned: ReadonlySet<string> | undefined): OutputVerdict {
  const rest = names.filter((n) => !isInnerStagingName(n) && !OS_METADATA_FILES.includes(n));
  if (rest.length === 0) return { kind: "empty" };
  const unexpected = rest.filter((n) => owned === undefined || !owned.has(n)).sort();
  return unexpected.length === 0 ? { kind: "owned" } : { kind: "foreign", unexpected };
}

/** A folder's contents as the tree accounting needs them: relative `/` paths. */
export interface TreeListing {
  /** Every non-directory (files, symlinks, …). */
  files: readonly string[];
  /** Every directory that holds nothing. */
  emptyDirs: readonly string[];
}

/** The directories that hold a path of `owned` (and `__pycache__` next to listed `.py` files). */
export function ownedDirsOf(owned: ReadonlySet<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of owned) {
    for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
    if (p.endsWith(".py")) dirs.add(`${p.slice(0, p.lastIndexOf("/") + 1)}__pycache__`);
  }
  return dirs;
}

/**
 * The entries of an install tree that no RECORD accounts for (sorted): a file is accounted for when a RECORD
 * lists it, when it is the bytecode of a listed `.py` (`__pycache__/<stem>.*.pyc`, as pip and uv uninstall
 * it), or an OS metadata file; an empty directory when a listed path is under it.
 */
export function unaccountedFiles(listing: TreeListing, owned: ReadonlySet<string>): string[] {
  const ownedDirs = ownedDirsOf(owned);
  const out: string[] = [];
  for (const f of listing.files) {
    const slash = f.lastIndexOf("/");
    const name = f.slice(slash + 1);
    if (owned.has(f) || OS_METADATA_FILES.includes(name)) continue;
    const dir = f.slice(0, Math.max(0, slash));
    if (name.endsWith(".pyc") && (dir === "__pycache__" || dir.endsWith("/__pycache__"))) {
      const pkgDir = f.slice(0, Math.max(0, slash - "__pycache__".length));
      const stem = name.slice(0, name.indexOf("."));
      if (owned.has(`${pkgDir}${stem}.py`)) continue;
    }
    out.push(f);
  }
  for (const d of listing.emptyDirs) if (!ownedDirs.has(d)) out.push(`${d}/`);
  return out.sort();
}

// ---------------------------------------------------------------------------------------------------------
// The guard.

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, UNEXPECTED_SHOWN).map((n) => `"${n}"`);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** A TSPACK_NOT_OWNED error naming `folder` (message first, `details.folder`), with the fix in `hint`. */
export function notOwnedError(
  folder: string,
  message: string,
  hint: string,
  details: Record<string, unknown> = {},
): TspackError {
  return new TspackError(ERROR_CODES.NOT_OWNED, message, { hint, details: { folder, ...details } });
}

/**
 * The path with symlinks resolved as far as it exists (the rest appended): what a guard compares, so that a
 * symlink to the project is the project.
 */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let cur = abs; ; ) {
    try {
      const real = realpathSync.native(cur);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** A folder a destination must not be, hold or (for the cache) be inside of. */
export interface ProtectedFolder {
  path: string;
  /** How the message names it: `the project`, `the workspace`, … */
  what: string;
}

/** Options of {@link checkDestination}. */
export interface DestinationOptions {
  /** How the message names the destination: `The output folder`, `The --target folder`, `The file`. */
  label: string;
  /** Folders the destination must not be or contain (the project, the workspace root, …). */
  keep?: readonly ProtectedFolder[];
  /** The cache root: the destination must not be, contain or be inside it. */
  cacheDir?: string | undefined;
  /** The current folder (default `process.cwd()`): the destination must not be it or one of its parents. */
  cwd?: string;
  /** The home folder (default `os.homedir()`): the destination must not be it or hold it. */
  home?: string;
  /** The fix (hint) for a refusal. */
  hint: string;
}

/**
 * Refuses a destination that tspack may replace or write into when it is `/`, the home folder, the current
 * folder or a parent of it, a protected folder (or holds one), or the cache (or is inside it). Returns the
 * destination's canonical path.
 * @throws TSPACK_NOT_OWNED naming the destination and what it would overwrite.
 */
export function checkDestination(dest: string, options: DestinationOptions): string {
  const real = canonicalPath(dest);
  const refuse = (reason: string, other: string): never => {
    throw notOwnedError(dest, `${options.label} "${dest}" ${reason}`, options.hint, { conflict: other });
  };
  if (dirname(real) === real) refuse("is the root of the file system", real);
  const keep: ProtectedFolder[] = [
    ...(options.keep ?? []),
    ...(options.cacheDir === undefined ? [] : [{ path: options.cacheDir, what: "the cache" }]),
    { path: options.cwd ?? process.cwd(), what: "the current folder" },
  ];
  const home = options.home ?? safeHomedir();
  if (home !== undefined && home !== "") keep.push({ path: home, what: "the home folder" });
  for (const k of keep) {
    const p = canonicalPath(k.path);
    if (dirname(p) === p) continue; // a home or cwd of `/` protects nothing more than the check above
    if (p === real) refuse(`is ${k.what}`, p);
    if (isSameOrInside(p, real)) refuse(`contains ${k.what} "${p}"`, p);
  }
  if (options.cacheDir !== undefined) {
    const cache = canonicalPath(options.cacheDir);
    if (isSameOrInside(real, cache)) refuse(`is inside the cache "${cache}"`, cache);
  }
  return real;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

const CACHE_HINT =
  "Point --cache-dir (or TSPACK_CACHE_DIR) at a new or empty folder: tspack creates it and marks it with a TSPACK-CACHE file. tspack never writes into or deletes a folder it did not create.";

/** The state of a cache root on disk. */
export type CacheState = { kind: "missing" } | CacheVerdict;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw e;
  }
}

/** Reads a cache root's ownership: one read when the marker is there (the common case). */
export function cacheState(root: string): CacheState {
  const marker = readText(join(root, CACHE_MARKER));
  if (marker !== undefined) return judgeCache([CACHE_MARKER], marker, undefined);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "missing" };
    // The folder itself is a file: not a cache. A file further up the path: there is no cache there (creating
    // one fails with the real error, classified by the caller).
    if (code === "ENOTDIR")
      return isNonDirectory(root) ? { kind: "foreign", reason: "it is a file", unexpected: [] } : { kind: "missing" };
    throw e;
  }
  return judgeCache(
    names,
    undefined,
    names.includes("CACHEDIR.TAG") ? readText(join(root, "CACHEDIR.TAG")) : undefined,
  );
}

/**
 * The cache root's state, or TSPACK_NOT_OWNED when it is neither missing, empty, tspack's, nor an older
 * tspack's cache. `cache clean|prune|verify` call this before deleting anything; `initCache` before writing.
 */
export function checkCacheOwned(root: string): Exclude<CacheState, { kind: "foreign" }> {
  const state = cacheState(root);
  if (state.kind !== "foreign") return state;
  throw notOwnedError(root, `The folder "${root}" is not a tspack cache: ${state.reason}`, CACHE_HINT, {
    ...(state.unexpected.length ? { unexpected: state.unexpected.slice(0, 20) } : {}),
  });
}

/** Every top-level name of an output folder (empty when it does not exist). @throws TSPACK_NOT_OWNED for a file. */
function outputNames(dir: string, label: string, hint: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    // The folder itself is a file (a file further up the path is an I/O error, classified by the caller).
    if (code === "ENOTDIR" && isNonDirectory(dir))
      throw notOwnedError(dir, `${label} "${dir}" is a file, not a folder`, hint);
    throw e;
  }
}

function isNonDirectory(path: string): boolean {
  try {
    return !lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

const OUTPUT_HINT =
  "tspack replaces the output folder as a whole, and only when it is empty or holds tspack's previous output: choose a new or empty folder (--out, or [tool.tspack] out), or move those files away";

/**
 * Refuses an output folder that is neither missing, empty nor tspack's previous output (build.json and the
 * artifacts it lists). Returns the entries tspack may replace (empty when there are none).
 * @throws TSPACK_NOT_OWNED naming the folder and (some of) the entries tspack did not write.
 */
export function checkOutputOwned(dir: string, label = "The output folder"): string[] {
  const names = outputNames(dir, label, OUTPUT_HINT);
  if (names.length === 0) return [];
  const manifest = names.includes(OUTPUT_MANIFEST) ? readText(join(dir, OUTPUT_MANIFEST)) : undefined;
  const verdict = judgeOutput(names, manifest === undefined ? undefined : outputEntriesOf(manifest));
  if (verdict.kind === "foreign") {
    const foreignManifest = manifest !== undefined && verdict.unexpected.includes(OUTPUT_MANIFEST);
    throw notOwnedError(
      dir,
      `${label} "${dir}" holds ${verdict.unexpected.length === 1 ? "an entry" : `${verdict.unexpected.length} entries`} tspack did not write: ${listNames(verdict.unexpected)}${foreignManifest ? " (its build.json is not a tspack build manifest)" : ""}`,
      OUTPUT_HINT,
      { unexpected: verdict.unexpected.slice(0, 20) },
    );
  }
  return names.filter((n) => !isInnerStagingName(n));
}

/**
 * Lists a folder for {@link unaccountedFiles} without following symlinks. A directory no owned path is
 * under is reported as a whole (it cannot be accounted for), so a large foreign tree costs one entry.
 */
export function listTree(dir: string, ownedDirs?: ReadonlySet<string>): TreeListing & { foreignDirs: string[] } {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  const foreignDirs: string[] = [];
  const walk = (rel: string): void => {
    const abs = rel === "" ? dir : join(dir, rel);
    const entries = readdirSync(abs, { withFileTypes: true });
    if (entries.length === 0 && rel !== "") emptyDirs.push(rel);
    for (const e of entries) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (rel === "" && isInnerStagingName(e.name)) continue;
      if (e.isDirectory()) {
        if (ownedDirs !== undefined && !ownedDirs.has(r) && e.name !== "__pycache__") foreignDirs.push(`${r}/`);
        else walk(r);
      } else files.push(r);
    }
  };
  walk("");
  return { files, emptyDirs, foreignDirs };
}

/**
 * Refuses to replace an install tree (`--clean`) unless every file in it is accounted for by `owned` (the
 * paths the RECORDs of its `*.dist-info` list, relative to `dir`). A missing or empty folder passes.
 * @throws TSPACK_NOT_OWNED naming the folder and (some of) the files no RECORD lists.
 */
export function checkTreeOwned(dir: string, owned: ReadonlySet<string>, label: string, hint: string): void {
  try {
    if (!lstatSync(dir).isDirectory()) throw notOwnedError(dir, `${label} "${dir}" is a file, not a folder`, hint);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const listing = listTree(dir, ownedDirsOf(owned));
  const unexpected = [...listing.foreignDirs, ...unaccountedFiles(listing, owned)].sort();
  if (unexpected.length === 0) return;
  throw notOwnedError(
    dir,
    `${label} "${dir}" holds ${unexpected.length === 1 ? "an entry" : `${unexpected.length} entries`} that no installed package's RECORD lists: ${listNames(unexpected)}`,
    hint,
    { unexpected: unexpected.slice(0, 20) },
  );
}

/** Options of {@link checkOutputFile}. */
export interface OutputFileOptions {
  /** The files the command reads (pyproject.toml, uv.lock): never overwritten. */
  inputs: readonly ProtectedFolder[];
  /** The cache root: the file must not be inside it. */
  cacheDir?: string | undefined;
  /** The fix (hint) for a refusal. */
  hint: string;
}

/**
 * Refuses a file a command writes (`export -o`) when it is an existing folder, one of the command's own
 * inputs (pyproject.toml, uv.lock, also through a symlink), or inside the cache. Other files are replaced, as
 * `uv export -o` replaces them.
 * @throws TSPACK_NOT_OWNED naming the file.
 */
export function checkOutputFile(path: string, options: OutputFileOptions): void {
  const real = canonicalPath(path);
  let isDir = false;
  try {
    isDir = lstatSync(real).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (isDir) throw notOwnedError(path, `The file "${path}" is a folder`, options.hint, { conflict: real });
  for (const input of options.inputs) {
    const p = canonicalPath(input.path);
    if (p === real)
      throw notOwnedError(path, `The file "${path}" is ${input.what} "${p}"`, options.hint, { conflict: p });
  }
  if (options.cacheDir !== undefined) {
    const cache = canonicalPath(options.cacheDir);
    if (isSameOrInside(real, cache))
      throw notOwnedError(path, `The file "${path}" is inside the cache "${cache}"`, options.hint, { conflict: cache });
  }
}
