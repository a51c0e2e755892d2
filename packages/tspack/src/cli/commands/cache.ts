import { resolve } from "node:path";
import { cleanCache, pruneCache, verifyCache } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { cacheDirFor } from "../../fetch.js";
import { flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { formatBytes } from "../output.js";

/** `tspack cache dir|clean|prune|verify`. */
export async function runCache(ctx: CommandContext): Promise<number> {
  const sub = ctx.positionals[0];
  const cacheDir = flagString(ctx.flags, "cache-dir");
  const dir = cacheDirFor({
    ...(cacheDir === undefined ? {} : { cacheDir: resolve(ctx.cwd, cacheDir) }),
    env: ctx.env,
  });
  const print = (human: string, json: unknown): void => {
    if (ctx.output.json) ctx.output.out(`${JSON.stringify(json, null, 2)}\n`);
    else if (!ctx.output.quiet || sub === "dir") ctx.output.out(human);
  };
  switch (sub) {
    case "dir":
      print(`${dir}\n`, { cacheDir: dir });
      return 0;
    case "clean": {
      const r = await cleanCache(dir);
      print(r.removed ? `Removed the cache ${dir}\n` : `No cache at ${dir}\n`, { cacheDir: dir, ...r });
      return 0;
    }
    case "prune": {
      const r = await pruneCache(dir);
      print(`Pruned ${dir}: removed ${r.removed.length} entries\n`, { cacheDir: dir, ...r });
      return 0;
    }
    case "verify": {
      const r = await verifyCache(dir);
      const bad = r.bad;
      print(
        `Verified ${r.checked} entries (${formatBytes(r.bytes)}) in ${dir}: ${bad.length} bad${bad.length ? `, removed:\n${bad.map((b) => `  ${b.path}: expected sha256 ${b.expected}, found ${b.actual || "unreadable"}`).join("\n")}` : ""}\n`,
        { cacheDir: dir, ...r },
      );
      return bad.length ? 1 : 0;
    }
    default:
      throw new TspackError(
        ERROR_CODES.USAGE,
        sub === undefined ? "The cache command needs a subcommand" : `Unknown cache subcommand "${sub}"`,
        {
          hint: "Use one of: tspack cache dir | clean | prune | verify",
        },
      );
  }
}
