import { isTspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import { parsePyproject } from "../src/pyproject.js";

function tspack(body: string) {
  return parsePyproject(`[project]\nname = "x"\n[tool.tspack]\n${body}\n`, "pyproject.toml").tspack;
}

function errorOf(body: string): { message: string; hint?: string; details?: unknown; code: string } {
  try {
    tspack(body);
  } catch (e) {
    if (isTspackError(e)) return e.toJSON();
    throw e;
  }
  throw new Error("expected an error");
}

describe("[tool.tspack]", () => {
  it("reads every key", () => {
    expect(
      tspack(`layout = "layer"
out = "dist"
runtime = "python3.13"
python = "3.13"
arch = "arm64"
platform = "manylinux_2_34"
include = ["app", "lambda_function.py"]
exclude = ["**/*.md"]
handler = "app.main.handler"
groups = ["prod"]
extras = ["fast"]
remote-cache = "s3://ci-cache/tspack"`),
    ).toEqual({
      layout: "layer",
      out: "dist",
      runtime: "python3.13",
      python: "3.13",
      arch: "arm64",
      platform: "manylinux_2_34",
      include: ["app", "lambda_function.py"],
      exclude: ["**/*.md"],
      handler: "app.main.handler",
      groups: ["prod"],
      extras: ["fast"],
      remoteCache: "s3://ci-cache/tspack",
    });
  });

  it("reads the bytecode keys and refuses timestamp pycs", () => {
    expect(tspack('compile-bytecode = true\ninvalidation-mode = "unchecked-hash"\nbytecode-only = false')).toEqual({
      compileBytecode: true,
      invalidationMode: "unchecked-hash",
      bytecodeOnly: false,
    });
    expect(errorOf('invalidation-mode = "timestamp"').message).toContain(
      '`tool.tspack.invalidation-mode`: "timestamp" is not an invalidation mode tspack writes',
    );
    expect(errorOf('compile-bytecode = "yes"').code).toBe("TSPACK_PYPROJECT_INVALID");
  });

  it("refuses a remote-cache that is not an s3:// URL", () => {
    expect(errorOf('remote-cache = "https://bucket.s3.amazonaws.com"').message).toContain("is not an s3:// URL");
  });

  it("is empty when absent", () => {
    expect(parsePyproject('[project]\nname = "x"\n', "p").tspack).toEqual({});
  });

  it.each([
    [
      'layot = "zip"',
      '`tool.tspack.layot`: unknown key "layot"',
      "Known keys of [tool.tspack]: layout, out, runtime, arch, platform, python, include, exclude, handler, base, groups, extras, compile-bytecode, invalidation-mode, bytecode-only, remote-cache.",
    ],
    ['layout = "tar"', '`tool.tspack.layout`: "tar" is not a layout', "Use one of: zip, layer, dir, image."],
    [
      'arch = "aarch64"',
      '`tool.tspack.arch`: "aarch64" is not a Lambda architecture',
      "Use one of: x86_64, arm64 (aarch64 is spelled arm64 on Lambda).",
    ],
    ['runtime = "3.13"', '`tool.tspack.runtime`: "3.13" is not a Python Lambda runtime', 'Write it like "python3.13".'],
    [
      'python = "python3.13"',
      '`tool.tspack.python`: "python3.13" is not a Python version of the form 3.X',
      'Write it like "3.13".',
    ],
    [
      'runtime = "python3.12"\npython = "3.13"',
      '`tool.tspack.python`: "3.13" disagrees with runtime "python3.12"',
      "Set only one of runtime and python, or make them agree.",
    ],
    ['include = "app"', "`tool.tspack.include`: expected an array, found a string", undefined],
    ['exclude = ["ok", ""]', "`tool.tspack.exclude[1]`: must not be empty", undefined],
    ["out = 3", "`tool.tspack.out`: expected a string, found an integer", undefined],
    [
      'handler = "main"',
      '`tool.tspack.handler`: "main" is not a handler of the form module.function',
      'Write it like "app.main.handler".',
    ],
  ])("rejects %j", (body, reason, hint) => {
    const e = errorOf(body);
    expect(e.code).toBe("TSPACK_PYPROJECT_INVALID");
    expect((e.message.split("\n")[0] as string).replace(/, line \d+, column \d+,/, "")).toBe(
      `The file "pyproject.toml" is invalid at ${reason}`,
    );
    expect(e.details?.line).toBeTypeOf("number");
    expect(e.hint).toBe(hint);
  });
});
