/**
 * Pure argv parsing against the command table in spec.ts. No process access: argv in, data out.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { COMMANDS, type CommandSpec, type FlagSpec, findCommand } from "./spec.js";

export type FlagValues = Record<string, boolean | string | string[] | undefined>;

export type ParsedArgs =
  | { kind: "help"; command?: CommandSpec }
  | { kind: "version" }
  | { kind: "command"; command: CommandSpec; positionals: string[]; flags: FlagValues };

function usageError(message: string, hint?: string): TspackError {
  return new TspackError(ERROR_CODES.USAGE, message, {
    hint: hint ?? "Run `tspack --help` to see the commands and their options.",
  });
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function closest(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(input, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

/** Parses `tspack <command> [args]`. Throws TSPACK_USAGE with a hint on bad input. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? argv[1] : undefined;
    if (topic !== undefined) {
      const command = findCommand(topic);
      if (!command) throw unknownCommand(topic);
      return { kind: "help", command };
    }
    return { kind: "help" };
  }
  if (first === "--version" || first === "-V") return { kind: "version" };
  if (first.startsWith("-")) throw usageError(`Unknown option "${first}" before the command`);
  const command = findCommand(first);
  if (!command) throw unknownCommand(first);

  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const f of command.flags) {
    byName.set(f.name, f);
    if (f.short) byShort.set(f.short, f);
  }
  const flags: FlagValues = {};
  const positionals: string[] = [];
  let i = 1;
  let onlyPositionals = false;
  while (i < argv.length) {
    const arg = argv[i]!;
    i++;
    if (onlyPositionals || arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") return { kind: "help", command };
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) {
        const guess = closest(name, [...byName.keys()]);
        throw usageError(
          `Unknown option "--${name}" for \`tspack ${command.name}\``,
          guess
            ? `Did you mean \`--${guess}\`? Run \`tspack ${command.name} --help\` for all options.`
            : `Run \`tspack ${command.name} --help\` for all options.`,
        );
      }
    } else {
      const short = arg.slice(1, 2);
      spec = byShort.get(short);
      if (!spec)
        throw usageError(
          `Unknown option "${arg}" for \`tspack ${command.name}\``,
          `Run \`tspack ${command.name} --help\` for all options.`,
        );
      if (arg.length > 2) inline = arg.slice(2);
    }
    if (spec.kind === "boolean") {
      if (inline !== undefined) {
        if (inline !== "true" && inline !== "false")
          throw usageError(`Option "--${spec.name}" takes no value, got "${inline}"`);
        flags[spec.name] = inline === "true";
      } else flags[spec.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i];
      if (next === undefined || (next.startsWith("-") && next !== "-")) {
        throw usageError(`Option "--${spec.name}" needs a value (${spec.value ?? "VALUE"})`);
      }
      value = next;
      i++;
    }
    if (spec.kind === "multiple") {
      const list = (flags[spec.name] as string[] | undefined) ?? [];
      // uv accepts comma lists for --extra; so do we for every repeatable flag.
      list.push(...value.split(",").filter((v) => v !== ""));
      flags[spec.name] = list;
    } else {
      flags[spec.name] = value;
    }
  }
  if (positionals.length > command.positionals.length) {
    throw usageError(
      `Unexpected argument "${positionals[command.positionals.length]}" for \`tspack ${command.name}\``,
      `Usage: ${command.usage}`,
    );
  }
  return { kind: "command", command, positionals, flags };
}

function unknownCommand(name: string): TspackError {
  const guess = closest(
    name,
    COMMANDS.map((c) => c.name),
  );
  return usageError(
    `Unknown command "${name}"`,
    guess
      ? `Did you mean \`tspack ${guess}\`? Run \`tspack --help\` for the list.`
      : "Run `tspack --help` for the list of commands.",
  );
}

/** Typed accessors over parsed flags. */
export function flagString(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}
export function flagBool(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}
export function flagList(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : [];
}
