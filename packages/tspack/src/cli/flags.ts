/** Pure mapping from parsed CLI flags to the library's option objects. */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { SelectOptions } from "@tspack/plan";
import type { TargetOptions } from "../target.js";
import { type FlagValues, flagBool, flagList, flagString } from "./args.js";

export function targetFromFlags(flags: FlagValues): TargetOptions {
  const t: TargetOptions = {};
  const runtime = flagString(flags, "runtime");
  const arch = flagString(flags, "arch");
  const platform = flagString(flags, "platform");
  const python = flagString(flags, "python");
  if (runtime !== undefined) t.runtime = runtime;
  if (arch !== undefined) t.arch = arch;
  if (platform !== undefined) t.platform = platform;
  if (python !== undefined) t.python = python;
  return t;
}

export function selectionFromFlags(flags: FlagValues): SelectOptions {
  const s: SelectOptions = {};
  const lists: Array<[string, keyof SelectOptions]> = [
    ["package", "packages"],
    ["group", "groups"],
    ["no-group", "noGroups"],
    ["only-group", "onlyGroups"],
    ["extra", "extras"],
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
  ];
  for (const [flag, key] of bools) if (flagBool(flags, flag)) (s as Record<string, unknown>)[key] = true;
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
