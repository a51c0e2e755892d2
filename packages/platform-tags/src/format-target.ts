import type { Arch, Target } from "./target.js";

/** The JSON form of a {@link Target} (`--json`, manifests); keys in a fixed order. */
export interface TargetJSON {
  implementation: "cpython";
  /** `3.13` */
  python: string;
  pythonFullVersion: string;
  /** Interpreter ABI, e.g. `cp313` or `cp313t`. */
  abi: string;
  arch: Arch;
  /** `2.17` */
  glibc: string;
  /** Highest-priority platform tag, e.g. `manylinux_2_17_x86_64`. */
  platformTag: string;
  freeThreaded: boolean;
}

/** The interpreter ABI tag of a target: `cp313`, or `cp313t` when free-threaded. */
export function abiTag(t: Target): string {
  return `cp${t.python[0]}${t.python[1]}${t.freeThreaded ? "t" : ""}`;
}

/** A one-line description, e.g. `cp313 x86_64 manylinux_2_17`. */
export function formatTarget(t: Target): string {
  return `${abiTag(t)} ${t.arch} manylinux_${t.glibc[0]}_${t.glibc[1]}`;
}

/** A plain, deterministic JSON object for a target. */
export function targetToJSON(t: Target): TargetJSON {
  return {
    implementation: t.implementation,
    python: `${t.python[0]}.${t.python[1]}`,
    pythonFullVersion: t.pythonFullVersion,
    abi: abiTag(t),
    arch: t.arch,
    glibc: `${t.glibc[0]}.${t.glibc[1]}`,
    platformTag: `manylinux_${t.glibc[0]}_${t.glibc[1]}_${t.arch}`,
    freeThreaded: t.freeThreaded,
  };
}
