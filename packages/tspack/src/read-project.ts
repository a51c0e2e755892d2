import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { classifyError, ERROR_CODES, TspackError } from "@tspack/errors";
import type { ProjectInfo } from "@tspack/plan";
import { compileGlob, globMatches, type PyprojectInfo, parsePyproject, projectInfoForPlan } from "@tspack/project";
import { type Lock, type LockWarning, parseUvLock } from "@tspack/uv-lock";

/** Where the project and its lock are. */
export interface ProjectOptions {
  /** Folder with pyproject.toml and uv.lock (default: `process.cwd()` of the caller). */
  projectDir?: string;
  /** uv.lock elsewhere (a relative path resolves against the current folder, like the CLI's `--lock`). */
  lockPath?: string;
}

/** A project read from disk: the parsed lock, pyproject.toml (when present) and what selection needs. */
export interface ProjectContext {
  projectDir: string;
  lockPath: string;
  lock: Lock;
  /** Absent when the folder has no pyproject.toml (a bare lock); selection then uses the lock's root. */
  pyproject: PyprojectInfo | undefined;
  projectInfo: ProjectInfo;
  warnings: LockWarning[];
}

/**
 * Reads and validates `uv.lock` and `pyproject.toml`.
 * @throws TSPACK_FILE_NOT_FOUND, TSPACK_TOML_SYNTAX, TSPACK_LOCK_INVALID, TSPACK_LOCK_VERSION_UNSUPPORTED,
 *   TSPACK_PYPROJECT_INVALID
 */
export async function readProject(options: ProjectOptions = {}): Promise<ProjectContext> {
  const { projectDir, lockPath } = projectPaths(options);
  try {
    return projectFromTexts(projectDir, lockPath, await readProjectTexts(projectDir, lockPath));
  } catch (e) {
    throw classifyError(e, { paths: [{ path: projectDir, what: "the project" }] });
  }
}

/**
 * The texts a project is made of: uv.lock and pyproject.toml (undefined when the folder has none, or when
 * it cannot be read: a bare lock is planned from the lock's root).
 * @throws TSPACK_FILE_NOT_FOUND (no lock)
 */
export async function readProjectTexts(
  projectDir: string,
  lockPath: string,
): Promise<{ lockText: string; pyprojectText: string | undefined }> {
  const lockText = await readLockText(lockPath);
  let pyprojectText: string | undefined;
  try {
    pyprojectText = readFileSync(join(projectDir, "pyproject.toml"), "utf8");
  } catch {
    pyprojectText = undefined;
  }
  return { lockText, pyprojectText };
}

/** Parses the texts of {@link readProjectTexts} into a project (what {@link readProject} returns). */
export function projectFromTexts(
  projectDir: string,
  lockPath: string,
  texts: { lockText: string; pyprojectText: string | undefined },
): ProjectContext {
  const { lock, warnings } = parseUvLock(texts.lockText, { path: lockPath });
  const pyproject =
    texts.pyprojectText === undefined
      ? undefined
      : parsePyproject(texts.pyprojectText, join(projectDir, "pyproject.toml"));
  return {
    projectDir,
    lockPath,
    lock,
    pyproject,
    projectInfo: pyproject ? projectInfoForPlan(pyproject) : projectInfoFromLock(lock),
    warnings,
  };
}

/**
 * The absolute project folder and lock path of `options`. Without `lockPath`, the lock is the workspace
 * root's: `projectDir/uv.lock` when it exists, else the uv.lock of the workspace that has `projectDir` as
 * a member (see {@link findWorkspaceRoot}).
 */
export function projectPaths(options: ProjectOptions): { projectDir: string; lockPath: string } {
  const projectDir = resolve(options.projectDir ?? ".");
  if (options.lockPath) return { projectDir, lockPath: resolve(options.lockPath) };
  const own = join(projectDir, "uv.lock");
  if (isFile(own)) return { projectDir, lockPath: own };
  return { projectDir, lockPath: join(findWorkspaceRoot(projectDir), "uv.lock") };
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

function readPyprojectAt(dir: string): PyprojectInfo | undefined {
  const file = join(dir, "pyproject.toml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return parsePyproject(text, file);
}

/**
 * The workspace root of the project in `projectDir`, found like uv (crates/uv-workspace workspace.rs):
 * the nearest folder at or above it whose pyproject.toml has `[tool.uv.workspace]` with `projectDir`
 * among its `members` (and not in `exclude`); `projectDir` itself when there is none.
 * @throws TSPACK_PYPROJECT_INVALID for an invalid pyproject.toml on the way
 */
export function findWorkspaceRoot(projectDir: string): string {
  let dir = resolve(projectDir);
  for (;;) {
    let ws: PyprojectInfo["uv"]["workspace"];
    try {
      ws = readPyprojectAt(dir)?.uv.workspace;
    } catch {
      ws = undefined; // an invalid pyproject.toml on the way is not this project's workspace (its own is read later)
    }
    if (ws !== undefined) {
      const rel = relative(dir, projectDir).split(sep).join("/");
      if (rel === "") return dir;
      const member = ws.members.some((m) => globMatches(compileGlob(m), rel, true));
      const excluded = ws.exclude.some((m) => globMatches(compileGlob(m), rel, true));
      if (member && !excluded) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(projectDir);
    dir = parent;
  }
}

/** A project found from a starting folder, as uv finds it. */
export interface DiscoveredProject {
  /** The folder of the nearest pyproject.toml at or above the start. */
  projectDir: string;
  /** The workspace root's uv.lock (or `lockPath` when given). */
  lockPath: string;
}

/**
 * Finds the project from `start` like uv: the nearest pyproject.toml in `start` or a folder above it,
 * then its workspace root (see {@link findWorkspaceRoot}); the lock is the root's uv.lock. With an
 * explicit `lockPath`, a folder without pyproject.toml is allowed (the lock's root project is used).
 * @throws TSPACK_FILE_NOT_FOUND when `start` is not a folder, naming the folder searched when there is no
 *   pyproject.toml, or no uv.lock at the workspace root (hint: `uv lock`)
 */
export function discoverProject(start: string, options: { lockPath?: string } = {}): DiscoveredProject {
  const from = resolve(start);
  const info = statSync(from, { throwIfNoEntry: false });
  if (info === undefined || !info.isDirectory()) {
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      `The project folder "${from}" ${info === undefined ? "does not exist" : "is not a folder"}`,
      {
        hint: "Give the folder of the project (or one inside it) that holds pyproject.toml; its uv.lock is found at the workspace root",
        details: { path: from },
      },
    );
  }
  let dir = from;
  for (;;) {
    if (isFile(join(dir, "pyproject.toml"))) break;
    const parent = dirname(dir);
    if (parent === dir) {
      if (options.lockPath !== undefined) return { projectDir: from, lockPath: resolve(options.lockPath) };
      throw new TspackError(ERROR_CODES.FILE_NOT_FOUND, `No pyproject.toml found in "${from}" or any folder above it`, {
        hint: "Run tspack in the project's folder (or a folder inside it), or pass --project DIR. To start a project there, run `uv init` and `uv lock`.",
        details: { path: from },
      });
    }
    dir = parent;
  }
  if (options.lockPath !== undefined) return { projectDir: dir, lockPath: resolve(options.lockPath) };
  const root = findWorkspaceRoot(dir);
  const lockPath = join(root, "uv.lock");
  if (!isFile(lockPath)) {
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      root === dir
        ? `Unable to find lockfile at "${lockPath}" (the project "${dir}" has no uv.lock)`
        : `Unable to find lockfile at "${lockPath}" (the workspace root of "${dir}" has no uv.lock)`,
      {
        hint: `Run \`uv lock\` in "${root}" to create it, or point at it with --lock PATH`,
        details: { path: lockPath },
      },
    );
  }
  return { projectDir: dir, lockPath };
}

/** The text of uv.lock. @throws TSPACK_FILE_NOT_FOUND naming the path, with a hint. */
export async function readLockText(lockPath: string): Promise<string> {
  try {
    // Synchronous: one small file, read before anything else is in flight.
    return readFileSync(lockPath, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      code === "ENOENT"
        ? `Unable to find lockfile at "${lockPath}"`
        : `Cannot read the lockfile "${lockPath}": ${(e as Error).message}`,
      {
        hint:
          code === "ENOENT"
            ? "Run `uv lock` in the project to create it, or point at it with --lock PATH"
            : "Check the file's permissions",
        cause: e,
        details: { path: lockPath },
      },
    );
  }
}

/**
 * The folder the lock's relative paths (local wheels, workspace members) are relative to: uv writes them
 * relative to the workspace root, which is where uv.lock lives (not necessarily `projectDir`).
 */
export function workspaceRootOf(project: Pick<ProjectContext, "lockPath">): string {
  return dirname(project.lockPath);
}

/** Without pyproject.toml: the root is the lock's package whose source is the workspace root ("."). */
function projectInfoFromLock(lock: Lock): ProjectInfo {
  const root = lock.packages.find(
    (p) =>
      (p.source.kind === "editable" || p.source.kind === "virtual" || p.source.kind === "directory") &&
      p.source.path === ".",
  );
  const groups = new Set<string>();
  if (root) for (const g of Object.keys(root.devDependencies)) groups.add(g);
  if (root?.metadata) for (const g of Object.keys(root.metadata.requiresDev)) groups.add(g);
  return {
    ...(root ? { name: root.name } : {}),
    dependencyGroups: [...groups].sort(),
    optionalDependencies: Object.keys(root?.optionalDependencies ?? {}).sort(),
  };
}
