/** Option objects shared by the commands that plan, download and install. */
import { resolve } from "node:path";
import type { FetchStageOptions } from "../../fetch.js";
import { flagBool, flagList, flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { parseMirrors, positiveInt, selectionFromFlags, targetFromFlags } from "../flags.js";
import { eventPrinter } from "../progress.js";

export function fetchOptionsFrom(ctx: CommandContext): FetchStageOptions {
  const lockPath = flagString(ctx.flags, "lock");
  const cacheDir = flagString(ctx.flags, "cache-dir");
  const indexUrl = flagString(ctx.flags, "index-url");
  const concurrency =
    positiveInt(flagString(ctx.flags, "concurrency"), "--concurrency") ??
    positiveInt(ctx.env.TSPACK_CONCURRENCY || undefined, "TSPACK_CONCURRENCY");
  return {
    projectDir: resolve(ctx.cwd, ctx.positionals[0] ?? "."),
    // Paths given on the command line are relative to the current folder, like every CLI (and uv).
    ...(lockPath === undefined ? {} : { lockPath: resolve(ctx.cwd, lockPath) }),
    target: targetFromFlags(ctx.flags),
    selection: selectionFromFlags(ctx.flags),
    ...(cacheDir === undefined ? {} : { cacheDir: resolve(ctx.cwd, cacheDir) }),
    env: ctx.env,
    offline: flagBool(ctx.flags, "offline") || ctx.env.TSPACK_OFFLINE === "1",
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(indexUrl === undefined ? {} : { indexUrl }),
    mirrors: parseMirrors(flagList(ctx.flags, "mirror")),
    requireHashes: flagBool(ctx.flags, "require-hashes"),
    signal: ctx.signal,
    onEvent: eventPrinter(ctx.output),
  };
}
