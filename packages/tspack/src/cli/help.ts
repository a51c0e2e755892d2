/** Help text rendered from the command table. */
import { COMMANDS, type CommandSpec } from "./spec.js";

export function formatMainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = [
    `tspack ${version} — package a uv project for AWS Lambda without Python, uv or Docker`,
    "",
    "Usage: tspack <command> [PROJECT_DIR] [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  Show help for a command`,
    "",
    "Options:",
    "  -h, --help     Show help (also after a command: `tspack build --help`)",
    "  -V, --version  Print the version",
    "",
    "Defaults: x86_64, CPython 3.13, manylinux2014 (glibc 2.17), the uv Lambda guide's target.",
    "Use --runtime python3.13 to allow every wheel the Lambda runtime can load (glibc 2.34).",
    "",
    "Docs: docs/cli.md. Exit status: 0 ok, 1 failure, 2 usage error, 130 interrupted.",
  ];
  return `${lines.join("\n")}\n`;
}

export function formatCommandHelp(command: CommandSpec): string {
  const lines = [command.summary, "", `Usage: ${command.usage}`];
  if (command.description) lines.push("", command.description);
  if (command.positionals.includes("PROJECT_DIR")) {
    lines.push("", "Arguments:", "  PROJECT_DIR  Folder with pyproject.toml and uv.lock (default: the current folder)");
  }
  const groups = new Map<string, string[]>();
  const width = Math.max(
    ...command.flags.map(
      (f) => `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` ${f.value}` : ""}`.length,
    ),
  );
  for (const f of command.flags) {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` ${f.value}` : ""}`;
    const list = groups.get(f.group) ?? [];
    const unnamed = (f.aliases ?? []).filter((a) => !f.help.includes(`--${a}`));
    const also = unnamed.length ? ` (also ${unnamed.map((a) => `--${a}`).join(", ")})` : "";
    list.push(`  ${left.padEnd(width)}  ${f.help}${also}`);
    groups.set(f.group, list);
  }
  for (const [group, list] of groups) lines.push("", `${group}:`, ...list);
  lines.push("", `  ${"-h, --help".padEnd(width)}  Show this help`);
  if (command.examples?.length) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}
