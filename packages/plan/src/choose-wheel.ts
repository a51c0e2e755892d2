import { type BuildTag, compareBuildTags, parseWheelFilename } from "@tspack/dist-filename";
import { isTspackError } from "@tspack/errors";
import {
  compareCompatibility,
  type IncompatibleReason,
  type TagCompatibility,
  type TagIndex,
  type WheelTags,
  wheelCompatibility,
} from "@tspack/platform-tags";
import type { LockPackage, LockWheel } from "@tspack/uv-lock";

/**
 * What {@link chooseWheel} reads of a package: its wheels. A locked package is one; so is the list of files
 * an index serves for a pinned requirement (`tspack install -r`), which has no lock entry to fake.
 */
export type WheelCandidates = Pick<LockPackage, "wheels">;

/** The outcome of {@link chooseWheel}: the best wheel, or why there is none. */
export type WheelChoice =
  | {
      kind: "wheel";
      wheel: LockWheel;
      /** Position of the wheel in the lock's `wheels` array. */
      index: number;
      /** Priority of its best matching tag (higher = better). */
      priority: number;
    }
  | {
      kind: "none";
      /** The closest miss over all wheels; undefined when the package has no (valid) wheel at all. */
      reason: IncompatibleReason | undefined;
      /** Tag sets of the package's parseable wheels (for uv-like hints). */
      wheelTags: WheelTags[];
    };

/**
 * The best wheel of a locked package for the target, like uv's `Package::find_best_wheel`: the
 * maximum (tag priority, build tag), the first wheel in lock order on ties. Wheels whose filename
 * does not parse are ignored.
 */
export function chooseWheel(pkg: WheelCandidates, index: TagIndex): WheelChoice {
  // Fast path: an upper bound of each wheel's priority from its filename's tags alone (0 when no tag
  // combination is in the index), then full parses in descending bound order, stopping below the best
  // priority found. A wheel it skips is incompatible, invalid or worse than the chosen one; the full
  // pass below (which also computes the nearest miss) runs only when no wheel matches.
  const wheels = pkg.wheels;
  // Insertion sort by descending bound (stable: equal bounds stay in lock order, which keeps uv's
  // first-wheel-on-ties rule); a package has a handful of candidates at most.
  const candidates: number[] = [];
  const bounds: number[] = [];
  for (let i = 0; i < wheels.length; i++) {
    const bound = priorityBound((wheels[i] as LockWheel).filename, index);
    if (bound === 0) continue;
    let k = candidates.length;
    candidates.push(i);
    bounds.push(bound);
    while (k > 0 && (bounds[k - 1] as number) < bound) {
      candidates[k] = candidates[k - 1] as number;
      bounds[k] = bounds[k - 1] as number;
      k--;
    }
    candidates[k] = i;
    bounds[k] = bound;
  }
  if (candidates.length > 0) {
    const choice = bestWheel(pkg, index, { wheels: candidates, bounds });
    if (choice.kind === "wheel") return choice;
  }
  return bestWheel(pkg, index, undefined);
}

/** Per tag index: `python-abi-platform` filename suffix → {@link priorityBound}. */
const suffixMemo = new WeakMap<TagIndex, Map<string, number>>();

/**
 * The highest index priority among the python/ABI/platform combinations of the filename's last three
 * components (split on `.` like `parseWheelFilename`), 0 when none is in the index: the wheel's priority
 * if it is valid and compatible, so an upper bound. Memoized per suffix: a lock repeats a handful of
 * tag sets (`py3-none-any`, …) many times.
 */
function priorityBound(filename: string, index: TagIndex): number {
  const end = filename.length - 4;
  if (end < 0 || filename.slice(end) !== ".whl") return 0;
  const platformStart = filename.lastIndexOf("-", end) + 1;
  const abiStart = platformStart > 0 ? filename.lastIndexOf("-", platformStart - 2) + 1 : 0;
  const pythonStart = abiStart > 0 ? filename.lastIndexOf("-", abiStart - 2) + 1 : 0;
  // name-version-python-abi-platform: at least two more components before the tags.
  if (pythonStart < 2 || filename.lastIndexOf("-", pythonStart - 2) < 0) return 0;
  const suffix = filename.slice(pythonStart, end);
  let memo = suffixMemo.get(index);
  if (memo === undefined) suffixMemo.set(index, (memo = new Map()));
  let hit = memo.get(suffix);
  if (hit === undefined) {
    const abiAt = abiStart - pythonStart;
    const platformAt = platformStart - pythonStart;
    hit = maxPriority(
      suffix.slice(0, abiAt - 1).split("."),
      suffix.slice(abiAt, platformAt - 1).split("."),
      suffix.slice(platformAt).split("."),
      index,
    );
    memo.set(suffix, hit);
  }
  return hit;
}

function maxPriority(pythons: string[], abis: string[], platforms: string[], index: TagIndex): number {
  let max = 0;
  for (const py of pythons) {
    const byAbi = index.byPython.get(py);
    if (byAbi === undefined) continue;
    for (const abi of abis) {
      const byPlatform = byAbi.get(abi);
      if (byPlatform === undefined) continue;
      for (const platform of platforms) {
        const p = byPlatform.get(platform);
        if (p !== undefined && p > max) max = p;
      }
    }
  }
  return max;
}

/** Candidate wheels (lock positions) in descending order of their priority bounds. */
interface Candidates {
  readonly wheels: readonly number[];
  readonly bounds: readonly number[];
}

/**
 * The best of the candidate wheels (every wheel when undefined), with the nearest miss over the wheels
 * parsed. Candidates are visited by descending bound and skipped once their bound is below the best.
 */
function bestWheel(pkg: WheelCandidates, index: TagIndex, only: Candidates | undefined): WheelChoice {
  let best: { wheel: LockWheel; index: number; priority: number; build: BuildTag | undefined } | undefined;
  let closest: Extract<TagCompatibility, { kind: "incompatible" }> | undefined;
  const wheelTags: WheelTags[] = [];
  const visit = (wheel: LockWheel, i: number): void => {
    let parsed: ReturnType<typeof parseWheelFilename>;
    try {
      parsed = parseWheelFilename(wheel.filename);
    } catch (e) {
      if (isTspackError(e)) return;
      throw e;
    }
    wheelTags.push(parsed.tags);
    const c = wheelCompatibility(parsed.tags, index);
    if (c.kind === "incompatible") {
      if (closest === undefined || compareCompatibility(c, closest) > 0) closest = c;
      return;
    }
    const better =
      best === undefined ||
      c.priority > best.priority ||
      (c.priority === best.priority && compareBuildTags(parsed.buildTag, best.build) > 0);
    if (better) best = { wheel, index: i, priority: c.priority, build: parsed.buildTag };
  };
  if (only === undefined) pkg.wheels.forEach(visit);
  else {
    for (let k = 0; k < only.wheels.length; k++) {
      if (best !== undefined && (only.bounds[k] as number) < best.priority) break;
      const i = only.wheels[k] as number;
      visit(pkg.wheels[i] as LockWheel, i);
    }
  }
  if (best !== undefined) return { kind: "wheel", wheel: best.wheel, index: best.index, priority: best.priority };
  return { kind: "none", reason: closest?.reason, wheelTags };
}
