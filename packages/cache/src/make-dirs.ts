import { mkdirSync, statSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

const code = (e: unknown): unknown => (e as NodeJS.ErrnoException).code;

/** Node's EEXIST for a folder to make that is a file: reported as what it is, ENOTDIR. */
function notDir(e: unknown, isDir: (path: string) => boolean): unknown {
  const path = (e as NodeJS.ErrnoException).path;
  if (code(e) !== "EEXIST" || path === undefined || isDir(path)) return e;
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: "ENOTDIR",
    syscall: "mkdir",
    path,
  });
}

const isDirSync = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * `mkdir -p` whose error is the real one. Node's recursive mkdir reports ENOENT when the real cause is
 * a read-only file system (nodejs/node#47098; a full disk or a permission on older Nodes, #42808,
 * #31481): on ENOENT, the missing folders are made one by one from the first existing one, so that a
 * plain mkdir's error (EROFS, ENOSPC, EACCES…) is thrown instead. A folder to make that exists as a file is
 * ENOTDIR (Node says EEXIST). `mode` (default 0o777, less the umask) applies to the folders it makes.
 */
export function makeDirsSync(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (e) {
    if (code(e) !== "ENOENT") throw notDir(e, isDirSync);
    const missing: string[] = [];
    for (let d = dir; statSync(d, { throwIfNoEntry: false }) === undefined && dirname(d) !== d; d = dirname(d))
      missing.unshift(d);
    if (missing.length === 0) throw e;
    for (const d of missing) {
      try {
        mkdirSync(d, mode);
      } catch (e2) {
        if (code(e2) !== "EEXIST" || !isDirSync(d)) throw notDir(e2, isDirSync);
      }
    }
  }
}

/** The async {@link makeDirsSync}. */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (e) {
    if (code(e) !== "ENOENT") throw notDir(e, isDirSync);
    const exists = (d: string): Promise<boolean> =>
      stat(d).then(
        () => true,
        () => false,
      );
    const missing: string[] = [];
    for (let d = dir; !(await exists(d)) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
    if (missing.length === 0) throw e;
    for (const d of missing) {
      try {
        await mkdir(d, mode);
      } catch (e2) {
        if (code(e2) !== "EEXIST" || !isDirSync(d)) throw notDir(e2, isDirSync);
      }
    }
  }
}
