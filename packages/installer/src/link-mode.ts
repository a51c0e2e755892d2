import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { ERROR_CODES, TspackError } from "@tspack/errors";

/**
 * How files come from the unpacked cache into the target: uv's link modes, with tspack's safe
 * default. `clone` (the default) makes a reflink where the file system supports it (btrfs, XFS,
 * APFS…), else a copy; `copy` always copies; `hardlink` shares the cache's inodes (fastest, but an
 * edit of an installed file changes the cache and every later install). uv's `symlink` is refused
 * ({@link parseLinkMode}).
 */
export type LinkMode = "clone" | "copy" | "hardlink";

/** The link modes, in the order the help lists them. */
export const LINK_MODES: readonly LinkMode[] = ["clone", "copy", "hardlink"];

/**
 * A link mode given by the user (`--link-mode`, `TSPACK_LINK_MODE`, `UV_LINK_MODE`, the library
 * option): `clone` (or uv's alias `reflink`), `copy`, `hardlink`. `symlink`, which uv accepts, is
 * refused: the target would point into the cache. `source` names where the value came from.
 * @throws TSPACK_USAGE
 */
export function parseLinkMode(value: unknown, source: string): LinkMode {
  if (value === "reflink") return "clone";
  if (typeof value === "string" && (LINK_MODES as readonly string[]).includes(value)) return value as LinkMode;
  if (value === "symlink") {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The link mode "symlink" (${source}) is not supported by tspack: the installed files would be symlinks into the cache, which break when the cache is cleaned or pruned, and which zip tools store as links (or skip) instead of the files a Lambda function needs`,
      { hint: "Use clone (the default: a reflink where the file system supports it, else a copy), copy or hardlink." },
    );
  }
  throw new TspackError(
    ERROR_CODES.USAGE,
    `The link mode ${JSON.stringify(value)} (${source}) is not one of clone, copy, hardlink`,
    { hint: "clone (default: a reflink where the file system supports it, else a copy) | copy | hardlink" },
  );
}

/** Reported when the first file could not be linked with the requested mode. */
export interface LinkFallback {
  from: LinkMode;
  to: LinkMode;
  /** The error code that caused it (`ENOTSUP`, `EXDEV`, ...). */
  reason: string;
}

/**
 * Unlike uv (clone → hardlink → copy), a clone never falls back to a hard link: an install shares
 * inodes with the cache only when the user asked for it.
 */
const NEXT: Record<LinkMode, LinkMode | undefined> = { clone: "copy", hardlink: "copy", copy: undefined };

/** Bytes per read of {@link copyInto} (one read for ~all Python sources; bounded memory for large files). */
export const COPY_CHUNK = 256 * 1024;
let copyBuffer: Buffer | undefined;

/**
 * Copies `src` to a new file `dest` (which must not exist) with exactly `mode`: read and write
 * through one reused buffer. For the small files of a wheel this is ~1.5× faster than
 * `copyFileSync` (6 system calls instead of ~10: libuv's copy also fstats both files, fchmods and
 * tries copy_file_range before sendfile). `umask` is the process umask (a chmod fixes the mode
 * when it would change it). On failure no file is left at `dest` (like libuv's copy), so that the
 * caller may write it another way.
 */
export function copyInto(src: string, dest: string, mode: number, umask: number): void {
  const buf = (copyBuffer ??= Buffer.allocUnsafe(COPY_CHUNK));
  const from = openSync(src, "r");
  try {
    const to = openSync(dest, "wx", mode);
    let open = true;
    try {
      for (;;) {
        const n = readSync(from, buf, 0, COPY_CHUNK, null);
        if (n === 0) break;
        for (let off = 0; off < n; ) off += writeSync(to, buf, off, n - off);
      }
      open = false; // closed once, even if close fails (the number may be reused by another thread)
      closeSync(to);
      if ((mode & umask) !== 0) chmodSync(dest, mode);
    } catch (e) {
      if (open) closeSync(to);
      rmSync(dest, { force: true });
      throw e;
    }
  } finally {
    closeSync(from);
  }
}

/** libuv's copy with a reflink that must succeed (no silent fallback: the Linker decides). */
const CLONE_FLAGS = constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL;

/**
 * One link (or copy) of `src` to `dest` with a decided mode, without fallback. `mode` is the file's
 * install mode, which the cache file `src` has (callers copy files whose modes differ).
 */
export function linkOnce(linkMode: LinkMode, src: string, dest: string, mode: number, umask: number): void {
  if (linkMode === "clone") copyFileSync(src, dest, CLONE_FLAGS);
  else if (linkMode === "hardlink") linkSync(src, dest);
  else copyInto(src, dest, mode, umask);
}

/**
 * uv's link state machine: the mode is decided on the first file, falling back clone → copy or
 * hardlink → copy (`onFallback` is called once); after the first success, failures are errors.
 */
export class Linker {
  #mode: LinkMode;
  #decided = false;
  readonly #onFallback: (f: LinkFallback) => void;
  readonly #umask = process.umask();

  constructor(mode: LinkMode, onFallback: (f: LinkFallback) => void) {
    this.#mode = mode;
    this.#onFallback = onFallback;
  }

  /** The mode in use (the requested one until the first file decided it). */
  get mode(): LinkMode {
    return this.#mode;
  }

  /** True once a file was linked (the mode is final). */
  get decided(): boolean {
    return this.#decided;
  }

  /** Links (or copies) `src`, a cache file with install mode `mode`, to `dest`, which must not exist. */
  link(src: string, dest: string, mode: number): void {
    if (this.#decided) {
      linkOnce(this.#mode, src, dest, mode, this.#umask);
      return;
    }
    for (;;) {
      try {
        linkOnce(this.#mode, src, dest, mode, this.#umask);
        this.#decided = true;
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "UNKNOWN";
        const next = NEXT[this.#mode];
        // Errors that are about the source or destination, not the link mode, are real errors.
        if (next === undefined || code === "ENOENT" || code === "EEXIST" || code === "ENOSPC") throw e;
        this.#onFallback({ from: this.#mode, to: next, reason: code });
        this.#mode = next;
      }
    }
  }
}
