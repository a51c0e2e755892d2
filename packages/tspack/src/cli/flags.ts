/** Pure mapping from parsed CLI flags to the library's option objects. */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { SelectOptions } from "@tspack/plan";
import type { TargetOptions } from "../target.js";
import { envBool } from "../uv-env.js";
import { type FlagValues, flagBool, flagList, flagString } from "./args.js";

/**
 * A uv Python request as a target version: `3.13`, `3.13.5`, `3.13t`, `python3.13`, `cpython3.13`,
 * `cpython@3.13`, `cp313` is not one (uv neither). A path names an interpreter, which tspack never runs:
 * undefined (the caller decides).
 */
export function pythonVersionOf(request: string): string | undefined {
  const r = request.trim();
  if (r.includes("/") || r.includes("\\")) return undefined;
  return r.replace(/^(?:cpython|python|cp)[@-]?(?=\d)/i, "");
}

function pythonFrom(flags: FlagValues, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const python = flagString(flags, "python");
  const version = flagString(flags, "python-version");
  if (python !== undefined && version !== undefined && pythonVersionOf(python) !== pythonVersionOf(version)) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The options --python "${python}" and --python-version "${version}" name different Pythons`,
      { hint: "Give one of them: both set the target Python" },
    );
  }
  const given = version ?? python;
  if (given !== undefined) {
    const v = pythonVersionOf(given);
    if (v === undefined) {
      throw new TspackError(
        ERROR_CODES.USAGE,
        `The option --python "${given}" names an interpreter; tspack never runs one to learn its version`,
        {
          hint: "Give the target version, e.g. --python 3.13; for --compile-bytecode name the interpreter with --python-interpreter PATH",
        },
      );
    }
    return v;
  }
  // uv's UV_PYTHON: a version sets the target; a path is only an interpreter (see --python-interpreter).
  const fromEnv = env.UV_PYTHON;
  return fromEnv ? pythonVersionOf(fromEnv) : undefined;
}

export function targetFromFlags(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>> = {},
): TargetOptions {
  const t: TargetOptions = {};
  const runtime = flagString(flags, "runtime");
  const arch = flagString(flags, "arch");
  const platform = flagString(flags, "platform");
  const python = pythonFrom(flags, env);
  if (runtime !== undefined) t.runtime = runtime;
  if (arch !== undefined) t.arch = arch;
  if (platform !== undefined) t.platform = platform;
  if (python !== undefined) t.python = python;
  return t;
}

export function selectionFromFlags(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>> = {},
): SelectOptions {
  const s: SelectOptions = {};
  const lists: Array<[string, keyof SelectOptions]> = [
    ["package", "packages"],
    ["group", "groups"],
    ["no-group", "noGroups"],
    ["only-group", "onlyGroups"],
    ["extra", "extras"],
    ["no-extra", "noExtras"],
    ["no-emit-package", "noEmitPackages"],
    ["prune", "prune"],
  ];
  for (const [flag, key] of lists) {
    const v = flagList(flags, flag);
    if (v.length) (s as Record<string, unknown>)[key] = v;
  }
  const bools: Array<[string, keyof SelectOptions]> = [
    ["all-packages", "allPackages"],
    ["no-dev", "noDev"],
    ["dev", "dev"],
    ["only-dev", "onlyDev"],
    ["all-groups", "allGroups"],
    ["no-default-groups", "noDefaultGroups"],
    ["all-extras", "allExtras"],
    ["no-emit-project", "noEmitProject"],
    ["no-emit-workspace", "noEmitWorkspace"],
    ["no-emit-local", "noEmitLocal"],
  ];
  for (const [flag, key] of bools) if (flagBool(flags, flag)) (s as Record<string, unknown>)[key] = true;
  // uv's UV_NO_DEV stands in for --no-dev (a flag --dev wins over it).
  if (s.noDev === undefined && s.dev === undefined && envBool(env, "UV_NO_DEV") === true) s.noDev = true;
  return s;
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The value "${value}" of ${flag} is not a whole number between 1 and 1024`,
    );
  }
  return n;
}

export function parseMirrors(values: string[]): Array<{ from: string; to: string }> {
  return values.map((v) => {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) {
      throw new TspackError(ERROR_CODES.USAGE, `The value "${v}" of --mirror is not FROM=TO`, {
        hint: "e.g. --mirror https://files.pythonhosted.org/=https://mirror.example.com/pypi-files/",
      });
    }
    return { from: v.slice(0, eq), to: v.slice(eq + 1) };
  });
}
