import { supportedTagTriples, type TagTriple } from "./supported-tags.js";
import type { Target } from "./target.js";

/** A precomputed lookup of a target's compatible tags; build once per target with {@link createTagIndex}. */
export interface TagIndex {
  readonly target: Target;
  /** Every compatible tag (`python-abi-platform`), best first. */
  readonly tags: readonly string[];
  /** The highest-priority tag; its components are uv's "(e.g., …)" examples. */
  readonly best: Readonly<TagTriple>;
  /** python tag → ABI tag → platform tag → priority (higher = better), like uv's `Tags`. */
  readonly byPython: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>;
  /** The priority of a full tag string such as `cp313-abi3-manylinux_2_17_x86_64`, if compatible. */
  priorityOf(tag: string): number | undefined;
}

/**
 * Indexes a target's tags: priority = N − position (the first of N tags gets N); when a triple
 * repeats, the lowest priority wins, as in uv's `Tags::new`.
 */
export function createTagIndex(target: Target): TagIndex {
  const triples = supportedTagTriples(target);
  const tags = triples.map((t) => `${t.python}-${t.abi}-${t.platform}`);
  const flat = new Map<string, number>();
  const byPython = new Map<string, Map<string, Map<string, number>>>();
  const n = triples.length;
  for (let i = n - 1; i >= 0; i--) {
    const t = triples[i]!;
    const priority = n - i;
    const key = tags[i]!;
    if (!flat.has(key)) flat.set(key, priority);
    let abis = byPython.get(t.python);
    if (abis === undefined) byPython.set(t.python, (abis = new Map()));
    let platforms = abis.get(t.abi);
    if (platforms === undefined) abis.set(t.abi, (platforms = new Map()));
    if (!platforms.has(t.platform)) platforms.set(t.platform, priority);
  }
  const best = triples[0]!;
  return {
    target,
    tags,
    best: Object.freeze({ ...best }),
    byPython,
    priorityOf: (tag: string) => flat.get(tag),
  };
}
