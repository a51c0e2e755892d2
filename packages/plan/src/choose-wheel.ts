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
export function chooseWheel(pkg: LockPackage, index: TagIndex): WheelChoice {
  let best: { wheel: LockWheel; index: number; priority: number; build: BuildTag | undefined } | undefined;
  let closest: Extract<TagCompatibility, { kind: "incompatible" }> | undefined;
  const wheelTags: WheelTags[] = [];
  pkg.wheels.forEach((wheel, i) => {
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
  });
  if (best !== undefined) return { kind: "wheel", wheel: best.wheel, index: best.index, priority: best.priority };
  return { kind: "none", reason: closest?.reason, wheelTags };
}
