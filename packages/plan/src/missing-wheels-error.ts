import { ERROR_CODES, TspackError } from "@tspack/errors";
import { formatTarget } from "@tspack/platform-tags";
import type { InstallPlan } from "./plan-install.js";

function label(p: { name: string; version: string | null }): string {
  return p.version === null ? p.name : `${p.name}==${p.version}`;
}

/**
 * One TSPACK_NO_COMPATIBLE_WHEEL error listing every package of `plan.missing` with its reason
 * (`details.packages` holds them), or undefined when nothing is missing.
 */
export function missingWheelsError(plan: InstallPlan): TspackError | undefined {
  const missing = plan.missing;
  if (missing.length === 0) return undefined;
  const target = formatTarget(plan.target);
  const count = missing.length === 1 ? "1 package" : `${missing.length} packages`;
  const lines = missing.map((p) => `  - ${label(p)}: ${p.reason ?? ""}`);
  const reasons = missing.map((p) => p.reason ?? "");
  const hints: string[] = [];
  if (reasons.some((r) => r.includes("platform tag"))) {
    hints.push(
      "Choose a target whose platform the wheels support: --runtime python3.X selects the Lambda runtime's glibc (python3.12+ allow manylinux_2_34), --platform sets a manylinux level, --arch x86_64|arm64 the architecture.",
    );
  }
  if (reasons.some((r) => r.includes("Python") || r.includes("ABI") || r.includes("free-threading"))) {
    hints.push("Choose a Python version the wheels support with --python or --runtime.");
  }
  if (reasons.some((r) => r.includes("source distribution"))) {
    hints.push(
      "tspack never builds source distributions: use a version that publishes wheels, or build the wheel elsewhere and reference it from the lock (path source or find-links index).",
    );
  }
  return new TspackError(
    ERROR_CODES.NO_COMPATIBLE_WHEEL,
    `The target "${target}" has no compatible wheel for ${count}:\n${lines.join("\n")}`,
    {
      hint: hints.join("\n"),
      details: {
        target,
        packages: missing.map((p) => ({ name: p.name, version: p.version, reason: p.reason })),
      },
    },
  );
}
