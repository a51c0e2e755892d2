/**
 * `[[tool.uv.index]]`: the package indexes a project declares (uv's `Index`, crates/uv-distribution-types
 * index.rs, index_name.rs). tspack installs from the lock's URLs, so it uses them for credentials: a
 * request under an index's URL gets `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD` (see @tspack/fetch
 * credentials.ts). The other settings are read and validated so that `--index`/`--default-index` can
 * build on the same data; keys tspack does not use (`cache-control`, `ignore-error-codes`, …) are ignored,
 * as uv ignores keys it does not know.
 */
import type { TomlPath, TomlReader } from "./schema.js";

/** One `[[tool.uv.index]]` entry. */
export interface UvIndex {
  /** `name` (ASCII letters, digits, `-`, `_`, `.`); absent for an unnamed index. */
  name?: string;
  /** `url` as written: a URL (may carry credentials) or, for local indexes, a path. */
  url: string;
  /** `default = true`: replaces PyPI as the lowest-priority index. */
  default: boolean;
  /** `explicit = true`: only packages pinned to it in `tool.uv.sources` come from it. */
  explicit: boolean;
  /** `format`: `simple` (PEP 503/691, default) or `flat` (a folder or page of files, like --find-links). */
  format: "simple" | "flat";
  /** `authenticate`: `auto` (default), `always`, or `never` (no credentials are sent under this index). */
  authenticate: "auto" | "always" | "never";
}

const NAME_RE = /^[A-Za-z0-9._-]+$/;

function oneOf<T extends string>(r: TomlReader, value: unknown, path: TomlPath, allowed: readonly T[], fallback: T): T {
  const s = r.string(value, path);
  if (s === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(s))
    throw r.error(path, `"${s}" is not one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
  return s as T;
}

/**
 * Parses `tool.uv.index` (an array of tables) in declaration order.
 * @throws TSPACK_PYPROJECT_INVALID naming the entry and key (uv's rules: `url` required, names ASCII
 *   letters, digits, `-`, `_`, `.`, and not empty)
 */
export function parseUvIndexes(value: unknown, r: TomlReader, path: TomlPath = ["tool", "uv", "index"]): UvIndex[] {
  const entries = r.array(value, path);
  if (entries === undefined) return [];
  return entries.map((entry, i) => {
    const at = (key: string): TomlPath => [...path, i, key];
    const t = r.table(entry, [...path, i]) ?? {};
    const url = r.string(t.url, at("url"));
    if (url === undefined || url === "")
      throw r.error(at("url"), "the index has no url", 'Add url = "https://…/simple" to this [[tool.uv.index]].');
    const name = r.string(t.name, at("name"));
    if (name !== undefined && !NAME_RE.test(name))
      throw r.error(
        at("name"),
        name === ""
          ? "the index name is empty"
          : `the index name "${name}" may only contain ASCII letters, digits, hyphens, underscores and periods`,
        "Its credentials come from UV_INDEX_<NAME>_USERNAME / _PASSWORD, with <NAME> upper-cased and other characters as `_`.",
      );
    return {
      ...(name === undefined ? {} : { name }),
      url,
      default: r.boolean(t.default, at("default")) ?? false,
      explicit: r.boolean(t.explicit, at("explicit")) ?? false,
      format: oneOf(r, t.format, at("format"), ["simple", "flat"] as const, "simple"),
      authenticate: oneOf(r, t.authenticate, at("authenticate"), ["auto", "always", "never"] as const, "auto"),
    };
  });
}
