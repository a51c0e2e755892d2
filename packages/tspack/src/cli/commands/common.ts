/** Option objects shared by the commands that plan, download and install. */
import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
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
  const retries = retriesFrom(ctx.env.UV_HTTP_RETRIES);
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
    ...(retries === undefined ? {} : { retry: { retries } }),
    signal: ctx.signal,
    onEvent: eventPrinter(ctx.output),
  };
}

/** `UV_HTTP_RETRIES` (uv's variable): retries of failed requests, a whole number from 0. */
function retriesFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (/^[0-9]+$/.test(value) && n <= 100) return n;
  throw new TspackError(ERROR_CODES.USAGE, `UV_HTTP_RETRIES "${value}" is not a whole number from 0 to 100`, {
    hint: "Set UV_HTTP_RETRIES to the number of retries after a failed request (default 3), or unset it",
  });
}
