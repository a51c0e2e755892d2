import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { checkTreeOwned, moveEntry, notOwnedError, replaceFolder } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { normalizeEntryName, normalizeName, parseRecord } from "@tspack/wheel";

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

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Every path (relative to `root`, `/`-separated) that the RECORD of a `*.dist-info` in `root` lists: the
 * `--target` layout's (at the root) and the `--prefix` layout's (`lib/pythonX.Y/site-packages/`), whatever
 * installed them (tspack, uv, pip). Paths that leave `root` are ignored.
 */
export function recordedPaths(root: string): Set<string> {
  const owned = new Set<string>();
  const libs = [""];
  for (const py of listDir(join(root, "lib")))
    if (/^python[0-9]+\.[0-9]+$/.test(py)) libs.push(`lib/${py}/site-packages`);
  for (const lib of libs) {
    for (const name of listDir(lib === "" ? root : join(root, lib))) {
      if (!name.endsWith(".dist-info")) continue;
      let rows: { path: string }[];
      try {
        rows = parseRecord(readFileSync(join(root, lib, name, "RECORD"), "utf8"));
      } catch {
        continue; // no readable RECORD: its files are not accounted for
      }
      for (const row of rows) {
        const n = normalizeEntryName(lib === "" ? row.path : `${lib}/${row.path}`);
        if ("path" in n && n.path !== "" && !n.path.endsWith("/")) owned.add(n.path);
      }
    }
  }
  return owned;
}

/**
 * The destination guard of an install: `dest` must be a folder (or not exist); with `clean`, every file in
 * it must belong to an installed distribution (listed in a RECORD there, or its bytecode), since `--clean`
 * replaces the whole folder.
 * @throws TSPACK_NOT_OWNED naming the folder and (some of) the files no RECORD lists.
 */
export function checkInstallDest(dest: string, layout: "target" | "prefix", clean: boolean): void {
  const label = `The --${layout} folder`;
  let isDir: boolean;
  try {
    isDir = lstatSync(dest).isDirectory();
  } catch (e) {
    // Missing (under a file further up: making the folder fails with that error, classified by the caller).
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw e;
  }
  if (!isDir)
    throw notOwnedError(dest, `${label} "${dest}" is a file, not a folder`, `Choose a folder for --${layout}`);
  if (clean)
    checkTreeOwned(
      dest,
      recordedPaths(dest),
      label,
      "--clean replaces the whole folder, and only when every file in it belongs to an installed package (a *.dist-info/RECORD lists it): move the other files away, install without --clean (it merges, like uv), or choose a new or empty folder",
    );
}

/** How {@link publishTree} put the staged tree in place. */
export type PublishMode = "rename" | "replace" | "merge";

/** Options of {@link publishTree}. */
export interface PublishTreeOptions {
  layout: "target" | "prefix";
  /** Replace the whole folder (after checking again that every file in it is an installed package's). */
  clean: boolean;
  /** The staging folder is inside `dest` (a mount point): its contents are replaced or merged. */
  inPlace: boolean;
  /** Runs after the merge is checked and before anything moves (it uninstalls old versions). */
  beforeMerge: () => void;
}

/**
 * Moves the complete staged tree to `dest`: a rename when `dest` does not exist; with `clean`, the tree
 * replaces `dest` (swapped, or for a mount point replaced entry by entry: replaceFolder in @tspack/cache);
 * otherwise merged. The staging directory is gone afterwards.
 */
export function publishTree(staging: string, dest: string, options: PublishTreeOptions): PublishMode {
  if (!existsSync(dest)) {
    moveEntry(staging, dest);
    return "rename";
  }
  if (options.clean) {
    // Checked before the install too; again now, right before anything is deleted.
    checkInstallDest(dest, options.layout, true);
    return replaceFolder(staging, dest, {
      inPlace: options.inPlace,
      old: () => readdirSync(dest),
      isProof: (name) => name === "lib" || name.endsWith(".dist-info"),
    });
  }
  planMerge(staging, dest); // throws before anything moves
  options.beforeMerge();
  // Planned again: uninstalling may have removed folders, which then move in whole.
  for (const { from, to } of planMerge(staging, dest)) moveEntry(from, to);
  rmSync(staging, { recursive: true, force: true });
  return "merge";
}
