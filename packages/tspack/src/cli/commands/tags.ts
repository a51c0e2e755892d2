import { formatTarget, supportedTags, targetToJSON } from "@tspack/platform-tags";
import { resolveTarget } from "../../target.js";
import type { CommandContext } from "../context.js";
import { targetFromFlags } from "../flags.js";

/** `tspack tags`: the target's compatible tags, best first, one per line. */
export async function runTags(ctx: CommandContext): Promise<number> {
  const target = resolveTarget(targetFromFlags(ctx.flags, ctx.env));
  const tags = supportedTags(target);
  if (ctx.output.json) {
    ctx.output.out(`${JSON.stringify({ target: targetToJSON(target), tags }, null, 2)}\n`);
    return 0;
  }
  if (!ctx.output.quiet) ctx.output.err(`Compatible tags for ${formatTarget(target)}: ${tags.length}\n`);
  ctx.output.out(`${tags.join("\n")}\n`);
  return 0;
}
