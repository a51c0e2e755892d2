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
      // The unpacked wheels: a file changed behind the cache's back (an edit through a hard-linked install).
      const { verifyUnpacked } = await import("@tspack/installer");
      const u = await verifyUnpacked(dir);
      const bad = [...r.bad, ...u.bad].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const line = (b: (typeof bad)[number]): string =>
        b.file !== undefined
          ? `  ${b.path}: "${b.file}" of ${b.wheel} changed: expected ${b.expected}, found ${b.actual}`
          : b.wheel !== undefined
            ? `  ${b.path}: an extra file in the unpacked ${b.wheel}`
            : `  ${b.path}: expected sha256 ${b.expected}, found ${b.actual || "unreadable"}`;
      const unpacked = u.entries > 0 ? ` and ${u.entries} unpacked wheels (${u.files} files)` : "";
      const again = u.bad.length > 0 ? "The next install extracts the removed unpacked wheels again.\n" : "";
      print(
        `Verified ${r.checked} entries${unpacked} (${formatBytes(r.bytes + u.bytes)}) in ${dir}: ${bad.length} bad${bad.length ? `, removed:\n${bad.map(line).join("\n")}` : ""}\n${again}`,
        {
          cacheDir: dir,
          checked: r.checked,
          bytes: r.bytes + u.bytes,
          bad,
          ...(u.entries > 0 ? { unpacked: u.entries, unpackedFiles: u.files } : {}),
        },
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
