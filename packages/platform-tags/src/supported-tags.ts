import type { Arch, Target } from "./target.js";

/** The oldest manylinux glibc minor per architecture (uv `Arch::get_minimum_manylinux_minor`). */
const MIN_MANYLINUX_MINOR: Readonly<Record<Arch, number>> = { x86_64: 5, aarch64: 17 };

/**
 * The platform tags of a target, best first (uv `compatible_tags`): `manylinux_2_G_A` down to the
 * arch minimum, with `manylinux2014`/`manylinux2010`/`manylinux1` right after 2_17/2_12/2_5, then
 * `linux_A`.
 */
export function platformTags(target: Target): string[] {
  const [major, glibcMinor] = target.glibc;
  const a = target.arch;
  const out: string[] = [];
  for (let m = glibcMinor; m >= MIN_MANYLINUX_MINOR[a]; m--) {
    out.push(`manylinux_${major}_${m}_${a}`);
    if (m === 12) out.push(`manylinux2010_${a}`);
    if (m === 17) out.push(`manylinux2014_${a}`);
    if (m === 5) out.push(`manylinux1_${a}`);
  }
  out.push(`linux_${a}`);
  return out;
}

/** One compatible tag triple. */
export interface TagTriple {
  python: string;
  abi: string;
  platform: string;
}

/** The ordered tag triples of a target (uv `Tags::from_env`), best first. */
export function supportedTagTriples(target: Target): TagTriple[] {
  const [major, minor] = target.python;
  const platforms = platformTags(target);
  const cp = (m: number) => `cp${major}${m}`;
  const out: TagTriple[] = [];
  const push = (python: string, abi: string, list: readonly string[]) => {
    for (const platform of list) out.push({ python, abi, platform });
  };
  // 1. The exact C API version.
  push(cp(minor), `${cp(minor)}${target.freeThreaded ? "t" : ""}`, platforms);
  // 2. Stable ABI (abi3, or abi3t when free-threaded) for every minor down to 2; `none` only for this version.
  for (let m = minor; m >= 2; m--) {
    push(cp(m), target.freeThreaded ? "abi3t" : "abi3", platforms);
    if (m === minor) push(cp(m), "none", platforms);
  }
  // 3. Pure-ABI binaries for py3X, with py3 right after the current version.
  for (let m = minor; m >= 0; m--) {
    push(`py${major}${m}`, "none", platforms);
    if (m === minor) push(`py${major}`, "none", platforms);
  }
  // 4. No binary.
  push(cp(minor), "none", ["any"]);
  for (let m = minor; m >= 0; m--) {
    push(`py${major}${m}`, "none", ["any"]);
    if (m === minor) push(`py${major}`, "none", ["any"]);
  }
  return out;
}

/**
 * The ordered list of compatible wheel tags (`python-abi-platform`), best first, exactly as uv
 * orders them: 509 tags for CPython 3.13 on x86_64-manylinux2014, 103 on aarch64.
 */
export function supportedTags(target: Target): string[] {
  return supportedTagTriples(target).map((t) => `${t.python}-${t.abi}-${t.platform}`);
}
