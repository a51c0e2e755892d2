import { constants, copyFileSync, linkSync } from "node:fs";

/** How files come from the unpacked cache into the target: uv's link modes (symlink is not offered). */
export type LinkMode = "clone" | "hardlink" | "copy";

/** Reported when the first file could not be linked with the requested mode. */
export interface LinkFallback {
  from: LinkMode;
  to: LinkMode;
  /** The error code that caused it (`ENOTSUP`, `EXDEV`, ...). */
  reason: string;
}

const NEXT: Record<LinkMode, LinkMode | undefined> = { clone: "hardlink", hardlink: "copy", copy: undefined };

/** One link (or copy) of `src` to `dest` with a decided mode, without fallback. */
export function linkOnce(mode: LinkMode, src: string, dest: string): void {
  if (mode === "clone") copyFileSync(src, dest, constants.COPYFILE_FICLONE_FORCE);
  else if (mode === "hardlink") linkSync(src, dest);
  else copyFileSync(src, dest);
}

/**
 * uv's link state machine: the mode is decided on the first file, falling back clone → hardlink →
 * copy (`onFallback` is called once per step); after the first success, failures are errors.
 */
export class Linker {
  #mode: LinkMode;
  #decided = false;
  readonly #onFallback: (f: LinkFallback) => void;

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

  /** Links (or copies) `src` to `dest`, which must not exist. */
  link(src: string, dest: string): void {
    if (this.#decided) {
      linkOnce(this.#mode, src, dest);
      return;
    }
    for (;;) {
      try {
        linkOnce(this.#mode, src, dest);
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
