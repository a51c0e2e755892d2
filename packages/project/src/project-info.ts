import type { PyprojectInfo } from "./pyproject.js";

/**
 * The project facts the plan needs (selection like `uv export --frozen`).
 * Mirrors the plan's `ProjectInfo`; defined here until packages/plan exports its own.
 */
export interface PlanProjectInfo {
  /** Normalized project name (absent for a non-project workspace root). */
  name?: string;
  /** `tool.uv.default-groups`; absent means uv's default `["dev"]`. */
  defaultGroups?: string[] | "all";
  /** Every dependency group the project declares, normalized and sorted (`dev` included when
   * `tool.uv.dev-dependencies` is set). */
  dependencyGroups: string[];
  /** Every extra the project declares, normalized and sorted. */
  optionalDependencies: string[];
}

/** Reduces a parsed pyproject.toml to what the plan needs. */
export function projectInfoForPlan(pyproject: PyprojectInfo): PlanProjectInfo {
  const groups = new Set(Object.keys(pyproject.dependencyGroups));
  if (pyproject.uv.devDependencies !== undefined) groups.add("dev");
  return {
    ...(pyproject.name === undefined ? {} : { name: pyproject.name }),
    ...(pyproject.uv.defaultGroups === undefined
      ? {}
      : {
          defaultGroups: pyproject.uv.defaultGroups === "all" ? "all" : [...pyproject.uv.defaultGroups].sort(),
        }),
    dependencyGroups: [...groups].sort(),
    optionalDependencies: Object.keys(pyproject.optionalDependencies).sort(),
  };
}

/**
 * Whether uv builds and installs this project (like `tool.uv.package`): the explicit setting when
 * present, else true exactly when `[build-system]` is declared. False means a virtual project whose
 * code tspack copies as is (see collectProjectFiles).
 */
export function isPackagedProject(pyproject: PyprojectInfo): boolean {
  if (pyproject.uv.package !== undefined) return pyproject.uv.package;
  return pyproject.buildSystem !== undefined;
}
