import { targetToJSON } from "@tspack/platform-tags";
import type { InstallPlan } from "./plan-install.js";

/** The JSON shape of an {@link InstallPlan} (`tspack plan --json`). */
export interface InstallPlanJSON {
  target: unknown;
  packages: Array<{
    name: string;
    version: string | null;
    source: Record<string, unknown>;
    wheel: { filename: string; url: string | null; hash: string | null; size: number | null; path?: string } | null;
    reason: string | null;
  }>;
  /** Number of packages without a compatible wheel. */
  missing: number;
  /** Selected packages whose marker is false for the target. */
  skipped: Array<{ name: string; version: string | null; marker: string }>;
  warnings: string[];
}

/** A plain, deterministic JSON object for an install plan (packages sorted by name then version). */
export function planToJSON(plan: InstallPlan): InstallPlanJSON {
  return {
    target: targetToJSON(plan.target),
    packages: plan.packages.map((p) => ({
      name: p.name,
      version: p.version,
      source: { ...p.source },
      wheel:
        p.wheel === null
          ? null
          : {
              filename: p.wheel.filename,
              url: p.wheel.url ?? null,
              hash: p.wheel.hash ?? null,
              size: p.wheel.size ?? null,
              ...(p.wheel.path === undefined ? {} : { path: p.wheel.path }),
            },
      reason: p.reason,
    })),
    missing: plan.missing.length,
    skipped: plan.skipped.map((s) => ({ ...s })),
    warnings: [...plan.warnings],
  };
}
