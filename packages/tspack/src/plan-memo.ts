/**
 * {@link plan} with its result memoized in the cache (see memo.ts): the key is every input of planning —
 * the lock's and pyproject.toml's texts and paths, the target and selection options — so a hit returns
 * exactly what planning would, without parsing the lock. The parsed lock and the selection stay
 * available: they are computed on first access.
 */
import type { InstallPlan, Selection } from "@tspack/plan";
import { selectPackages } from "@tspack/plan";
import { parseUvLock } from "@tspack/uv-lock";
import { memoKey, readMemo, writeMemo } from "./memo.js";
import { emitPlanDone, type PlanOptions, type PlanResult, plan, selectionFor } from "./plan.js";
import { type ProjectContext, projectFromTexts, projectPaths, readProjectTexts } from "./read-project.js";
import { isTarget } from "./target.js";

/** What is stored: the plan result without the parsed lock and the selection. */
interface PlanMemo {
  project: Omit<ProjectContext, "lock">;
  target: PlanResult["target"];
  plan: Omit<InstallPlan, "target">;
}

/** Plans like {@link plan}, reading and writing the memo in `cacheDir`. */
export async function planMemoized(options: PlanOptions, cacheDir: string): Promise<PlanResult> {
  if (options.project) return plan(options);
  const { projectDir, lockPath } = projectPaths(options);
  const texts = await readProjectTexts(projectDir, lockPath);
  const target = options.target;
  const key = memoKey("plan", [
    projectDir,
    lockPath,
    texts.lockText,
    texts.pyprojectText,
    JSON.stringify(target === undefined ? null : isTarget(target) ? { resolved: target } : target),
    JSON.stringify(options.selection ?? null),
  ]);
  const hit = await readMemo<PlanMemo>(cacheDir, "plan", key);
  if (hit) return fromMemo(hit, texts.lockText, options);
  const result = await plan({ ...options, project: projectFromTexts(projectDir, lockPath, texts) });
  const { lock: _lock, ...project } = result.project;
  const { target: _target, ...rest } = result.plan;
  await writeMemo(cacheDir, "plan", key, { project, target: result.target, plan: rest } satisfies PlanMemo);
  return result;
}

function fromMemo(hit: PlanMemo, lockText: string, options: PlanOptions): PlanResult {
  const started = performance.now();
  let lock: ProjectContext["lock"] | undefined;
  const project = { ...hit.project } as ProjectContext;
  Object.defineProperty(project, "lock", {
    enumerable: true,
    configurable: true,
    get: () => (lock ??= parseUvLock(lockText, { path: hit.project.lockPath }).lock),
  });
  for (const w of project.warnings) options.onEvent?.({ type: "warning", message: w.message });
  const installPlan: InstallPlan = { ...hit.plan, target: hit.target };
  emitPlanDone(installPlan, started, options.onEvent);
  let selection: Selection | undefined;
  const result = { project, target: hit.target, plan: installPlan } as PlanResult;
  Object.defineProperty(result, "selection", {
    enumerable: true,
    configurable: true,
    get: () =>
      (selection ??= selectPackages(project.lock, project.projectInfo, selectionFor(project, options.selection))),
  });
  return result;
}

/**
 * `{ ...base, ...extra }` that keeps `base`'s lazy getters lazy (a spread would call them: the lock would
 * be parsed and the selection computed for nothing).
 */
export function extendLazy<T extends object, U extends object>(base: T, extra: U): T & U {
  return Object.assign(Object.defineProperties({}, Object.getOwnPropertyDescriptors(base)) as T, extra);
}
