import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args.js";
import { runBuild } from "../../../src/cli/commands/build.js";
import type { CommandContext } from "../../../src/cli/context.js";
import type { Output } from "../../../src/cli/output.js";

function ctx(env: Record<string, string>): CommandContext {
  const parsed = parseArgs(["build", "/nonexistent/tspack-project", "-q"]);
  if (parsed.kind !== "command") throw new Error("expected a command");
  const output: Output = {
    json: false,
    quiet: true,
    verbose: false,
    isTTY: false,
    out: () => {},
    err: () => {},
    outVerbatim: () => {},
  };
  return {
    argv: [],
    flags: parsed.flags,
    positionals: parsed.positionals,
    output,
    signal: new AbortController().signal,
    env,
    cwd: "/",
  };
}

describe("tspack build: SOURCE_DATE_EPOCH", () => {
  it.each([
    ["4354819200", "after 2107, the last zip timestamp"],
    ["99999999999", "after 2107, the last zip timestamp"],
    ["1e9", "not a decimal number of seconds"],
    ["0x5E0BE100", "not a decimal number of seconds"],
    [" 315532800", "not a decimal number of seconds"],
    ["315532800.5", "not a decimal number of seconds"],
  ])("%j is refused before the project is read: %s", async (value, reason) => {
    await expect(runBuild(ctx({ SOURCE_DATE_EPOCH: value }))).rejects.toMatchObject({
      code: "TSPACK_USAGE",
      message: `SOURCE_DATE_EPOCH "${value}" is invalid: ${reason}`,
      hint: "Give whole seconds since 1970-01-01T00:00:00Z up to 4354819199 (2107; earlier than 315532800 counts as 1980-01-01), or unset it",
    });
  });

  it.each(["1700000000", "0", "100"])(
    "%j gets past the check (before 1980 counts as 1980; the missing project is the next error)",
    async (value) => {
      await expect(runBuild(ctx({ SOURCE_DATE_EPOCH: value }))).rejects.toMatchObject({
        code: "TSPACK_FILE_NOT_FOUND",
      });
    },
  );
});
