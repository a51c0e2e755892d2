/**
 * The `tspack` CLI. Parses argv, runs one command, renders results and errors. Each command module is
 * imported lazily so `tspack --help` and warm paths load only what they use.
 */
import { ERROR_CODES, isTspackError } from "@tspack/errors";
import { flagBool, parseArgs } from "./args.js";
import type { CommandContext } from "./context.js";
import { formatCommandHelp, formatMainHelp } from "./help.js";
import { createOutput, errorToJSON, formatError } from "./output.js";

declare const __TSPACK_VERSION__: string | undefined;
export const VERSION: string = typeof __TSPACK_VERSION__ === "string" ? __TSPACK_VERSION__ : "0.0.0-dev";

type Runner = (ctx: CommandContext) => Promise<number>;

const RUNNERS: Record<string, () => Promise<Runner>> = {
  plan: async () => (await import("./commands/plan.js")).runPlan,
  export: async () => (await import("./commands/export.js")).runExport,
  tags: async () => (await import("./commands/tags.js")).runTags,
  fetch: async () => (await import("./commands/fetch.js")).runFetch,
  install: async () => (await import("./commands/install.js")).runInstall,
  build: async () => (await import("./commands/build.js")).runBuild,
  cache: async () => (await import("./commands/cache.js")).runCache,
};

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[]): Promise<number> {
  const jsonRequested = argv.includes("--json");
  let output = createOutput({
    json: jsonRequested,
    quiet: false,
    verbose: argv.includes("--verbose") || argv.includes("-v"),
  });
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === "version") {
      output.out(
        output.json
          ? `${JSON.stringify({ name: "tspack", version: VERSION, node: process.version }, null, 2)}\n`
          : `tspack ${VERSION}\n`,
      );
      return 0;
    }
    if (parsed.kind === "help") {
      output.out(parsed.command ? formatCommandHelp(parsed.command) : formatMainHelp(VERSION));
      return 0;
    }
    const { command, flags, positionals } = parsed;
    output = createOutput({
      json: flagBool(flags, "json"),
      quiet: flagBool(flags, "quiet"),
      verbose: flagBool(flags, "verbose"),
    });
    const load = RUNNERS[command.name];
    if (!load) throw new Error(`no runner for ${command.name}`);
    const run = await load();
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
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
        cwd: process.cwd(),
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  } catch (e) {
    if (output.json) output.out(`${JSON.stringify({ error: errorToJSON(e) }, null, 2)}\n`);
    else output.err(formatError(e, output.verbose));
    if (isTspackError(e, ERROR_CODES.USAGE)) return 2;
    if (isTspackError(e, ERROR_CODES.ABORTED)) return 130;
    return 1;
  }
}
