/**
 * {@link plan} with its result memoized in the cache (see memo.ts): the key is every input of planning —
 * the lock's and pyproject.toml's texts and paths, the target and selection options — so a hit returns
 * exactly what planning would, without parsing the lock. The parsed lock and the selection stay
 * available: they are computed on first access.
 *
 * No credential is written to the cache: URLs with userinfo (a direct URL in uv.lock, an index URL in
 * pyproject.toml) are stored redacted (`https://****@host/...`) and put back on a hit from the texts that
 * are part of the key, which hold them anyway. A plan whose URLs cannot be put back exactly (two URLs
 * that differ only in their credentials) is not memoized.
 */
import { redactSecrets, urlsWithSecrets } from "@tspack/errors";
import type { InstallPlan, Selection } from "@tspack/plan";
import { selectPackages } from "@tspack/plan";
import { parseUvLock } from "@tspack/uv-lock";
import { openCache } from "../guard.js";
import { emitPlanDone, type PlanOptions, type PlanResult, plan, selectionFor } from "../plan.js";
import { type ProjectContext, projectFromTexts, projectPaths, readProjectTexts } from "../read-project.js";
import { isTarget } from "../target.js";
import { getJson, memoKey, memoStoreFor, putJson } from "./memo.js";

/** What is stored: the plan result without the parsed lock and the selection. */
interface PlanMemo {
  project: Omit<ProjectContext, "lock">;
  target: PlanResult["target"];
  plan: Omit<InstallPlan, "target">;
  /** True when URLs with credentials were redacted (put back from the texts on a hit). */
  secrets?: true;
}

type ProjectTexts = { lockText: string; pyprojectText: string | undefined };

/**
 * A redacted URL as it appears in JSON text (the same token boundaries as `urlsWithSecrets`), matched from
 * its `:` with the scheme in a look-behind (group 1), so the scan stays linear.
 */
const REDACTED_URL_RE = /:(?<=(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*):)\/\/\*\*\*\*@[^\s"'<>\\`{}|^]*/gi;

/** Redacted URL → the URL with its credentials, from the project's texts; undefined when two collide. */
function secretUrls(texts: ProjectTexts): Map<string, string> | undefined {
  const map = new Map<string, string>();
  for (const url of urlsWithSecrets(`${texts.lockText}\n${texts.pyprojectText ?? ""}`)) {
    const key = redactSecrets(url);
    if (map.has(key) && map.get(key) !== url) return undefined;
    map.set(key, url);
  }
  return map;
}

/** `json` with every redacted URL put back; undefined when one is not in `urls`. */
function restore(json: string, urls: ReadonlyMap<string, string>): string | undefined {
  let complete = true;
  const out = json.replace(REDACTED_URL_RE, (rest, scheme: string) => {
    const url = urls.get(scheme + rest);
    if (url === undefined) complete = false;
    return url === undefined ? rest : url.slice(scheme.length);
  });
  return complete ? out : undefined;
}

/** The memo to store: `value` itself, or redacted with `secrets` set; undefined when it cannot be restored. */
function storable(value: PlanMemo, texts: ProjectTexts): PlanMemo | undefined {
  const json = JSON.stringify(value);
  const redacted = redactSecrets(json);
  if (redacted === json) return value;
  const urls = secretUrls(texts);
  if (urls === undefined || restore(redacted, urls) !== json) return undefined;
  return { ...(JSON.parse(redacted) as PlanMemo), secrets: true };
}

/** A stored memo with its credentials put back (undefined when they cannot be: then it is a miss). */
function restored(hit: PlanMemo, texts: ProjectTexts): PlanMemo | undefined {
  if (hit.secrets !== true) return hit;
  const urls = secretUrls(texts);
  if (urls === undefined) return undefined;
  const { secrets: _secrets, ...rest } = hit;
  const json = restore(JSON.stringify(rest), urls);
  return json === undefined ? undefined : (JSON.parse(json) as PlanMemo);
}

/** Plans like {@link plan}, reading and writing the memo in `cacheDir`. */
export async function planMemoized(options: PlanOptions, cacheDir: string): Promise<PlanResult> {
  if (options.project) return plan(options);
  // The memo is written into the cache: only a tspack cache (the ownership guard).
  await openCache(cacheDir);
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
  const store = memoStoreFor(cacheDir);
  const stored = await getJson<PlanMemo>(store, "plan", key);
  const hit = stored === undefined ? undefined : restored(stored, texts);
  if (hit) return fromMemo(hit, texts.lockText, options);
  const result = await plan({ ...options, project: projectFromTexts(projectDir, lockPath, texts) });
  const { lock: _lock, ...project } = result.project;
  const { target: _target, ...rest } = result.plan;
  const memo = storable({ project, target: result.target, plan: rest }, texts);
  if (memo !== undefined) await putJson(store, "plan", key, memo);
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
