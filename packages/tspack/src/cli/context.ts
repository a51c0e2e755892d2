import type { FlagValues } from "./args.js";
import type { Output } from "./output.js";

/** Everything a command runner gets; the only place process state enters the CLI. */
export interface CommandContext {
  argv: readonly string[];
  flags: FlagValues;
  positionals: string[];
  output: Output;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
