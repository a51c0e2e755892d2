import type { TagIndex } from "./tag-index.js";
import { type IncompatibleReason, isCompatibleAbi, type WheelTags } from "./wheel-compatibility.js";

/** A package version whose wheels are being explained. */
export interface PackageRef {
  name: string;
  version: string;
}

/**
 * uv's reason text for a package without a usable wheel (`IncompatibleDist` + `context_message`),
 * e.g. "no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`)".
 */
export function describeIncompatibility(reason: IncompatibleReason, index: TagIndex): string {
  switch (reason) {
    case "python":
      return `no wheels with a matching Python implementation tag (e.g., \`${index.best.python}\`)`;
    case "abi":
      return `no wheels with a matching Python ABI tag (e.g., \`${index.best.abi}\`)`;
    case "freethreaded-abi":
      return "no wheels with a free-threading compatible ABI tag";
    case "platform":
      return `no wheels with a matching platform tag (e.g., \`${index.best.platform}\`)`;
  }
}

/**
 * uv's hint listing what the package does offer (`PubGrubHint::{LanguageTags,AbiTags,PlatformTags}`):
 * "Wheels are available for `a` (v1.0.0) on the following platform: `macosx_10_0_ppc64`". Platforms
 * are listed only for ABI-compatible wheels; `none` is never listed as an ABI. Undefined when there
 * is nothing to list.
 */
export function incompatibilityHint(
  pkg: PackageRef,
  wheels: readonly WheelTags[],
  reason: IncompatibleReason,
  index: TagIndex,
): string | undefined {
  const who = `\`${pkg.name}\` (v${pkg.version})`;
  const list = (tags: Set<string>) => [...tags].sort(naturalCompare).map((t) => `\`${t}\``);
  const s = (n: number) => (n === 1 ? "" : "s");
  switch (reason) {
    case "python": {
      const tags = list(new Set(wheels.flatMap((w) => w.python)));
      if (tags.length === 0) return undefined;
      const [major, minor] = index.target.python;
      return `You require CPython ${major}.${minor} (\`${index.best.python}\`), but we only found wheels for ${who} with the following Python implementation tag${s(tags.length)}: ${tags.join(", ")}`;
    }
    case "abi":
    case "freethreaded-abi": {
      const tags = list(new Set(wheels.flatMap((w) => w.abi).filter((a) => a !== "none")));
      if (tags.length === 0) return undefined;
      const [major, minor] = index.target.python;
      const pretty = `${index.target.freeThreaded ? "free-threaded " : ""}CPython ${major}.${minor}`;
      return `You require ${pretty} (\`${index.best.abi}\`), but we only found wheels for ${who} with the following Python ABI tag${s(tags.length)}: ${tags.join(", ")}`;
    }
    case "platform": {
      const tags = list(new Set(wheels.filter((w) => isCompatibleAbi(w, index)).flatMap((w) => w.platform)));
      if (tags.length === 0) return undefined;
      return `Wheels are available for ${who} on the following platform${s(tags.length)}: ${tags.join(", ")}`;
    }
  }
}

/** Orders strings with embedded numbers numerically (`manylinux_2_5` before `manylinux_2_17`). */
export function naturalCompare(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}
