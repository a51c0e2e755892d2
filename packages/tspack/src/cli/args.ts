/**
 * Pure argv parsing against the command table in spec.ts. No process access: argv in, data out.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { parseBoolishValue } from "../uv-env.js";
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
      const command = findCommand(topic === "pip" ? "pip install" : topic);
      if (!command) throw unknownCommand(topic);
      return { kind: "help", command };
    }
    return { kind: "help" };
  }
  if (first === "--version" || first === "-V") return { kind: "version" };
  if (first.startsWith("-")) throw usageError(`Unknown option "${first}" before the command`);
  let i = 1;
  let command: CommandSpec | undefined;
  if (first === "pip") {
    // uv's `pip` command group: `install` is tspack's; the others need a resolver or an environment.
    const sub = argv[1];
    command = findCommand("pip install")!;
    if (sub === undefined || sub === "--help" || sub === "-h") return { kind: "help", command };
    if (sub !== "install") {
      throw usageError(
        `\`tspack pip ${sub}\` is not supported: tspack pip has \`install\` only`,
        PIP_OTHERS.has(sub)
          ? `\`uv pip ${sub}\` works on a Python environment or runs a resolver, which tspack never does. Use \`tspack pip install -r requirements.txt --target DIR\` (or \`tspack export\` for requirements).`
          : "Run `tspack pip install --help` for its options.",
      );
    }
    i = 2;
  } else {
    command = findCommand(first);
    if (!command || command.name === "pip install") throw unknownCommand(first);
  }

  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const f of command.flags) {
    byName.set(f.name, f);
    for (const a of f.aliases ?? []) byName.set(a, f);
    if (f.short) byShort.set(f.short, f);
  }
  const flags: FlagValues = {};
  const given = new Map<string, string>();
  const positionals: string[] = [];
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
      if (arg.length > 2) {
        inline = arg.slice(2);
        // A cluster of boolean short flags, like uv's `-vv` or `-qn`.
        if (spec.kind === "boolean" && [...inline].every((c) => byShort.get(c)?.kind === "boolean")) {
          for (const c of inline) setBoolean(flags, given, byShort.get(c)!, true, `-${c}`);
          inline = undefined;
        }
      }
    }
    const typed = arg.startsWith("--") ? arg.split("=")[0]! : arg.slice(0, 2);
    if (spec.kind === "boolean") {
      let value = true;
      if (inline !== undefined) {
        // uv's boolish values (clap's BoolishValueParser) as well as true/false.
        const v = parseBoolishValue(inline);
        if (v === undefined) throw usageError(`Option "--${spec.name}" takes no value, got "${inline}"`);
        value = v;
      }
      setBoolean(flags, given, spec, value, typed);
      continue;
    }
    given.set(spec.name, typed);
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
  checkUvFlags(command, flags, given);
  if (command.name === "pip install" && positionals.length > 0) {
    throw usageError(
      `\`tspack pip install\` takes no package names (got "${positionals[0]}")`,
      "tspack never resolves: write pinned requirements with `tspack export` (or `uv export`) and pass them with -r requirements.txt; a local project is found from the current folder or --project DIR",
    );
  }
  if (positionals.length > command.positionals.length) {
    throw usageError(
      `Unexpected argument "${positionals[command.positionals.length]}" for \`tspack ${command.name}\``,
      `Usage: ${command.usage}`,
    );
  }
  return { kind: "command", command, positionals, flags };
}

/** uv pip's other subcommands (named in the refusal's hint). */
const PIP_OTHERS = new Set(["sync", "compile", "uninstall", "freeze", "list", "show", "tree", "check"]);

function setBoolean(
  flags: FlagValues,
  given: Map<string, string>,
  spec: FlagSpec,
  value: boolean,
  typed: string,
): void {
  const name = spec.negates ?? spec.name;
  flags[name] = spec.negates === undefined ? value : !value;
  if (value) given.set(spec.name, typed);
}

/** Conflicting flags and uv flags tspack accepts but cannot honour: usage errors that say why. */
function checkUvFlags(command: CommandSpec, flags: FlagValues, given: Map<string, string>): void {
  for (const spec of command.flags) {
    const typed = given.get(spec.name);
    if (typed === undefined) continue;
    for (const other of spec.conflicts ?? []) {
      const otherTyped = given.get(other);
      if (otherTyped !== undefined) {
        throw usageError(
          `The options ${typed} and ${otherTyped} cannot be used together`,
          `Give one of them. Run \`tspack ${command.name} --help\` for what each does.`,
        );
      }
    }
    if (spec.refused === undefined) continue;
    const value = flags[spec.name];
    const reason = typeof spec.refused === "string" ? spec.refused : spec.refused(value ?? true);
    if (reason !== undefined) {
      throw new TspackError(ERROR_CODES.USAGE, `The option ${typed} is not supported by tspack: ${reason}`, {
        hint: "tspack accepts uv's flags with uv's meaning where it can; docs/cli.md (\"Coming from uv\") lists each one",
        details: { option: typed },
      });
    }
  }
}

function unknownCommand(name: string): TspackError {
  const guess = closest(
    name,
    COMMANDS.map((c) => (c.name === "pip install" ? "pip" : c.name)),
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
