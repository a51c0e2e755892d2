import type { PackageRef } from "./describe-incompatibility.js";
import { formatTarget } from "./format-target.js";
import { LAMBDA_RUNTIMES, type LambdaRuntime, targetFromRuntime } from "./lambda-runtimes.js";
import { createTagIndex } from "./tag-index.js";
import type { Arch, Target } from "./target.js";
import { isCompatibleAbi, type WheelTags, wheelCompatibility } from "./wheel-compatibility.js";

/** Splits the last three `-` fields of a wheel filename into tag sets; undefined if it has too few fields. */
function tagsOfFilename(filename: string): WheelTags | undefined {
  const stem = filename.endsWith(".whl") ? filename.slice(0, -4) : filename;
  const parts = stem.split("-");
  if (parts.length < 5) return undefined;
  const [python, abi, platform] = parts.slice(-3).map((p) => p.split("."));
  return { python: python!, abi: abi!, platform: platform! };
}

const LAMBDA_ARCH: Readonly<Record<Arch, "x86_64" | "arm64">> = { x86_64: "x86_64", aarch64: "arm64" };

/** Glibc minor a manylinux platform tag needs for `arch` (legacy aliases included), else undefined. */
function manylinuxMinor(platform: string, arch: Arch): number | undefined {
  if (!platform.endsWith(`_${arch}`)) return undefined;
  const head = platform.slice(0, -arch.length - 1);
  const legacy: Record<string, number> = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };
  if (head in legacy) return legacy[head];
  const m = /^manylinux_2_(\d+)$/.exec(head);
  return m === null ? undefined : Number(m[1]);
}

/**
 * A one-sentence advice for a package with no wheel for `target`, naming the closest target that
 * has one, e.g. "numpy 2.3.1 has wheels for manylinux_2_28_x86_64 but the target allows up to
 * manylinux_2_17: the python3.13 runtime supports manylinux_2_34 (try `--runtime python3.13`)".
 * `wheels` are wheel filenames or their tag sets. Undefined when a wheel fits or nothing is close.
 */
export function explainNearestMiss(
  pkg: PackageRef,
  wheels: ReadonlyArray<string | WheelTags>,
  target: Target,
): string | undefined {
  const tagSets = wheels.flatMap((w) => {
    const t = typeof w === "string" ? tagsOfFilename(w) : w;
    return t === undefined ? [] : [t];
  });
  const index = createTagIndex(target);
  if (tagSets.some((t) => wheelCompatibility(t, index).kind === "compatible")) return undefined;
  const who = `${pkg.name} ${pkg.version}`;
  const allowed = `manylinux_${target.glibc[0]}_${target.glibc[1]}`;

  for (const { runtime, arch } of alternatives(target)) {
    const alt = targetFromRuntime(runtime.runtime, arch);
    const altIndex = createTagIndex(alt);
    let best: { priority: number; tag: string } | undefined;
    for (const t of tagSets) {
      const c = wheelCompatibility(t, altIndex);
      if (c.kind === "compatible" && (best === undefined || c.priority > best.priority)) best = c;
    }
    if (best === undefined) continue;
    const [py, abi, platform] = best.tag.split("-") as [string, string, string];
    const sameInterpreter =
      alt.python[0] === target.python[0] && alt.python[1] === target.python[1] && !target.freeThreaded;
    if (sameInterpreter && arch === target.arch) {
      return `${who} has wheels for ${platform} but the target allows up to ${allowed}: the ${runtime.runtime} runtime supports manylinux_${alt.glibc[0]}_${alt.glibc[1]} (try \`--runtime ${runtime.runtime}\`)`;
    }
    const flags = `--runtime ${runtime.runtime}${arch === target.arch ? "" : ` --arch ${LAMBDA_ARCH[arch]}`}`;
    const shown = sameInterpreter ? platform : `${py}-${abi}-${platform}`;
    return `${who} has wheels for ${shown} but the target is ${formatTarget(target)}: the ${runtime.runtime} runtime on ${LAMBDA_ARCH[arch]} supports it (try \`${flags}\`)`;
  }

  // No Lambda runtime fits; say so when the only obstacle is a too-new glibc.
  let need: { minor: number; platform: string } | undefined;
  for (const t of tagSets) {
    if (!isCompatibleAbi(t, index)) continue;
    for (const p of t.platform) {
      const minor = manylinuxMinor(p, target.arch);
      if (minor !== undefined && minor > target.glibc[1] && (need === undefined || minor < need.minor)) {
        need = { minor, platform: p };
      }
    }
  }
  if (need === undefined) return undefined;
  const newest = Math.max(...LAMBDA_RUNTIMES.map((r) => r.glibc[1]));
  return `${who} has wheels for ${need.platform} but the target allows up to ${allowed}: no Lambda runtime provides glibc 2.${need.minor} (the newest, Amazon Linux 2023, has glibc 2.${newest})`;
}

/** Runtime × arch candidates, closest first: same Python, then nearest other Python (newer first on ties). */
function alternatives(target: Target): Array<{ runtime: LambdaRuntime; arch: "x86_64" | "aarch64" }> {
  const minor = target.python[1];
  const runtimes = [...LAMBDA_RUNTIMES].sort((a, b) => {
    const ma = Number(a.python.slice(2));
    const mb = Number(b.python.slice(2));
    return Math.abs(ma - minor) - Math.abs(mb - minor) || mb - ma;
  });
  const other: Arch = target.arch === "x86_64" ? "aarch64" : "x86_64";
  const out: Array<{ runtime: LambdaRuntime; arch: Arch }> = [];
  for (const arch of [target.arch, other]) {
    for (const runtime of runtimes) out.push({ runtime, arch });
  }
  // Same-Python candidates first regardless of arch, then the rest.
  const same = (r: LambdaRuntime) => r.python === `${target.python[0]}.${minor}`;
  return [...out.filter((c) => same(c.runtime)), ...out.filter((c) => !same(c.runtime))];
}
