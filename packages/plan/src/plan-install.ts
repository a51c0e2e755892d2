import { evaluateMarker } from "@tspack/pep508";
import {
  createTagIndex,
  describeIncompatibility,
  explainNearestMiss,
  incompatibilityHint,
  type TagIndex,
  type Target,
} from "@tspack/platform-tags";
import { atLockValue, type LockPackage, type LockSource, type LockWheel, lockPathOf } from "@tspack/uv-lock";
import { chooseWheel, type WheelChoice } from "./choose-wheel.js";
import { markerEnvironmentFor } from "./marker-environment.js";
import { satisfiesRequiresPython } from "./requires-python.js";
import type { SelectedPackage, Selection } from "./select-packages.js";
import { compareVersionStrings } from "./version-order.js";

/** The file to install for a package. */
export interface PlannedWheel {
  filename: string;
  /** Remote URL (registry or direct URL sources). */
  url?: string;
  /** Local file, workspace-relative (path sources, local indexes). */
  path?: string;
  /** `"sha256:<hex>"`. */
  hash?: string;
  size?: number;
}

/** One package of an {@link InstallPlan}. */
export interface PlannedPackage {
  name: string;
  /** null for source trees with a dynamic version. */
  version: string | null;
  source: LockSource;
  /** The chosen wheel; null for local source trees (the shell builds them) and for misses. */
  wheel: PlannedWheel | null;
  /** Path, directory and editable sources. */
  local: boolean;
  /** Why nothing can be installed (uv-like text plus the nearest miss); null when installable. */
  reason: string | null;
  /** The export marker ("" when always true), kept for diagnostics. */
  marker: string;
}

/** A selected package whose marker is false for the target (e.g. `colorama ; sys_platform == 'win32'`). */
export interface SkippedPackage {
  name: string;
  version: string | null;
  marker: string;
}

/** What to install for one target, sorted by name then version. */
export interface InstallPlan {
  target: Target;
  /** Every package to install, misses included (their `wheel` is null and `reason` set). */
  packages: PlannedPackage[];
  /** The packages without a compatible wheel (a subset of `packages`). */
  missing: PlannedPackage[];
  /** Selected packages whose marker is false in the target's environment. */
  skipped: SkippedPackage[];
  /** Non-fatal findings, e.g. a target Python outside the lock's requires-python. */
  warnings: string[];
}

/** Options for {@link planInstall}. */
export interface PlanInstallOptions {
  /** Install local wheels only if their hash is in the lock (reserved; the lock always has them). */
  readonly _reserved?: never;
}

function joinPath(base: string, rel: string): string {
  if (rel.startsWith("/") || base === "" || base === ".") return rel;
  return `${base.replace(/\/+$/, "")}/${rel}`;
}

function plannedWheel(pkg: LockPackage, wheel: LockWheel): PlannedWheel {
  const out: PlannedWheel = { filename: wheel.filename };
  const s = pkg.source;
  if (wheel.url !== undefined) out.url = wheel.url;
  else if (wheel.path !== undefined) out.path = s.kind === "registry" ? joinPath(s.url, wheel.path) : wheel.path;
  else if (s.kind === "path") out.path = s.path;
  else if (s.kind === "url") out.url = s.url;
  if (wheel.hash !== undefined) out.hash = `${wheel.hash.algorithm}:${wheel.hash.digest}`;
  if (wheel.size !== undefined) out.size = wheel.size;
  return out;
}

function missText(pkg: LockPackage, choice: Extract<WheelChoice, { kind: "none" }>, index: TagIndex): string {
  if (choice.reason === undefined) {
    return pkg.sdist !== undefined || isSourceOnly(pkg.source)
      ? "has only a source distribution"
      : "has no wheels and no source distribution";
  }
  const ref = { name: pkg.name, version: pkg.version ?? "0" };
  const parts = [describeIncompatibility(choice.reason, index)];
  const hint = incompatibilityHint(ref, choice.wheelTags, choice.reason, index);
  if (hint !== undefined) parts.push(hint);
  const nearest = explainNearestMiss(ref, choice.wheelTags, index.target);
  if (nearest !== undefined) parts.push(nearest);
  return parts.join(". ");
}

function isSourceOnly(s: LockSource): boolean {
  return s.kind === "git" || s.kind === "url" || s.kind === "path";
}

/**
 * Decides what to install for `target`: packages whose reachability marker holds in the target's
 * marker environment (`uv export` + `uv pip install` semantics), each with its best wheel. Never
 * builds: packages without a compatible wheel are listed in `missing` with a reason.
 */
export function planInstall(selection: Selection, target: Target, _options: PlanInstallOptions = {}): InstallPlan {
  const env = markerEnvironmentFor(target);
  const index = createTagIndex(target);
  const packages: PlannedPackage[] = [];
  const skipped: SkippedPackage[] = [];
  const warnings: string[] = [];
  const lock = selection.lock;
  const rp = lock.requiresPython;
  if (
    rp !== undefined &&
    !atLockValue(
      lock,
      () => ["requires-python"],
      () => satisfiesRequiresPython(target.pythonFullVersion, rp),
    )
  ) {
    warnings.push(
      `The target Python ${target.pythonFullVersion} does not satisfy the lock's requires-python "${rp}": markers are evaluated as if it did`,
    );
  }

  // Many packages share a marker: evaluate each canonical text once.
  const evaluated = new Map<string, boolean>();
  const holds = (entry: SelectedPackage): boolean => {
    let r = evaluated.get(entry.markerText);
    if (r === undefined) evaluated.set(entry.markerText, (r = evaluateMarker(entry.marker, env)));
    return r;
  };
  for (const entry of selection.packages) {
    const pkg = entry.package;
    const s = pkg.source;
    if (s.kind === "virtual") continue;
    const version = pkg.version ?? null;
    if (
      entry.markerText !== "" &&
      !atLockValue(
        lock,
        () => lockPathOf(lock, pkg),
        () => holds(entry),
      )
    ) {
      skipped.push({ name: pkg.name, version, marker: entry.markerText });
      continue;
    }
    const local = s.kind === "path" || s.kind === "directory" || s.kind === "editable";
    const planned: PlannedPackage = {
      name: pkg.name,
      version,
      source: s,
      wheel: null,
      local,
      reason: null,
      marker: entry.markerText,
    };
    if (s.kind !== "directory" && s.kind !== "editable") {
      const choice = chooseWheel(pkg, index);
      if (choice.kind === "wheel") planned.wheel = plannedWheel(pkg, choice.wheel);
      else planned.reason = missText(pkg, choice, index);
    }
    packages.push(planned);
  }

  const byNameVersion = (
    a: { name: string; version: string | null },
    b: { name: string; version: string | null },
  ): number => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    if (a.version === b.version) return 0;
    if (a.version === null) return -1;
    if (b.version === null) return 1;
    return compareVersionStrings(a.version, b.version);
  };
  packages.sort(byNameVersion);
  skipped.sort(byNameVersion);
  return { target, packages, missing: packages.filter((p) => p.reason !== null), skipped, warnings };
}
