import { fetchWheels } from "../../fetch.js";
import type { CommandContext } from "../context.js";
import { formatBytes, formatMs } from "../output.js";
import { fetchOptionsFrom } from "./common.js";

/** `tspack fetch`: every planned wheel into the cache. */
export async function runFetch(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const r = await fetchWheels(fetchOptionsFrom(ctx));
  // The uploads to the remote cache run in the background during the command: finished before exit.
  await r.remoteCache?.flush();
  const ms = performance.now() - started;
  const downloaded = r.wheels.filter((w) => w.from === "network");
  if (ctx.output.json) {
    ctx.output.out(
      `${JSON.stringify(
        {
          cacheDir: r.cacheDir,
          requests: r.requests,
          bytesDownloaded: r.bytesDownloaded,
          ms: Math.round(ms),
          wheels: r.wheels.map((w) => ({
            name: w.name,
            version: w.version,
            filename: w.filename,
            path: w.path,
            sha256: w.sha256,
            size: w.size,
            from: w.from,
          })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (!ctx.output.quiet) {
    const bytes = r.wheels.reduce((n, w) => n + w.size, 0);
    ctx.output.err(
      `Fetched ${r.wheels.length} wheels (${formatBytes(bytes)}) in ${formatMs(ms)}: ${downloaded.length} downloaded (${formatBytes(r.bytesDownloaded)}), ${r.wheels.length - downloaded.length} from the cache ${r.cacheDir}\n`,
    );
  }
  return 0;
}
