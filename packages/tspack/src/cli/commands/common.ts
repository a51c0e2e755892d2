/** Option objects shared by the commands that plan, download and install. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { FetchStageOptions } from "../../fetch.js";
import { discoverProject } from "../../read-project.js";
import { envBool, parseIndexArg } from "../../uv-env.js";
import { flagBool, flagList, flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { parseMirrors, positiveInt, selectionFromFlags, targetFromFlags } from "../flags.js";
import { eventPrinter } from "../progress.js";

/**
 * The project of a command, found like uv: from PROJECT_DIR, else `--project DIR`, else `UV_PROJECT`,
 * else the current folder (`--directory`), searching upward for pyproject.toml and then the workspace
 * root (its uv.lock). `--lock PATH` names the lock instead.
 */
export function projectFrom(ctx: CommandContext): { projectDir: string; lockPath: string } {
  const lockPath = flagString(ctx.flags, "lock");
  const start = ctx.positionals[0] ?? flagString(ctx.flags, "project") ?? (ctx.env.UV_PROJECT || undefined) ?? ".";
  return discoverProject(
    resolve(ctx.cwd, start),
    lockPath === undefined ? {} : { lockPath: resolve(ctx.cwd, lockPath) },
  );
}

/**
 * The cache folder of a command: `--cache-dir`; with `--no-cache` (or `UV_NO_CACHE`) a temporary folder
 * removed when the process exits, like uv's; else undefined (TSPACK_CACHE_DIR, UV_CACHE_DIR, … decide).
 */
export function cacheDirFrom(ctx: CommandContext): string | undefined {
  const cacheDir = flagString(ctx.flags, "cache-dir");
  if (flagBool(ctx.flags, "no-cache") || envBool(ctx.env, "UV_NO_CACHE") === true) {
    const dir = mkdtempSync(join(tmpdir(), "tspack-no-cache-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  return cacheDir === undefined ? undefined : resolve(ctx.cwd, cacheDir);
}

/** A boolean flag, else its `TSPACK_*`/`UV_*` variable (uv's values), else undefined. */
export function flagOrEnv(ctx: CommandContext, flag: string, ...vars: string[]): boolean | undefined {
  const v = ctx.flags[flag];
  if (typeof v === "boolean") return v;
  return envBool(ctx.env, ...vars);
}

export function fetchOptionsFrom(ctx: CommandContext, opts: { project?: boolean } = {}): FetchStageOptions {
  const cacheDir = cacheDirFrom(ctx);
  const indexUrl = flagString(ctx.flags, "index-url");
  const concurrency = positiveInt(flagString(ctx.flags, "concurrency"), "--concurrency");
  const retries = retriesFrom(ctx.env.UV_HTTP_RETRIES);
  const offline = flagBool(ctx.flags, "offline") ? true : undefined;
  const requireHashes = flagOrEnv(ctx, "require-hashes", "UV_REQUIRE_HASHES");
  const index = flagList(ctx.flags, "index");
  const extra = flagList(ctx.flags, "extra-index-url");
  const findLinks = flagList(ctx.flags, "find-links");
  const remoteCache = flagString(ctx.flags, "remote-cache");
  const remoteCacheEndpoint = flagString(ctx.flags, "remote-cache-endpoint");
  const remoteCacheMode = flagString(ctx.flags, "remote-cache-mode");
  if (remoteCacheMode !== undefined && remoteCacheMode !== "read" && remoteCacheMode !== "readwrite") {
    throw new TspackError(ERROR_CODES.USAGE, `The value "${remoteCacheMode}" of --remote-cache-mode is not a mode`, {
      hint: "Use read (upload nothing) or readwrite.",
    });
  }
  return {
    // Paths given on the command line are relative to the current folder, like every CLI (and uv).
    ...(opts.project === false ? {} : projectFrom(ctx)),
    target: targetFromFlags(ctx.flags, ctx.env),
    selection: selectionFromFlags(ctx.flags, ctx.env),
    ...(cacheDir === undefined ? {} : { cacheDir }),
    env: ctx.env,
    ...(offline === undefined ? {} : { offline }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(indexUrl === undefined ? {} : { indexUrl }),
    ...(index.length || extra.length
      ? {
          indexes: [...index.map(parseIndexArg), ...extra.map((url) => ({ url }))],
        }
      : {}),
    ...(findLinks.length
      ? { findLinks: findLinks.map((f) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(f) ? f : resolve(ctx.cwd, f))) }
      : {}),
    ...(flagBool(ctx.flags, "no-index") ? { noIndex: true } : {}),
    mirrors: parseMirrors(flagList(ctx.flags, "mirror")),
    requireHashes: requireHashes === true,
    ...(retries === undefined ? {} : { retry: { retries } }),
    signal: ctx.signal,
    onEvent: eventPrinter(ctx.output),
    ...(remoteCache === undefined ? {} : { remoteCache }),
    ...(remoteCacheEndpoint === undefined ? {} : { remoteCacheEndpoint }),
    ...(flagBool(ctx.flags, "remote-cache-path-style") ? { remoteCachePathStyle: true } : {}),
    ...(remoteCacheMode === undefined ? {} : { remoteCacheMode }),
    ...(flagBool(ctx.flags, "remote-cache-required") ? { remoteCacheRequired: true } : {}),
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
