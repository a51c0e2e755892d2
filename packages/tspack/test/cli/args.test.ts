import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import { selectionFromFlags, targetFromFlags } from "../../src/cli/flags.js";

function command(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== "command") throw new Error(`expected a command, got ${parsed.kind}`);
  return parsed;
}

describe("parseArgs", () => {
  it("parses positionals, --flag value, --flag=value, short flags and repeatable lists", () => {
    const p = command([
      "build",
      "proj",
      "--runtime",
      "python3.13",
      "--arch=arm64",
      "-o",
      "out",
      "--extra",
      "a,b",
      "--extra",
      "c",
      "-q",
    ]);
    expect(p.command.name).toBe("build");
    expect(p.positionals).toEqual(["proj"]);
    expect(p.flags).toEqual({ runtime: "python3.13", arch: "arm64", out: "out", extra: ["a", "b", "c"], quiet: true });
  });

  it("returns help and version requests", () => {
    expect(parseArgs([]).kind).toBe("help");
    expect(parseArgs(["--version"]).kind).toBe("version");
    const h = parseArgs(["plan", "--help"]);
    expect(h.kind === "help" && h.command?.name).toBe("plan");
    const h2 = parseArgs(["help", "export"]);
    expect(h2.kind === "help" && h2.command?.name).toBe("export");
  });

  it("suggests the closest flag and command", () => {
    expect(() => parseArgs(["build", "--runtme", "python3.13"])).toThrowError(
      expect.objectContaining({
        code: "TSPACK_USAGE",
        message: 'Unknown option "--runtme" for `tspack build`',
        hint: expect.stringContaining("--runtime"),
      }),
    );
    expect(() => parseArgs(["biuld"])).toThrowError(
      expect.objectContaining({ code: "TSPACK_USAGE", hint: expect.stringContaining("tspack build") }),
    );
  });

  it("refuses a missing value, a value on a boolean, and extra positionals", () => {
    expect(() => parseArgs(["plan", "--python"])).toThrowError('Option "--python" needs a value (VERSION)');
    expect(() => parseArgs(["plan", "--json=yes"])).toThrowError('Option "--json" takes no value, got "yes"');
    expect(() => parseArgs(["plan", "a", "b"])).toThrowError('Unexpected argument "b" for `tspack plan`');
    expect(() => parseArgs(["tags", "x"])).toThrowError('Unexpected argument "x" for `tspack tags`');
  });

  it("keeps arguments after -- as positionals", () => {
    expect(command(["plan", "--", "--weird-dir"]).positionals).toEqual(["--weird-dir"]);
  });
});

describe("flag mapping", () => {
  it("maps selection flags to the plan's options", () => {
    const p = command([
      "plan",
      "--no-dev",
      "--group",
      "g1",
      "--only-group",
      "g2",
      "--all-extras",
      "--no-emit-package",
      "x",
      "--prune",
      "y",
      "--package",
      "m",
    ]);
    expect(selectionFromFlags(p.flags)).toEqual({
      noDev: true,
      groups: ["g1"],
      onlyGroups: ["g2"],
      allExtras: true,
      noEmitPackages: ["x"],
      prune: ["y"],
      packages: ["m"],
    });
  });
  it("maps target flags", () => {
    expect(
      targetFromFlags(command(["tags", "--platform", "aarch64-manylinux_2_28", "--python", "3.12"]).flags),
    ).toEqual({
      platform: "aarch64-manylinux_2_28",
      python: "3.12",
    });
  });
});
