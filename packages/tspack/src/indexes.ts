/**
 * The package indexes of a project, for credentials: `[[tool.uv.index]]` of the project's pyproject.toml
 * and, when the project is a workspace member (uv.lock lives in another folder), of the workspace
 * root's. @tspack/project parses the tables; @tspack/fetch maps a URL to its index's credentials. The one
 * place where index configuration is assembled (command-line indexes join here).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { IndexConfig } from "@tspack/fetch";
import { parsePyproject, type UvIndex } from "@tspack/project";
import { findWorkspaceRoot, type ProjectContext, workspaceRootOf } from "./read-project.js";

export function toIndexConfig(index: UvIndex): IndexConfig {
  return {
    ...(index.name === undefined ? {} : { name: index.name }),
    url: index.url,
    authenticate: index.authenticate,
  };
}

/** The root's `[[tool.uv.index]]` when `project` is a workspace member (the root has its own pyproject.toml). */
function workspaceRootIndexes(project: Pick<ProjectContext, "projectDir" | "lockPath">): UvIndex[] {
  const root = workspaceRootOf(project);
  if (resolve(root) === resolve(project.projectDir)) return [];
  const file = join(root, "pyproject.toml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return []; // a lock without a pyproject.toml beside it (or an unreadable one): no root indexes
  }
  return parsePyproject(text, file).uv.indexes ?? [];
}

/**
 * Every `[[tool.uv.index]]` the project declares, with all its settings: the project's own first, then
 * the workspace root's (uv reads both).
 * @throws TSPACK_PYPROJECT_INVALID when the workspace root's pyproject.toml is invalid
 */
export function declaredIndexes(project: Pick<ProjectContext, "projectDir" | "lockPath" | "pyproject">): UvIndex[] {
  return [...(project.pyproject?.uv.indexes ?? []), ...workspaceRootIndexes(project)];
}

/**
 * Every index the project declares, for credentials (see {@link declaredIndexes}).
 * @throws TSPACK_PYPROJECT_INVALID when the workspace root's pyproject.toml is invalid
 */
export function projectIndexes(project: Pick<ProjectContext, "projectDir" | "lockPath" | "pyproject">): IndexConfig[] {
  return declaredIndexes(project).map(toIndexConfig);
}

/**
 * The `[[tool.uv.index]]` tables `uv pip install` reads from the folder it runs in: those of the nearest
 * pyproject.toml at or above `start` and of its workspace root. Empty when there is none, or when it cannot
 * be read (a requirements.txt install needs no project).
 */
export function nearestProjectIndexes(start: string): UvIndex[] {
  let dir = resolve(start);
  for (;;) {
    const file = join(dir, "pyproject.toml");
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
      try {
        const pyproject = parsePyproject(readFileSync(file, "utf8"), file);
        return declaredIndexes({ projectDir: dir, lockPath: join(findWorkspaceRoot(dir), "uv.lock"), pyproject });
      } catch {
        return [];
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

/** The index lines of `uv export --emit-index-url --emit-find-links`, and whether an explicit index was among them. */
export interface IndexPreamble {
  lines: string[];
  /** An `explicit = true` index was written as `--extra-index-url` (uv warns). */
  explicitEmitted: boolean;
}

/**
 * The preamble `uv export` writes (crates/uv/src/commands/project/export.rs): with `emitIndexUrl`,
 * `--index-url <default>` (the command line's default index, else the first `default = true` index,
 * else PyPI), then `--extra-index-url` for every other index — the non-explicit ones (command line
 * first, then pyproject's), then the explicit ones — each URL once, as written; with `emitFindLinks`,
 * `--find-links` for each location. Pure.
 */
export function indexPreamble(options: {
  emitIndexUrl: boolean;
  emitFindLinks: boolean;
  defaultIndex: string | undefined;
  indexes: ReadonlyArray<{ url: string }>;
  declared: readonly UvIndex[];
  findLinks: readonly string[];
}): IndexPreamble {
  const lines: string[] = [];
  let explicitEmitted = false;
  if (options.emitIndexUrl) {
    const seen = new Set<string>();
    const declaredDefault = options.declared.find((i) => i.default);
    const defaultUrl = options.defaultIndex ?? declaredDefault?.url ?? "https://pypi.org/simple";
    lines.push(`--index-url ${defaultUrl}`);
    seen.add(defaultUrl);
    if (options.defaultIndex === undefined && declaredDefault?.explicit) explicitEmitted = true;
    const implicit = [
      ...options.indexes.map((i) => ({ url: i.url, explicit: false })),
      ...options.declared.filter((i) => !i.default && !i.explicit),
    ];
    const explicit = options.declared.filter((i) => !i.default && i.explicit);
    for (const index of [...implicit, ...explicit]) {
      if (!seen.has(index.url)) {
        seen.add(index.url);
        lines.push(`--extra-index-url ${index.url}`);
      }
      if (index.explicit) explicitEmitted = true;
    }
  }
  if (options.emitFindLinks) for (const f of options.findLinks) lines.push(`--find-links ${f}`);
  return { lines, explicitEmitted };
}
