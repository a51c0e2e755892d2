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
    expect(() => parseArgs(["plan", "--json=maybe"])).toThrowError('Option "--json" takes no value, got "maybe"');
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

describe("uv's spelling", () => {
  it("parses the uv Lambda guide's `uv pip install` line as `tspack pip install`", () => {
    const p = command([
      "pip",
      "install",
      "--no-installer-metadata",
      "--no-compile-bytecode",
      "--python-platform",
      "x86_64-manylinux2014",
      "--python",
      "3.13",
      "--target",
      "packages",
      "-r",
      "requirements.txt",
    ]);
    expect(p.command.name).toBe("pip install");
    expect(p.flags).toEqual({
      "no-installer-metadata": true,
      "compile-bytecode": false,
      platform: "x86_64-manylinux2014",
      python: "3.13",
      target: "packages",
      requirement: "requirements.txt",
    });
    expect(targetFromFlags(p.flags)).toEqual({ platform: "x86_64-manylinux2014", python: "3.13" });
  });

  it("maps aliases, shorts and clusters: -p, --python-version, --default-index, -i, -f, -n, -t, -vv", () => {
    const p = command([
      "install",
      "-p",
      "cpython@3.12",
      "--default-index",
      "https://a.example/simple",
      "--index",
      "corp=https://b.example/simple",
      "--extra-index-url",
      "https://c.example/simple",
      "-f",
      "./wheels",
      "-n",
      "-t",
      "out",
      "-vv",
    ]);
    expect(p.flags).toMatchObject({
      python: "cpython@3.12",
      "index-url": "https://a.example/simple",
      index: ["corp=https://b.example/simple"],
      "extra-index-url": ["https://c.example/simple"],
      "find-links": ["./wheels"],
      "no-cache": true,
      target: "out",
      verbose: true,
    });
    expect(targetFromFlags(p.flags).python).toBe("3.12");
    expect(targetFromFlags(command(["plan", "--python-version", "python3.11"]).flags).python).toBe("3.11");
    expect(targetFromFlags(command(["plan"]).flags, { UV_PYTHON: "3.12" }).python).toBe("3.12");
    // A path in UV_PYTHON names an interpreter, not a target.
    expect(targetFromFlags(command(["plan"]).flags, { UV_PYTHON: "/usr/bin/python3" }).python).toBeUndefined();
    expect(() => targetFromFlags(command(["plan", "--python", "/usr/bin/python3"]).flags)).toThrowError(
      /names an interpreter; tspack never runs one/,
    );
  });

  it("accepts uv's no-op flags and refuses what tspack cannot do, saying why (never 'unknown')", () => {
    for (const ok of [
      ["--no-build"],
      ["--only-binary", ":all:"],
      ["--no-binary", ":none:"],
      ["--no-deps"],
      ["--reinstall"],
      ["--refresh"],
      ["--no-progress"],
      ["--color", "never"],
      ["-U"],
      ["--no-config"],
    ]) {
      expect(() => command(["pip", "install", "--target", "t", ...ok]), ok.join(" ")).not.toThrow();
    }
    const refused: Array<[string[], RegExp]> = [
      [["--no-binary", "numpy"], /--no-binary is not supported by tspack: tspack never builds/],
      [["--system"], /--system is not supported by tspack: tspack installs into --target or --prefix only/],
      [["-e", "./lib"], /-e is not supported by tspack: an editable install links to the source folder/],
      [["-c", "constraints.txt"], /-c is not supported by tspack: tspack never resolves/],
      [["--locked"], /--locked is not supported by tspack: tspack cannot check that uv.lock is up to date/],
      [["--color", "sometimes"], /"sometimes" is not one of auto, always, never/],
    ];
    for (const [args, message] of refused) {
      expect(() => parseArgs(["pip", "install", "--target", "t", ...args])).toThrowError(
        expect.objectContaining({ code: "TSPACK_USAGE", message: expect.stringMatching(message) }),
      );
    }
  });

  it("--target with --prefix is a usage error naming both; -t/--prefix= spellings as typed", () => {
    expect(() => parseArgs(["pip", "install", "--target", "a", "--prefix", "b"])).toThrowError(
      "The options --target and --prefix cannot be used together",
    );
    expect(() => parseArgs(["install", "-t", "a", "--prefix=b"])).toThrowError(
      "The options -t and --prefix cannot be used together",
    );
  });

  it("unknown flags still get the nearest real one (aliases included); --locked no longer suggests --lock", () => {
    expect(() => parseArgs(["pip", "install", "--python-platfrom", "x"])).toThrowError(
      expect.objectContaining({ hint: expect.stringContaining("`--python-platform`") }),
    );
    expect(() => parseArgs(["export", "--emit-index-urls"])).toThrowError(
      expect.objectContaining({ hint: expect.stringContaining("`--emit-index-url`") }),
    );
    expect(() => parseArgs(["export", "--locked"])).toThrowError(
      expect.objectContaining({ hint: expect.not.stringContaining("--lock`") }),
    );
  });

  it("`tspack pip` has install only; package names are refused with the reason", () => {
    expect(() => parseArgs(["pip", "sync", "r.txt"])).toThrowError(
      expect.objectContaining({ message: "`tspack pip sync` is not supported: tspack pip has `install` only" }),
    );
    expect(() => parseArgs(["pip", "install", "flask", "--target", "t"])).toThrowError(
      /takes no package names \(got "flask"\)/,
    );
    const h = parseArgs(["pip", "--help"]);
    expect(h.kind === "help" && h.command?.name).toBe("pip install");
    const h2 = parseArgs(["help", "pip"]);
    expect(h2.kind === "help" && h2.command?.name).toBe("pip install");
  });

  it("UV_NO_DEV stands in for --no-dev; --dev beats it", () => {
    expect(selectionFromFlags(command(["plan"]).flags, { UV_NO_DEV: "1" })).toEqual({ noDev: true });
    expect(selectionFromFlags(command(["plan", "--dev"]).flags, { UV_NO_DEV: "1" })).toEqual({ dev: true });
    expect(() => selectionFromFlags(command(["plan"]).flags, { UV_NO_DEV: "perhaps" })).toThrowError(
      'UV_NO_DEV="perhaps" is not a boolean',
    );
  });
});
