import { readdirSync, realpathSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";

/** `stat` (following links), or undefined when it fails (dangling link, permissions). */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A file found on disk. */
export interface WalkedFile {
  /** POSIX path relative to the walk root. */
  path: string;
  /** Absolute (or root-joined) path on disk. */
  abs: string;
  /** 0o755 when any execute bit is set, else 0o644. */
  mode: 0o644 | 0o755;
}

/** Names never collected at any depth: VCS data, virtualenvs, caches. */
export const ALWAYS_EXCLUDED_DIRS: readonly string[] = [
  ".git",
  ".hg",
  ".svn",
  ".venv",
  "venv",
  "node_modules",
  "__pycache__",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  ".tox",
  ".nox",
];

/** True for files never collected at any depth (`*.pyc`, `*.pyo`, `.DS_Store`). */
export function isAlwaysExcludedFile(name: string): boolean {
  return name.endsWith(".pyc") || name.endsWith(".pyo") || name === ".DS_Store";
}

/**
 * Walks `root/rel` recursively and returns its files sorted by path. `skipDir(relPath, name)` prunes
 * directories; `ALWAYS_EXCLUDED_DIRS` and {@link isAlwaysExcludedFile} apply everywhere. Symlinks are
 * followed; a directory cycle is walked once.
 */
export async function walkFiles(
  root: string,
  rel = "",
  skipDir: (relPath: string, name: string) => boolean = () => false,
): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const seen = new Set<string>();
  // Synchronous calls: a project tree is small, and thread-pool round trips cost more than the syscalls.
  const visit = (relDir: string): void => {
    const absDir = relDir === "" ? root : join(root, relDir);
    const real = realpathSync(absDir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = readdirSync(absDir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      const abs = join(absDir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let mode = 0;
      if (entry.isSymbolicLink() || isFile) {
        const st = statOrUndefined(abs);
        if (st === undefined) continue; // dangling link
        isDir = st.isDirectory();
        isFile = st.isFile();
        mode = st.mode;
      }
      if (isDir) {
        if (ALWAYS_EXCLUDED_DIRS.includes(entry.name) || skipDir(relPath, entry.name)) continue;
        visit(relPath);
      } else if (isFile && !isAlwaysExcludedFile(entry.name)) {
        out.push({ path: relPath, abs, mode: (mode & 0o111) !== 0 ? 0o755 : 0o644 });
      }
    }
  };
  visit(rel);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
