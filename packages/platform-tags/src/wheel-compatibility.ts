import type { TagIndex } from "./tag-index.js";

/** The (possibly compressed, `py2.py3`) tag sets of one wheel filename, already split on dots. */
export interface WheelTags {
  python: readonly string[];
  abi: readonly string[];
  platform: readonly string[];
}

/** Why a wheel does not fit, ordered from farthest to closest miss as in uv's `IncompatibleTag`. */
export type IncompatibleReason = "python" | "abi" | "freethreaded-abi" | "platform";

/** The result of {@link wheelCompatibility}: a value, never an exception. */
export type TagCompatibility =
  | {
      kind: "compatible";
      /** Priority of the best matching tag (higher = better). */
      priority: number;
      /** That tag, e.g. `cp313-cp313-manylinux_2_17_x86_64`. */
      tag: string;
    }
  | {
      kind: "incompatible";
      /** The closest miss over all tag combinations. */
      reason: IncompatibleReason;
      /** The target's best tag for that component (uv's "(e.g., `…`)"); undefined for freethreaded-abi. */
      example: string | undefined;
    };

const RANK: Readonly<Record<IncompatibleReason, number>> = {
  python: 1,
  abi: 2,
  "freethreaded-abi": 3,
  platform: 5,
};

/** True for ABI tags a free-threaded CPython accepts: `none`, `abi3t` and `cp3XYt…`. */
export function isFreethreadedCompatibleAbi(abi: string): boolean {
  if (abi === "none" || abi === "abi3t") return true;
  const m = /^cp\d+([tdmu]*)$/.exec(abi);
  return m !== null && m[1]!.includes("t");
}

/**
 * uv's `Tags::compatibility`: the highest priority over the cartesian product of the wheel's
 * python × abi × platform tags, or else the closest incompatibility (python < abi < freethreaded-abi <
 * platform). On a free-threaded target a wheel without a compatible ABI tag is `freethreaded-abi`.
 */
export function wheelCompatibility(tags: WheelTags, index: TagIndex): TagCompatibility {
  if (index.target.freeThreaded && !tags.abi.some(isFreethreadedCompatibleAbi)) {
    return { kind: "incompatible", reason: "freethreaded-abi", example: undefined };
  }
  let bestPriority = 0;
  let bestTag = "";
  let miss = 0;
  for (const py of tags.python) {
    const abis = index.byPython.get(py);
    if (abis === undefined) {
      if (miss < RANK.python) miss = RANK.python;
      continue;
    }
    for (const abi of tags.abi) {
      const platforms = abis.get(abi);
      if (platforms === undefined) {
        if (miss < RANK.abi) miss = RANK.abi;
        continue;
      }
      for (const platform of tags.platform) {
        const p = platforms.get(platform);
        if (p === undefined) {
          if (miss < RANK.platform) miss = RANK.platform;
        } else if (p > bestPriority) {
          bestPriority = p;
          bestTag = `${py}-${abi}-${platform}`;
        }
      }
    }
  }
  if (bestPriority > 0) return { kind: "compatible", priority: bestPriority, tag: bestTag };
  // uv reports an empty component as `Invalid`; tspack names the empty component instead.
  let reason: IncompatibleReason;
  if (miss === RANK.platform) reason = "platform";
  else if (miss === RANK.abi) reason = "abi";
  else if (miss === RANK.python || tags.python.length === 0) reason = "python";
  else reason = tags.abi.length === 0 ? "abi" : "platform";
  return { kind: "incompatible", reason, example: exampleTag(reason, index) };
}

/** The target's highest-priority tag for the component a reason is about (uv `context_message`). */
export function exampleTag(reason: IncompatibleReason, index: TagIndex): string | undefined {
  switch (reason) {
    case "python":
      return index.best.python;
    case "abi":
      return index.best.abi;
    case "platform":
      return index.best.platform;
    case "freethreaded-abi":
      return undefined;
  }
}

/**
 * Orders two results like uv's `TagCompatibility`: any compatible beats any incompatible; higher
 * priority wins; among incompatible ones the closer miss wins. Returns <0, 0 or >0.
 */
export function compareCompatibility(a: TagCompatibility, b: TagCompatibility): number {
  if (a.kind === "compatible" && b.kind === "compatible") return a.priority - b.priority;
  if (a.kind === "compatible") return 1;
  if (b.kind === "compatible") return -1;
  return RANK[a.reason] - RANK[b.reason];
}

/** True when some (python, abi) pair of the wheel is compatible with the target on some platform. */
export function isCompatibleAbi(tags: WheelTags, index: TagIndex): boolean {
  return tags.python.some((py) => {
    const abis = index.byPython.get(py);
    return abis !== undefined && tags.abi.some((abi) => abis.has(abi));
  });
}
