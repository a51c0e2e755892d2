import { type InstallPlan, planInstall, type Selection, type SelectOptions, selectPackages } from "@tspack/plan";
import type { Target } from "@tspack/platform-tags";
import type { TspackEvent } from "./events.js";
import { type ProjectContext, type ProjectOptions, readProject } from "./read-project.js";
import { isTarget, resolveTarget, type TargetOptions } from "./target.js";
import { classified, projectUserPaths } from "./user-paths.js";

/** Options shared by every stage that plans. */
export interface PlanOptions extends ProjectOptions {
  /** The target, explicit. Default: x86_64, CPython 3.13, manylinux2014. `[tool.tspack]` fills unset fields. */
  target?: TargetOptions | Target;
  /** Selection flags with `uv export --frozen` semantics. */
  selection?: SelectOptions;
  /** An already read project (skips reading the disk again). */
  project?: ProjectContext;
  onEvent?: (event: TspackEvent) => void;
}

/** What {@link plan} returns. */
export interface PlanResult {
  project: ProjectContext;
  target: Target;
  selection: Selection;
  plan: InstallPlan;
}

/** Merges `[tool.tspack]` defaults under explicit target options (explicit wins). */
export function targetFor(project: ProjectContext, target: TargetOptions | Target | undefined): Target {
  if (target && isTarget(target)) return target;
  const cfg = project.pyproject?.tspack ?? {};
  const explicit = target ?? {};
  const named = explicit.runtime !== undefined || explicit.platform !== undefined;
  const merged: TargetOptions = named
    ? { ...explicit }
    : {
        ...(cfg.runtime !== undefined && cfg.platform === undefined ? { runtime: cfg.runtime } : {}),
        ...(cfg.platform !== undefined ? { platform: cfg.platform } : {}),
        ...explicit,
      };
  if (merged.arch === undefined && cfg.arch !== undefined && merged.platform === undefined) merged.arch = cfg.arch;
  if (merged.python === undefined && cfg.python !== undefined && merged.runtime === undefined)
    merged.python = cfg.python;
  return resolveTarget(merged) as Target;
}

/**
 * Merges `[tool.tspack]` groups/extras into the selection flags, and leaves the `dev` group out unless it
 * is asked for (`dev`, `onlyDev`, `allGroups`, `groups: ["dev"]`, `onlyGroups`): a Lambda artifact is
 * what the uv guide's `uv export --frozen --no-dev` selects.
 */
export function selectionFor(project: ProjectContext, selection: SelectOptions | undefined): SelectOptions {
  const cfg = project.pyproject?.tspack ?? {};
  const s: SelectOptions = { ...(selection ?? {}) };
  if (cfg.groups?.length) s.groups = [...(s.groups ?? []), ...cfg.groups];
  if (cfg.extras?.length) s.extras = [...(s.extras ?? []), ...cfg.extras];
  const wantsDev = s.dev || s.onlyDev || s.allGroups || s.groups?.includes("dev") || (s.onlyGroups?.length ?? 0) > 0;
  if (!wantsDev) s.noDev = true;
  return s;
}

/**
 * Reads the project and decides which file each package needs for the target. Pure after the reads:
 * no network. Packages without a compatible wheel are in `plan.missing` (not thrown).
 */
export async function plan(options: PlanOptions = {}): Promise<PlanResult> {
  return classified(projectUserPaths(options), undefined, () => planStage(options));
}

async function planStage(options: PlanOptions): Promise<PlanResult> {
  const started = performance.now();
  const project = options.project ?? (await readProject(options));
  for (const w of project.warnings) options.onEvent?.({ type: "warning", message: w.message });
  const target = targetFor(project, options.target);
  const selection = selectPackages(project.lock, project.projectInfo, selectionFor(project, options.selection));
  const installPlan = planInstall(selection, target);
  emitPlanDone(installPlan, started, options.onEvent);
  return { project, target, selection, plan: installPlan };
}

/** The plan's warnings, then `plan:done` (shared with the memoized planner, which emits the same events). */
export function emitPlanDone(
  installPlan: InstallPlan,
  started: number,
  onEvent: ((event: TspackEvent) => void) | undefined,
): void {
  for (const w of installPlan.warnings) onEvent?.({ type: "warning", message: w });
  onEvent?.({
    type: "plan:done",
    packages: installPlan.packages.length,
    missing: installPlan.missing.length,
    ms: performance.now() - started,
  });
}
