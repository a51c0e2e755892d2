import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { copyInto, type Linker } from "./link-mode.js";

/** The process umask (modes are fixed up with chmod only when the umask would change them). */
function currentUmask(): number {
  // process.umask() without argument is documentation-deprecated (DEP0139) but has no replacement.
  return process.umask();
}

/**
 * Writes files into a fresh directory tree (`root` must exist and be empty of the paths written):
 * creates parent directories once (0o755), files with exact modes (0o644/0o755) whatever the umask.
 */
export class TreeWriter {
  readonly root: string;
  readonly #dirs = new Set<string>([""]);
  readonly #umask: number;
  files = 0;
  bytes = 0;

  constructor(root: string) {
    this.root = root;
    this.#umask = currentUmask();
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
    if ((mode & this.#umask) !== 0) chmodSync(abs, mode);
    this.files++;
    this.bytes += data.length;
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
