/**
 * The `tspack` CLI. Parses argv, runs one command, renders results and errors. Each command module is
 * imported lazily so `tspack --help` and warm paths load only what they use.
 */
import { classifyError, ERROR_CODES, isTspackError, type UserPath } from "@tspack/errors";
import { type FlagValues, flagBool, flagString, parseArgs } from "./args.js";
import type { CommandContext } from "./context.js";
import { formatCommandHelp, formatMainHelp } from "./help.js";
import {
  createOutput,
  errorToJSON,
  formatError,
  isReaderGone,
  type Output,
  StdStreams,
  stdoutError,
} from "./output.js";

declare const __TSPACK_VERSION__: string | undefined;
export const VERSION: string = typeof __TSPACK_VERSION__ === "string" ? __TSPACK_VERSION__ : "0.0.0-dev";

type Runner = (ctx: CommandContext) => Promise<number>;

const RUNNERS: Record<string, () => Promise<Runner>> = {
  plan: async () => (await import("./commands/plan.js")).runPlan,
  export: async () => (await import("./commands/export.js")).runExport,
  tags: async () => (await import("./commands/tags.js")).runTags,
  fetch: async () => (await import("./commands/fetch.js")).runFetch,
  install: async () => (await import("./commands/install.js")).runInstall,
  "pip install": async () => (await import("./commands/install.js")).runInstall,
  build: async () => (await import("./commands/build.js")).runBuild,
  cache: async () => (await import("./commands/cache.js")).runCache,
};

/** What the run knows so far: the output (once the flags are parsed), the flags, how to stop the command. */
interface RunState {
  output: Output;
  flags?: FlagValues;
  stop?: () => void;
}

/**
 * Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage error, 130 interrupted).
 * Output goes through {@link StdStreams}: when the reader of stdout or stderr goes away (`| head -1`),
 * the command is stopped and the run ends quietly with 0, like git and uv (an error already being
 * reported keeps its code); any other failure to write stdout (`> /dev/full`) stops it too and is
 * reported as TSPACK_IO with exit 1. Never a stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  /** Set when a write failed: the command is stopped and its abort is not an error to report. */
  let outputFailed = false;
  const streams = new StdStreams((name, error) => {
    // stderr failing for another reason (a full disk): nowhere to say so; the command goes on.
    if (name === "stderr" && !isReaderGone(error)) return;
    outputFailed = true;
    state.stop?.();
  });
  const state: RunState = {
    output: createOutput(
      { json: argv.includes("--json"), quiet: false, verbose: argv.includes("--verbose") || argv.includes("-v") },
      streams,
    ),
  };
  let code: number;
  /** True when the run ended with an error of its own (reported, or cut short by a closed pipe). */
  let failed = false;
  try {
    code = await runCommand(argv, streams, state);
  } catch (e) {
    failed = !outputFailed;
    if (outputFailed) {
      code = 0; // stopped because the output went away (replaced below when stdout failed otherwise)
    } else {
      // The library classifies its own errors; what reaches here raw (cache commands, the CLI's own
      // writes) is classified against the folders named on the command line.
      const error =
        isTspackError(e) || state.flags === undefined ? e : classifyError(e, { paths: await flagPaths(state.flags) });
      const { output } = state;
      if (output.json) output.out(`${JSON.stringify({ error: errorToJSON(error) }, null, 2)}\n`);
      else output.err(formatError(error, output.verbose));
      code = isTspackError(error, ERROR_CODES.USAGE) ? 2 : isTspackError(error, ERROR_CODES.ABORTED) ? 130 : 1;
    }
  }
  await streams.flush();
  const stdout = streams.failed.stdout;
  if (stdout !== undefined && !isReaderGone(stdout)) {
    // The output is incomplete: say so on stderr (if it still works) and fail.
    state.output.err(formatError(stdoutError(stdout), state.output.verbose));
    await streams.flush();
    return 1;
  }
  // The reader went away: the output ends quietly with 0, unless an error was already being reported.
  return outputFailed && !failed ? 0 : code;
}

async function runCommand(argv: readonly string[], streams: StdStreams, state: RunState): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "version") {
    state.output.out(
      state.output.json
        ? `${JSON.stringify({ name: "tspack", version: VERSION, node: process.version }, null, 2)}\n`
        : `tspack ${VERSION}\n`,
    );
    return 0;
  }
  if (parsed.kind === "help") {
    state.output.out(parsed.command ? formatCommandHelp(parsed.command) : formatMainHelp(VERSION));
    return 0;
  }
  const { command, flags, positionals } = parsed;
  const { envBool } = await import("../uv-env.js");
  if (flagString(flags, "color") === "never") process.env.NO_COLOR = "1";
  const output = createOutput(
    {
      json: flagBool(flags, "json"),
      quiet: flagBool(flags, "quiet"),
      verbose: flagBool(flags, "verbose"),
      noProgress: flagBool(flags, "no-progress") || envBool(process.env, "UV_NO_PROGRESS") === true,
    },
    streams,
  );
  state.output = output;
  state.flags = flags;
  const load = RUNNERS[command.name];
  if (!load) throw new Error(`no runner for ${command.name}`);
  const run = await load();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  state.stop = onSignal;
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await run({
      argv,
      flags,
      positionals,
      output,
      signal: controller.signal,
      env: process.env,
      cwd: await workingDir(flags),
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * The folder relative paths resolve against: `--directory DIR` (uv's), else `UV_WORKING_DIR`, else the
 * current folder. Like uv, tspack changes into it, so paths inside files (a requirements.txt's
 * `./library`) resolve against it too. @throws TSPACK_USAGE when it is not a folder.
 */
async function workingDir(flags: FlagValues): Promise<string> {
  const dir = flagString(flags, "directory") ?? (process.env.UV_WORKING_DIR || undefined);
  if (dir === undefined) return process.cwd();
  const { resolve } = await import("node:path");
  const { statSync } = await import("node:fs");
  const abs = resolve(dir);
  if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
    const { TspackError } = await import("@tspack/errors");
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The working folder "${abs}" (${flagString(flags, "directory") !== undefined ? "--directory" : "UV_WORKING_DIR"}) is not a folder`,
      { hint: "Give an existing folder: every relative path of the command resolves against it" },
    );
  }
  process.chdir(abs);
  return abs;
}

/** The folders named on the command line (and the cache), as the user gave them. */
async function flagPaths(flags: FlagValues): Promise<UserPath[]> {
  const { resolve } = await import("node:path");
  const { homedir } = await import("node:os");
  const { cacheUserPath, resolveCacheDir } = await import("@tspack/cache");
  const paths: UserPath[] = [];
  for (const [flag, what] of [
    ["out", "the output folder"],
    ["target", "the target folder"],
    ["prefix", "the prefix folder"],
    ["output-file", "the output file"],
  ] as const) {
    const value = flagString(flags, flag);
    if (value !== undefined) paths.push({ path: resolve(value), what, option: `--${flag}` });
  }
  const cacheDir = flagString(flags, "cache-dir");
  try {
    const env = process.env;
    paths.push(
      cacheUserPath(resolveCacheDir({ ...(cacheDir === undefined ? {} : { cacheDir }), env, homedir: homedir() })),
    );
  } catch {
    // no home folder: the error names its own path
  }
  return paths;
}
