import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { compileGlob, globMatchesFileOrParent } from "./glob.js";
import type { TspackConfig } from "./tspack-config.js";
import { ALWAYS_EXCLUDED_DIRS, isAlwaysExcludedFile, statOrUndefined, walkFiles } from "./walk.js";

/** One file of the project's own code, ready for a zip. */
export interface ProjectFile {
  /** POSIX path relative to the zip root (= relative to the project directory). */
  path: string;
  /** Absolute path on disk. */
  abs: string;
  /** 0o755 when executable on disk, else 0o644. */
  mode: 0o644 | 0o755;
}

/** Top-level directories never collected (build output, tests). */
export const EXCLUDED_TOP_LEVEL_DIRS: readonly string[] = ["build", "dist", "test", "tests"];

/** Top-level modules that are tooling, not application code. */
export function isExcludedTopLevelModule(name: string): boolean {
  return (
    ["setup.py", "conftest.py", "noxfile.py"].includes(name) || /^test_.*\.py$/.test(name) || /^.*_test\.py$/.test(name)
  );
}

/**
 * Collects the code of a project that is not built as a wheel (a virtual root such as the uv guide's
 * FastAPI app). Default: every top-level directory with an `__init__.py` (unless it holds its own
 * pyproject.toml, or is `tests`/`test`/`build`/`dist`) and every top-level `*.py` module (except
 * setup.py, conftest.py, noxfile.py, test_*.py, *_test.py). `include` globs replace the default
 * selection; `exclude` globs then remove files. VCS data, virtualenvs, `__pycache__`, `*.pyc` and
 * `.DS_Store` are never collected, nor is the `out` directory. Sorted by path.
 */
export async function collectProjectFiles(
  projectDir: string,
  config: Pick<TspackConfig, "include" | "exclude" | "out"> = {},
): Promise<ProjectFile[]> {
  const root = resolve(projectDir);
  let outRel: string | undefined;
  if (config.out !== undefined) {
    const r = relative(root, resolve(root, config.out));
    if (r !== "" && !r.startsWith("..")) outRel = r.split(sep).join("/");
  }
  const skipDir = (relPath: string, name: string): boolean =>
    relPath === outRel || (!relPath.includes("/") && (name === "build" || name === "dist"));

  let files: ProjectFile[] = [];
  if (config.include !== undefined) {
    const globs = config.include.map(compileGlob);
    files = (await walkFiles(root, "", skipDir)).filter((f) => globs.some((g) => globMatchesFileOrParent(g, f.path)));
  } else {
    const entries = readdirSync(root, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const abs = join(root, e.name);
      const st = statOrUndefined(abs);
      if (st === undefined) continue;
      if (st.isDirectory()) {
        if (ALWAYS_EXCLUDED_DIRS.includes(e.name) || EXCLUDED_TOP_LEVEL_DIRS.includes(e.name) || e.name === outRel)
          continue;
        if (!existsSync(join(abs, "__init__.py")) || existsSync(join(abs, "pyproject.toml"))) continue;
        files.push(...(await walkFiles(root, e.name, skipDir)));
      } else if (st.isFile() && e.name.endsWith(".py") && !isExcludedTopLevelModule(e.name)) {
        if (isAlwaysExcludedFile(e.name)) continue;
        files.push({ path: e.name, abs, mode: (st.mode & 0o111) !== 0 ? 0o755 : 0o644 });
      }
    }
  }
  if (config.exclude !== undefined) {
    const globs = config.exclude.map(compileGlob);
    files = files.filter((f) => !globs.some((g) => globMatchesFileOrParent(g, f.path)));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
