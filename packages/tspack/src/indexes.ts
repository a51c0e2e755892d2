/**
 * The package indexes of a project, for credentials: `[[tool.uv.index]]` of the project's pyproject.toml
 * and, when the project is a workspace member (uv.lock lives in another folder), of the workspace
 * root's. @tspack/project parses the tables; @tspack/fetch maps a URL to its index's credentials. The one
 * place where index configuration is assembled (command-line indexes join here).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { IndexConfig } from "@tspack/fetch";
import { parsePyproject, type UvIndex } from "@tspack/project";
import { type ProjectContext, workspaceRootOf } from "./read-project.js";

function toIndexConfig(index: UvIndex): IndexConfig {
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
 * Every index the project declares, the project's own first, then the workspace root's (uv reads both).
 * @throws TSPACK_PYPROJECT_INVALID when the workspace root's pyproject.toml is invalid
 */
export function projectIndexes(project: Pick<ProjectContext, "projectDir" | "lockPath" | "pyproject">): IndexConfig[] {
  return [...(project.pyproject?.uv.indexes ?? []), ...workspaceRootIndexes(project)].map(toIndexConfig);
}
