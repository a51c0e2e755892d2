/**
 * The one atomic publish of tspack: whatever it writes is made complete under a temp name on the same file
 * system, then put in place by one rename, so a reader (or a later run) sees the old entry or the new one,
 * never a partial one, and a failure at any point leaves the old entry as it was and no temp behind.
 *
 * Files:
 * - {@link writeFileAtomic}: bytes (or a stream of them) to a fresh temp file, then {@link publishFile};
 * - {@link publishFile}: a temp file written by the caller (a download streamed to disk) put in place.
 *   A cache entry is never replaced (`replace: false`: a hard link that fails when the entry exists, so
 *   the first writer wins); other files are replaced by the rename.
 * Folders:
 * - {@link publishDirectory}: a complete temp folder becomes a cache entry (the first writer wins);
 * - {@link replaceFolder}: a staged folder replaces a destination tspack owns (the output folder, an
 *   install tree), swapped, or for a mount point replaced entry by entry.
 * Temp names come from temp-path.ts (in the cache's `tmp/`) and staging.ts (beside or inside a
 * destination); both carry the writer's pid, so a killed run's leftovers are swept by a later one. The
 * ownership checks come first (ownership.ts): a temp in the cache opens it through the guard
 * (`createTempPath`), and a cache entry is never published outside its cache.
 */
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { link, lstat, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { makeDirs } from "./make-dirs.js";
import { isSameOrInside } from "./ownership.js";
import { innerPath, isInnerStagingName, type StagingTag, siblingPath, sweepLeftovers } from "./staging.js";
import { createTempPath } from "./temp-path.js";

/** How a publish ended: put in place, or an entry already there was kept (`replace: false`). */
export type PublishOutcome = "published" | "existing";

/** Options of {@link publishFile}. */
export interface PublishFileOptions {
  /**
   * False: a file already at the destination is kept and the temp file dropped (a content-addressed cache
   * entry: the first writer wins, and an entry is never replaced under a reader). Default true: replaced.
   */
  replace?: boolean;
  /** Mode of the parent folders it creates (default 0o777 less the umask). */
  dirMode?: number;
}

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** Hard links are not everywhere (FAT, some network and FUSE file systems): then check, then rename. */
const NO_LINK = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV"]);

/**
 * Publishes a fully written temp file at `finalPath` (same file system): one rename, or with
 * `replace: false` a hard link that fails when an entry exists. The temp file is gone afterwards, whether
 * it was published or not. Creates the parent folders.
 */
export async function publishFile(
  tmpPath: string,
  finalPath: string,
  options: PublishFileOptions = {},
): Promise<PublishOutcome> {
  let placed = false;
  try {
    await makeDirs(dirname(finalPath), options.dirMode);
    if (options.replace !== false) {
      await rename(tmpPath, finalPath);
      placed = true;
      return "published";
    }
    try {
      await link(tmpPath, finalPath);
      return "published";
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return "existing";
      if (code === undefined || !NO_LINK.has(code)) throw e;
    }
    if (await exists(finalPath)) return "existing";
    await rename(tmpPath, finalPath);
    placed = true;
    return "published";
  } finally {
    if (!placed) await rm(tmpPath, { force: true }).catch(() => {});
  }
}

/** Where {@link writeFileAtomic} makes its temp file. */
export type TempPlace =
  /** In the cache's `tmp/` (`<pid>-<16 hex><suffix>`): for an entry of the cache at `cacheRoot`. */
  | { cacheRoot: string; suffix?: string }
  /** Beside the file (`.<name>.tspack-<tag>-<pid>-<8 hex>`): for a file outside the cache. */
  | { beside: StagingTag }
  /** A temp path made by {@link tempFileFor} (so the caller can name it in its error reports). */
  | { path: string };

/**
 * A fresh temp path for a file to be published at `path`: in the cache's `tmp/` (which opens the cache
 * through the ownership guard; `path` must be inside that cache), or beside `path` (its folder is created,
 * and the leftovers of dead runs there are swept). Nothing is created at the returned path.
 * @throws TSPACK_NOT_OWNED (a cache root that is not tspack's), TSPACK_INTERNAL (a cache entry outside its cache)
 */
export async function tempFileFor(path: string, place: TempPlace): Promise<string> {
  if ("path" in place) return place.path;
  if ("cacheRoot" in place) {
    if (!isSameOrInside(resolve(path), resolve(place.cacheRoot)) || resolve(path) === resolve(place.cacheRoot))
      throw new TspackError(
        ERROR_CODES.INTERNAL,
        `The cache entry "${path}" is not inside the cache "${place.cacheRoot}" whose temp folder would hold it`,
      );
    return createTempPath(place.cacheRoot, place.suffix);
  }
  await makeDirs(dirname(path));
  sweepLeftovers(path);
  return siblingPath(path, place.beside);
}

/** The bytes {@link writeFileAtomic} writes: what `fs.promises.writeFile` takes. */
export type AtomicData = Parameters<typeof writeFile>[1];

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions extends PublishFileOptions {
  /** Where the temp file goes: the cache's `tmp/` for cache entries, beside the file for the others. */
  temp: TempPlace;
  /** Mode of the file (default 0o666 less the umask). */
  mode?: number;
}

/**
 * Writes `data` to `path` atomically: into a fresh temp file (never an existing one: flag `wx`), then
 * {@link publishFile}. When anything fails (the write, a stream of `data` that throws, the rename), the temp
 * file is removed and `path` is as it was. With `replace: false` an existing file is kept and nothing is
 * written. Errors are thrown (a caller for whom the write is only an accelerator ignores them).
 */
export async function writeFileAtomic(
  path: string,
  data: AtomicData,
  options: WriteFileAtomicOptions,
): Promise<PublishOutcome> {
  if (options.replace === false && (await exists(path))) return "existing";
  const tmp = await tempFileFor(path, options.temp);
  try {
    await writeFile(tmp, data, { flag: "wx", ...(options.mode === undefined ? {} : { mode: options.mode }) });
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  return publishFile(tmp, path, options);
}

/** How {@link publishDirectory} ended. */
export type PublishDirectoryOutcome = PublishOutcome;

/**
 * Publishes a fully written temp directory at `finalDir` by an atomic rename. If another writer
 * won the race (`finalDir` already exists and is not empty), removes `tmpDir` and returns
 * `"existing"`: the winner's directory is used.
 */
export async function publishDirectory(tmpDir: string, finalDir: string): Promise<PublishDirectoryOutcome> {
  await makeDirs(dirname(finalDir));
  try {
    await rename(tmpDir, finalDir);
    return "published";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
    await rm(tmpDir, { recursive: true, force: true });
    return "existing";
  }
}

/**
 * Renames `from` to `to` (a file replaces a file); across file systems (EXDEV: a mount point that was not
 * detected) copies instead (modes, times and symlinks kept) and deletes `from`.
 */
export function moveEntry(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, force: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/** Options of {@link replaceFolder}. */
export interface ReplaceFolderOptions {
  /** True when the staging folder is inside `dest` (a mount point): replace the contents. */
  inPlace: boolean;
  /** The entries of `dest` to replace (already proven tspack's by the caller's ownership check). */
  old: () => readonly string[];
  /**
   * Entries that prove the folder is tspack's (`build.json`, `*.dist-info`): when contents are replaced one
   * by one, they leave last and arrive first, so an interrupted replacement still holds its proof.
   */
  isProof?: (name: string) => boolean;
}

const UNRENAMABLE = new Set(["EBUSY", "EXDEV", "EPERM", "EACCES"]);

/**
 * Puts a complete staged folder in place of `dest`. An ordinary folder is swapped: `dest` is renamed aside,
 * the staged folder renamed in, the old tree deleted last (readers see the old folder or the new one). A
 * mount point (or any folder that cannot be renamed: EBUSY, EXDEV, EPERM, EACCES) keeps its own inode: the
 * old entries are moved into a hidden tspack folder inside it, the staged entries moved in, and the hidden
 * folder deleted. Returns `"rename"` when `dest` did not exist, else `"replace"`.
 */
export function replaceFolder(staging: string, dest: string, options: ReplaceFolderOptions): "rename" | "replace" {
  if (!options.inPlace) {
    const aside = siblingPath(dest, "old");
    let moved = false;
    try {
      renameSync(dest, aside);
      moved = true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        mkdirSync(dirname(dest), { recursive: true });
      } else if (code !== undefined && UNRENAMABLE.has(code)) {
        replaceContents(staging, dest, options);
        return "replace";
      } else throw e;
    }
    try {
      renameSync(staging, dest);
    } catch (e) {
      if (moved) renameSync(aside, dest);
      throw e;
    }
    if (moved) rmSync(aside, { recursive: true, force: true });
    return moved ? "replace" : "rename";
  }
  replaceContents(staging, dest, options);
  return "replace";
}

function replaceContents(staging: string, dest: string, options: ReplaceFolderOptions): void {
  const isProof = options.isProof ?? (() => false);
  const proofLast = (list: readonly string[]): string[] => [
    ...list.filter((n) => !isProof(n)),
    ...list.filter((n) => isProof(n)),
  ];
  const stagingName = basename(staging);
  const old = options.old().filter((n) => n !== stagingName && !isInnerStagingName(n));
  const aside = innerPath(dest, "old");
  mkdirSync(aside);
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  try {
    for (const name of proofLast(old)) {
      try {
        moveEntry(join(dest, name), join(aside, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw e;
      }
      movedOut.push(name);
    }
    for (const name of proofLast(readdirSync(staging)).reverse()) {
      moveEntry(join(staging, name), join(dest, name));
      movedIn.push(name);
    }
  } catch (e) {
    // Put the old entries back (the new ones are tspack's: removed).
    for (const name of movedIn) rmSync(join(dest, name), { recursive: true, force: true });
    let restored = true;
    for (const name of movedOut.reverse()) {
      try {
        moveEntry(join(aside, name), join(dest, name));
      } catch {
        restored = false; // stays in the hidden folder (the next run's sweep removes it)
      }
    }
    if (restored) rmSync(aside, { recursive: true, force: true });
    throw e;
  }
  rmSync(staging, { recursive: true, force: true });
  rmSync(aside, { recursive: true, force: true });
}
