import { chmodSync, closeSync, mkdirSync, openSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { copyInto, type Linker } from "./link-mode.js";

/** The process umask (modes are fixed up with chmod only when the umask would change them). */
function currentUmask(): number {
  // process.umask() without argument is documentation-deprecated (DEP0139) but has no replacement.
  return process.umask();
}

/** Options of {@link TreeWriter}. */
export interface TreeWriterOptions {
  /** Create the root folder (0o755; its parent must exist, the root must not). Default: the root exists. */
  createRoot?: boolean;
  /**
   * One fixed modification time (seconds since 1970) for every file written and, with {@link TreeWriter.finish},
   * every folder (a `COPY` of the tree into an image then gives the same layer on any machine); files linked
   * from the cache ({@link TreeWriter.linkFile}) keep theirs. Default: none set.
   */
  mtime?: number;
}

/**
 * The one directory writer of tspack (an install's staging tree, the dir layout's task root): writes files
 * into a fresh directory tree (the paths written must not exist): creates parent directories once (0o755),
 * files with exact modes (0o644/0o755) whatever the umask, and with `mtime` one fixed time on all of them.
 */
export class TreeWriter {
  readonly root: string;
  readonly #dirs = new Set<string>([""]);
  readonly #umask: number;
  readonly #mtime: number | undefined;
  files = 0;
  bytes = 0;

  constructor(root: string, options: TreeWriterOptions = {}) {
    this.root = root;
    this.#umask = currentUmask();
    this.#mtime = options.mtime;
    if (options.createRoot) {
      mkdirSync(root, { mode: 0o755 });
      if ((0o755 & this.#umask) !== 0) chmodSync(root, 0o755);
    }
  }

  #abs(rel: string): string {
    return rel === "" ? this.root : `${this.root}/${rel}`;
  }

  /** Creates directory `rel` (posix, relative to the root) and its parents. */
  ensureDir(rel: string): void {
    if (this.#dirs.has(rel)) return;
    const slash = rel.lastIndexOf("/");
    this.ensureDir(slash < 0 ? "" : rel.slice(0, slash));
    try {
      mkdirSync(this.#abs(rel), { mode: 0o755 });
      if ((0o755 & this.#umask) !== 0) chmodSync(this.#abs(rel), 0o755);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    this.#dirs.add(rel);
  }

  #parent(rel: string): void {
    const slash = rel.lastIndexOf("/");
    this.ensureDir(slash < 0 ? "" : rel.slice(0, slash));
  }

  /** Writes `data` to `rel` with `mode`. */
  writeFile(rel: string, data: Uint8Array, mode: number): void {
    this.#parent(rel);
    const abs = this.#abs(rel);
    writeFileSync(abs, data, { mode, flag: "wx" });
    this.#done(abs, mode, data.length);
  }

  /**
   * Writes a file piece by piece: `fill` is given a function that writes each chunk in order (a big entry
   * inflated as it streams, in bounded memory). The file is complete when `fill` resolves.
   */
  async writeStream(
    rel: string,
    mode: number,
    fill: (write: (chunk: Uint8Array) => void) => Promise<void>,
  ): Promise<void> {
    this.#parent(rel);
    const abs = this.#abs(rel);
    const fd = openSync(abs, "wx", mode);
    let size = 0;
    try {
      await fill((chunk) => {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
        size += chunk.length;
      });
    } finally {
      closeSync(fd);
    }
    this.#done(abs, mode, size);
  }

  #done(abs: string, mode: number, size: number): void {
    if ((mode & this.#umask) !== 0) chmodSync(abs, mode);
    if (this.#mtime !== undefined) utimesSync(abs, this.#mtime, this.#mtime);
    this.files++;
    this.bytes += size;
  }

  /**
   * With `mtime`, sets it on every folder of the tree, the root included, deepest first (writing a file
   * changes its folder's time, so this comes last). Without, does nothing.
   */
  finish(): void {
    if (this.#mtime === undefined) return;
    const dirs = [...this.#dirs].sort((a, b) => b.length - a.length);
    for (const d of dirs) utimesSync(this.#abs(d), this.#mtime, this.#mtime);
  }

  /**
   * Links `src` (a cache file whose mode is `srcMode`) to `rel` with the linker's mode. When the
   * wanted `mode` differs, the file is copied with that mode instead, so the cache file keeps its own.
   */
  linkFile(rel: string, src: string, srcMode: number, mode: number, size: number, linker: Linker): void {
    this.#parent(rel);
    const abs = this.#abs(rel);
    if (srcMode === mode) linker.link(src, abs, mode);
    else copyInto(src, abs, mode, this.#umask);
    this.files++;
    this.bytes += size;
  }
}
