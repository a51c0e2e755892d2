/**
 * What selection needs from the project's `pyproject.toml` (uv reads it even under `--frozen`):
 * the shell reads the file, the plan takes this data. Names are normalized (PEP 503).
 */
export interface ProjectInfo {
  /** The project at the workspace root; undefined for a project-less (virtual) workspace root. */
  name?: string;
  /** `tool.uv.default-groups`; undefined means uv's default `["dev"]`. */
  defaultGroups?: string[] | "all";
  /** Declared `[dependency-groups]` names (plus `dev` when `tool.uv.dev-dependencies` is set). */
  dependencyGroups: string[];
  /** Declared `[project.optional-dependencies]` names. */
  optionalDependencies: string[];
}
