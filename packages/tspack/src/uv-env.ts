/**
 * uv's environment variables, read in one place with one order: a flag wins, then tspack's own
 * `TSPACK_*` variable, then uv's `UV_*` one, then pyproject.toml, then the default. Pure: the environment
 * comes in as data (the CLI passes `process.env`, the library `options.env`).
 *
 * Values follow uv (crates/uv-static/src/env_vars.rs, crates/uv-cli/src/lib.rs): booleans are clap's
 * "boolish" values (1/0, true/false, yes/no, on/off); `UV_INDEX` and `UV_EXTRA_INDEX_URL` are
 * space-separated lists, `UV_FIND_LINKS` a comma-separated one; `UV_INDEX` entries are `[NAME=]URL`.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";

export type Env = Readonly<Record<string, string | undefined>>;

/** The value of the first of `names` that is set and not empty. */
export function firstEnv(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}

/** clap's BoolishValueParser (what uv uses for its boolean variables). */
export function parseBoolishValue(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "y", "on"].includes(v)) return true;
  if (["0", "false", "no", "n", "off"].includes(v)) return false;
  return undefined;
}

/**
 * A boolean variable: the first of `names` that is set, read as uv reads it; undefined when none is.
 * @throws TSPACK_USAGE for a value that is not boolish (uv refuses it too)
 */
export function envBool(env: Env, ...names: string[]): boolean | undefined {
  const found = firstEnv(env, ...names);
  if (found === undefined) return undefined;
  const value = parseBoolishValue(found.value);
  if (value === undefined) {
    throw new TspackError(ERROR_CODES.USAGE, `${found.name}="${found.value}" is not a boolean`, {
      hint: `Set ${found.name} to 1 or 0 (true/false, yes/no, on/off), or unset it`,
    });
  }
  return value;
}

/** One index given on the command line or in the environment. */
export interface IndexArg {
  /** `NAME=` of `--index NAME=URL`: its credentials come from `UV_INDEX_<NAME>_USERNAME/_PASSWORD`. */
  name?: string;
  url: string;
}

const INDEX_NAME = /^[A-Za-z0-9._-]+$/;

/** `[NAME=]URL` as uv's `--index` reads it (a `=` before any `://` names the index). */
export function parseIndexArg(value: string): IndexArg {
  const eq = value.indexOf("=");
  const scheme = value.indexOf("://");
  if (eq > 0 && (scheme === -1 || eq < scheme) && INDEX_NAME.test(value.slice(0, eq))) {
    return { name: value.slice(0, eq), url: value.slice(eq + 1) };
  }
  return { url: value };
}

/** Indexes and find-links as the command line and the environment give them (pyproject's come later). */
export interface IndexSettings {
  /** The default index (`--default-index`/`--index-url`, `UV_DEFAULT_INDEX`/`UV_INDEX_URL`). */
  defaultIndex?: string;
  /** `--index` then `--extra-index-url` (or their variables), highest priority first. */
  indexes: IndexArg[];
  /** `--find-links` (or `UV_FIND_LINKS`): folders or HTML pages of links. */
  findLinks: string[];
  /** `--no-index`. */
  noIndex: boolean;
}

const words = (v: string, sep: RegExp): string[] => v.split(sep).filter((w) => w !== "");

/**
 * The indexes of the command line, each list falling back to its uv variable when the flag is absent
 * (clap's `env =`: the variable stands in for the flag, it does not add to it).
 */
export function indexSettings(
  flags: { defaultIndex?: string; index?: string[]; extraIndexUrl?: string[]; findLinks?: string[]; noIndex?: boolean },
  env: Env,
): IndexSettings {
  const defaultIndex =
    flags.defaultIndex ?? firstEnv(env, "UV_DEFAULT_INDEX")?.value ?? firstEnv(env, "UV_INDEX_URL")?.value;
  const index = flags.index?.length ? flags.index : words(env.UV_INDEX ?? "", /\s+/);
  const extra = flags.extraIndexUrl?.length ? flags.extraIndexUrl : words(env.UV_EXTRA_INDEX_URL ?? "", /\s+/);
  const findLinks = flags.findLinks?.length ? flags.findLinks : words(env.UV_FIND_LINKS ?? "", /,/);
  return {
    ...(defaultIndex === undefined ? {} : { defaultIndex }),
    indexes: [...index.map(parseIndexArg), ...extra.map((url) => ({ url }))],
    findLinks: findLinks.map((f) => f.trim()),
    noIndex: flags.noIndex === true,
  };
}
