import { planToJSON } from "@tspack/plan";
import { formatTarget } from "@tspack/platform-tags";
import { plan } from "../../plan.js";
import type { CommandContext } from "../context.js";
import { selectionFromFlags, targetFromFlags } from "../flags.js";
import { formatBytes, formatTable, yellow } from "../output.js";
import { eventPrinter } from "../progress.js";
import { projectFrom } from "./common.js";

/** `tspack plan`: which wheel each package gets. Exit 1 when some package has none. */
export async function runPlan(ctx: CommandContext): Promise<number> {
  const result = await plan({
    ...projectFrom(ctx),
    target: targetFromFlags(ctx.flags, ctx.env),
    selection: selectionFromFlags(ctx.flags, ctx.env),
    onEvent: eventPrinter(ctx.output),
  });
  const { plan: p } = result;
  if (ctx.output.json) {
    ctx.output.out(`${JSON.stringify(planToJSON(p), null, 2)}\n`);
    return p.missing.length ? 1 : 0;
  }
  if (ctx.output.quiet) return p.missing.length ? 1 : 0;
  const rows = p.packages.map((pkg) => [
    pkg.name,
    pkg.version ?? "",
    pkg.wheel ? pkg.wheel.filename : pkg.local ? `(local ${pkg.source.kind})` : "—",
    pkg.wheel?.size !== undefined ? formatBytes(pkg.wheel.size) : "",
  ]);
  ctx.output.out(`Target: ${formatTarget(p.target)}\n\n`);
  ctx.output.out(formatTable(["package", "version", "wheel", "size"], rows));
  const total = p.packages.reduce((n, pkg) => n + (pkg.wheel?.size ?? 0), 0);
  ctx.output.out(`\n${p.packages.length} packages, ${formatBytes(total)} of wheels to download (compressed)\n`);
  if (p.missing.length) {
    ctx.output.out(`\n${yellow(`${p.missing.length} package(s) have no compatible wheel:`)}\n`);
    for (const m of p.missing) ctx.output.out(`  ${m.name} ${m.version ?? ""}: ${m.reason}\n`);
    return 1;
  }
  return 0;
}
