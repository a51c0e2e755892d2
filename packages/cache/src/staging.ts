/**
 * Staging and temp folders: their names, where they go, and the sweeping of what killed runs left behind
 * (how a staged folder or temp file is then put in place: publish.ts).
 *
 * Every staging or temp name tspack makes carries its process id:
 * - beside a destination `DIR`: `.<DIR's name>.tspack-<tag>-<pid>-<8 hex>` (same file system, so one rename
 *   publishes it);
 * - inside a destination that is a mount point (a Docker `-v` volume, CDK's `/asset-output`, a bind mount),
 *   which cannot be renamed: `.tspack-<tag>-<pid>-<8 hex>`;
 * - in the cache: `tmp/<pid>-<16 hex><suffix>` (temp-path.ts).
 * Before staging, a run removes such names whose process is gone (`kill(pid, 0)` says ESRCH); a name that
 * does not match one of these patterns exactly is never touched, and neither is a live process's folder.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The tags of staging names: what the folder is for. */
export type StagingTag = "build" | "staging" | "old" | "sweep" | "deleting" | "export";

const TAGS = "build|staging|old|sweep|deleting|export";
const PID = "([1-9][0-9]{0,9})";
/** Inside a destination. */
const INNER_RE = new RegExp(`^\\.tspack-(?:${TAGS})-${PID}-[0-9a-f]{8}$`);
/** The part after `.<name>.tspack-` beside a destination (the tag-less forms are older tspack's build folders). */
const SIBLING_REST_RE = new RegExp(`^(?:(?:${TAGS})-${PID}-[0-9a-f]{8}|${PID}-[0-9a-f]{8}(?:\\.old)?)$`);
/** Older tspack's `export -o` temp file (`<name>.tspack-<pid>.tmp`) and `cache clean` folder (`<name>.deleting-<pid>-<hex>`). */
const LEGACY_EXPORT_RE = new RegExp(`^${PID}\\.tmp$`);
const LEGACY_DELETING_RE = new RegExp(`^${PID}-[0-9a-f]{8}$`);
/** In the cache's tmp/: `<pid>-<16 hex>` with an optional `.suffix`. */
const CACHE_TEMP_RE = new RegExp(`^${PID}-[0-9a-f]{16}(?:\\.[a-z]+)?$`);

const hex8 = (): string => randomBytes(4).toString("hex");

/** A fresh name beside `dest`: `<parent>/.<name>.tspack-<tag>-<pid>-<8 hex>`. */
export function siblingPath(dest: string, tag: StagingTag): string {
  return join(dirname(dest), `.${basename(dest)}.tspack-${tag}-${process.pid}-${hex8()}`);
}

/** A fresh name inside `dest`: `<dest>/.tspack-<tag>-<pid>-<8 hex>`. */
export function innerPath(dest: string, tag: StagingTag): string {
  return join(dest, `.tspack-${tag}-${process.pid}-${hex8()}`);
}

/** True for a name tspack gives its staging folders inside a destination (`.tspack-<tag>-<pid>-<8 hex>`). */
export function isInnerStagingName(name: string): boolean {
  return INNER_RE.test(name);
}

/**
 * The process id in a leftover name of tspack: inside a destination (`base` undefined) or beside the
 * destination named `base`; undefined for any other name.
 */
export function leftoverPid(name: string, base?: string): number | undefined {
  let m: RegExpExecArray | null = null;
  if (base === undefined) m = INNER_RE.exec(name);
  else if (name.startsWith(`.${base}.tspack-`)) {
    m = SIBLING_REST_RE.exec(name.slice(base.length + 9));
    if (m) return Number(m[1] ?? m[2]);
  } else if (name.startsWith(`${base}.tspack-`)) m = LEGACY_EXPORT_RE.exec(name.slice(base.length + 8));
  else if (name.startsWith(`${base}.deleting-`)) m = LEGACY_DELETING_RE.exec(name.slice(base.length + 10));
  return m ? Number(m[1]) : undefined;
}

/** The process id of a cache temp name (`<pid>-<16 hex>[.suffix]`), or undefined. */
export function cacheTempPid(name: string): number | undefined {
  const m = CACHE_TEMP_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True when no process has this id (`kill(pid, 0)` fails with ESRCH). This process and unknowns count as alive. */
export function processGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Claims `path` by renaming it to `claim` (so two sweepers never delete one folder at once), then deletes it. */
function claimAndRemove(path: string, claim: string): boolean {
  try {
    renameSync(path, claim);
  } catch {
    return false; // gone already, or not ours to move
  }
  rmSync(claim, { recursive: true, force: true });
  return true;
}

/**
 * Removes tspack's staging and temp leftovers of processes that are gone, beside `dest` and inside it.
 * Never throws (a leftover that cannot be removed stays for the next run). Returns the removed paths.
 */
export function sweepLeftovers(dest: string): string[] {
  const removed: string[] = [];
  const parent = dirname(dest);
  const base = basename(dest);
  for (const name of names(parent)) {
    const pid = leftoverPid(name, base);
    if (pid === undefined || !processGone(pid)) continue;
    try {
      if (claimAndRemove(join(parent, name), siblingPath(dest, "sweep"))) removed.push(join(parent, name));
    } catch {
      // stays for the next run
    }
  }
  for (const name of names(dest)) {
    const pid = leftoverPid(name);
    if (pid === undefined || !processGone(pid)) continue;
    try {
      if (claimAndRemove(join(dest, name), innerPath(dest, "sweep"))) removed.push(join(dest, name));
    } catch {
      // stays for the next run
    }
  }
  return removed;
}

/** Removes the cache temp entries (`<root>/tmp/<pid>-…`) of processes that are gone. Never throws. */
export function sweepCacheTemp(tmpDir: string): string[] {
  const removed: string[] = [];
  for (const name of names(tmpDir)) {
    const pid = cacheTempPid(name);
    if (pid === undefined || !processGone(pid)) continue;
    try {
      const claim = join(tmpDir, `${process.pid}-${randomBytes(8).toString("hex")}.sweep`);
      if (claimAndRemove(join(tmpDir, name), claim)) removed.push(join(tmpDir, name));
    } catch {
      // stays for the next run
    }
  }
  return removed;
}

/** Mount points listed in /proc/self/mountinfo (Linux), or undefined elsewhere. */
function linuxMountPoints(): Set<string> | undefined {
  if (process.platform !== "linux") return undefined;
  let text: string;
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return undefined;
  }
  const points = new Set<string>();
  for (const line of text.split("\n")) {
    const field = line.split(" ")[4];
    if (field) points.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  }
  return points;
}

/**
 * True when `dir` is a mount point (renaming it fails with EBUSY, renaming into it from its parent with
 * EXDEV): its device differs from its parent's, or (Linux) /proc/self/mountinfo lists it — a bind mount of a
 * folder of the same file system has its parent's device.
 */
export function isMountPoint(dir: string): boolean {
  let real: string;
  try {
    real = realpathSync.native(dir);
    const st = statSync(real);
    if (!st.isDirectory()) return false;
    if (dirname(real) === real) return true;
    if (st.dev !== statSync(dirname(real)).dev) return true;
  } catch {
    return false;
  }
  return linuxMountPoints()?.has(real) ?? false;
}

/** Where a run stages the folder that will replace (or merge into) `dest`. */
export interface Staging {
  /** The staging folder (not created). */
  path: string;
  /** True when `dest` is a mount point: the staging folder is inside it, and `dest`'s contents are replaced. */
  inPlace: boolean;
}

/**
 * Sweeps the leftovers of dead runs, then chooses the staging folder for `dest`: beside it (an ordinary
 * folder, or one that does not exist yet) or, when `dest` is a mount point, inside it.
 */
export function stagingFor(dest: string, tag: "build" | "staging"): Staging {
  sweepLeftovers(dest);
  const inPlace = isMountPoint(dest);
  return { path: inPlace ? innerPath(dest, tag) : siblingPath(dest, tag), inPlace };
}
