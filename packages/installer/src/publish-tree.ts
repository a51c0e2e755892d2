import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { normalizeEntryName, normalizeName, parseRecord } from "@tspack/wheel";

/** A sibling path of `dest` (same filesystem, so renames are atomic): `.<name>.tspack-<tag>-<pid>-<rand>`. */
export function siblingPath(dest: string, tag: string): string {
  return join(dirname(dest), `.${basename(dest)}.tspack-${tag}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

function kind(path: string): "dir" | "file" | "missing" {
  try {
    return lstatSync(path).isDirectory() ? "dir" : "file";
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw e;
  }
}

interface MoveAction {
  from: string;
  to: string;
}

/**
 * Plans moving the staged tree into an existing `dest`: whole subtrees missing in `dest` move with one
 * rename, files replace files atomically, directories present on both sides are walked. Throws
 * TSPACK_INSTALL_FAILED (before anything is touched) when a staged file meets a directory or vice versa.
 */
function planMerge(staging: string, dest: string, rel = "", out: MoveAction[] = []): MoveAction[] {
  for (const name of readdirSync(staging).sort()) {
    const from = join(staging, name);
    const to = join(dest, name);
    const r = rel === "" ? name : `${rel}/${name}`;
    const src = lstatSync(from).isDirectory() ? "dir" : "file";
    const dst = kind(to);
    if (dst === "missing" || (src === "file" && dst === "file")) out.push({ from, to });
    else if (src === "dir" && dst === "dir") planMerge(from, to, r, out);
    else {
      throw new TspackError(
        ERROR_CODES.INSTALL_FAILED,
        `The install into "${dest}" cannot merge "${r}": it is a ${dst === "dir" ? "directory" : "file"} in the target and a ${
          src === "dir" ? "directory" : "file"
        } in the new packages`,
        { hint: "Remove it from the target directory, or install with --clean.", details: { path: r } },
      );
    }
  }
  return out;
}

/** An installed distribution that was removed before its new version was merged in. */
export interface RemovedDistribution {
  distInfo: string;
  files: number;
}

/**
 * Uninstalls, from `libDir` (absolute, inside `root`), every `*.dist-info` whose normalized name is
 * in `names`: RECORD-listed files inside `root` (plus their `__pycache__/*.pyc`), the dist-info
 * directory, then directories left empty. Paths escaping `root` are ignored.
 */
export function uninstallDistributions(
  root: string,
  libDir: string,
  names: ReadonlySet<string>,
): RemovedDistribution[] {
  let listing: string[];
  try {
    listing = readdirSync(libDir);
  } catch {
    return [];
  }
  const removed: RemovedDistribution[] = [];
  for (const entry of listing.sort()) {
    if (!entry.endsWith(".dist-info")) continue;
    const dash = entry.indexOf("-");
    const name = normalizeName(dash < 0 ? entry.slice(0, -10) : entry.slice(0, dash));
    if (!names.has(name)) continue;
    const distInfo = join(libDir, entry);
    let rows: { path: string }[] = [];
    try {
      rows = parseRecord(readFileSync(join(distInfo, "RECORD"), "utf8"));
    } catch {
      rows = [];
    }
    const dirs = new Set<string>();
    let files = 0;
    const libRel = libDir === root ? "" : libDir.slice(root.length + 1);
    for (const row of rows) {
      const n = normalizeEntryName(libRel === "" ? row.path : `${libRel}/${row.path}`);
      if (!("path" in n) || n.path === "" || n.path.endsWith("/")) continue; // escapes the root: never touched
      const abs = join(root, n.path);
      try {
        unlinkSync(abs);
        files++;
      } catch {
        // already gone
      }
      dirs.add(dirname(abs));
      if (abs.endsWith(".py")) {
        const cache = join(dirname(abs), "__pycache__");
        const stem = `${basename(abs, ".py")}.`;
        try {
          for (const pyc of readdirSync(cache))
            if (pyc.startsWith(stem) && pyc.endsWith(".pyc")) unlinkSync(join(cache, pyc));
          dirs.add(cache);
        } catch {
          // no __pycache__
        }
      }
    }
    rmSync(distInfo, { recursive: true, force: true });
    const byDepth = [...dirs].sort((a, b) => b.length - a.length);
    for (let d of byDepth) {
      while (d.startsWith(`${root}/`) && d !== libDir) {
        try {
          rmdirSync(d);
        } catch {
          break;
        }
        d = dirname(d);
      }
    }
    removed.push({ distInfo: entry, files });
  }
  return removed;
}

/** How {@link publishTree} put the staged tree in place. */
export type PublishMode = "rename" | "replace" | "merge";

/**
 * Moves the complete staged tree to `dest`: a rename when `dest` does not exist; with `clean`, `dest`
 * is renamed aside, the staged tree renamed in, and the old tree deleted last; otherwise merged
 * (`beforeMerge` runs after the merge is checked and before anything moves — it uninstalls old
 * versions). The staging directory is gone afterwards.
 */
export function publishTree(staging: string, dest: string, clean: boolean, beforeMerge: () => void): PublishMode {
  if (!existsSync(dest)) {
    renameSync(staging, dest);
    return "rename";
  }
  if (clean) {
    const old = siblingPath(dest, "old");
    try {
      renameSync(dest, old);
    } catch (e) {
      // A mount point or a directory we may not rename: empty it in place, then merge.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EBUSY" && code !== "EPERM" && code !== "EACCES" && code !== "EXDEV") throw e;
      for (const name of readdirSync(dest)) rmSync(join(dest, name), { recursive: true, force: true });
      for (const { from, to } of planMerge(staging, dest)) renameSync(from, to);
      rmSync(staging, { recursive: true, force: true });
      return "replace";
    }
    try {
      renameSync(staging, dest);
    } catch (e) {
      renameSync(old, dest);
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
    return "replace";
  }
  planMerge(staging, dest);
  beforeMerge();
  for (const { from, to } of planMerge(staging, dest)) renameSync(from, to);
  rmSync(staging, { recursive: true, force: true });
  return "merge";
}
