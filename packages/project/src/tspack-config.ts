import type { TomlPath, TomlReader } from "./schema.js";

/** The artifact layouts tspack can produce. */
export const LAYOUTS = ["zip", "layer", "dir", "image"] as const;
/** One of {@link LAYOUTS}. */
export type Layout = (typeof LAYOUTS)[number];

/** The Lambda architectures. */
export const ARCHES = ["x86_64", "arm64"] as const;
/** One of {@link ARCHES}. */
export type Arch = (typeof ARCHES)[number];

/** `[tool.tspack]` in pyproject.toml: defaults for the CLI flags of the same names (flags win). */
export interface TspackConfig {
  /**
   * `zip` (function.zip), `layer` (layer.zip + function.zip), `dir` (task root + Dockerfile) or `image` (a
   * container image: an OCI layout, optionally pushed).
   */
  layout?: Layout;
  /** Output directory, relative to the project directory. */
  out?: string;
  /** Lambda runtime identifier such as `python3.13`. */
  runtime?: string;
  /** `x86_64` or `arm64`. */
  arch?: Arch;
  /** Platform tag or alias such as `manylinux2014` or `manylinux_2_34`. */
  platform?: string;
  /** Python version `3.X` (must agree with `runtime` when both are set). */
  python?: string;
  /** Globs selecting the project's own files (replace the default package detection). */
  include?: string[];
  /** Globs removing files from the project's own files. */
  exclude?: string[];
  /** The Lambda handler `module.function`; recorded (Dockerfile `CMD`, manifest), never checked. */
  handler?: string;
  /** The base image of `layout = "image"` (a registry reference or `oci:PATH[:TAG]`; default the runtime's). */
  base?: string;
  /** Dependency groups to add to the default groups (like `uv export --group`). */
  groups?: string[];
  /** Extras of the project to include (like `uv export --extra`). */
  extras?: string[];
  /** Ship hash-based `.pyc` files (default: on for the dir layout, off for zip and layer). */
  compileBytecode?: boolean;
  /** `checked-hash` (default) or `unchecked-hash`. */
  invalidationMode?: "checked-hash" | "unchecked-hash";
  /** Ship `mod.pyc` instead of `mod.py` for every module that compiles. */
  bytecodeOnly?: boolean;
  /** `remote-cache`: the shared remote cache, `s3://BUCKET[/PREFIX]` (docs/remote-cache.md). */
  remoteCache?: string;
}

const KEYS = [
  "layout",
  "out",
  "runtime",
  "arch",
  "platform",
  "python",
  "include",
  "exclude",
  "handler",
  "base",
  "groups",
  "extras",
  "compile-bytecode",
  "invalidation-mode",
  "bytecode-only",
  "remote-cache",
] as const;

const hintKeys = `Known keys of [tool.tspack]: ${KEYS.join(", ")}.`;

/** Validates `[tool.tspack]` (already a table) and returns the typed config. */
export function parseTspackConfig(
  table: Record<string, unknown> | undefined,
  reader: TomlReader,
  path: TomlPath = ["tool", "tspack"],
): TspackConfig {
  const config: TspackConfig = {};
  if (table === undefined) return config;
  for (const key of Object.keys(table).sort()) {
    if (!(KEYS as readonly string[]).includes(key))
      throw reader.error([...path, key], `unknown key "${key}"`, hintKeys);
  }
  const at = (k: string): TomlPath => [...path, k];

  const layout = reader.string(table.layout, at("layout"));
  if (layout !== undefined) {
    if (!(LAYOUTS as readonly string[]).includes(layout))
      throw reader.error(at("layout"), `"${layout}" is not a layout`, `Use one of: ${LAYOUTS.join(", ")}.`);
    config.layout = layout as Layout;
  }
  const arch = reader.string(table.arch, at("arch"));
  if (arch !== undefined) {
    if (!(ARCHES as readonly string[]).includes(arch))
      throw reader.error(
        at("arch"),
        `"${arch}" is not a Lambda architecture`,
        `Use one of: ${ARCHES.join(", ")} (aarch64 is spelled arm64 on Lambda).`,
      );
    config.arch = arch as Arch;
  }
  const runtime = reader.string(table.runtime, at("runtime"));
  if (runtime !== undefined) {
    if (!/^python3\.\d{1,2}$/.test(runtime))
      throw reader.error(at("runtime"), `"${runtime}" is not a Python Lambda runtime`, 'Write it like "python3.13".');
    config.runtime = runtime;
  }
  const python = reader.string(table.python, at("python"));
  if (python !== undefined) {
    if (!/^3\.\d{1,2}$/.test(python))
      throw reader.error(at("python"), `"${python}" is not a Python version of the form 3.X`, 'Write it like "3.13".');
    config.python = python;
  }
  if (runtime !== undefined && python !== undefined && runtime !== `python${python}`)
    throw reader.error(
      at("python"),
      `"${python}" disagrees with runtime "${runtime}"`,
      "Set only one of runtime and python, or make them agree.",
    );
  for (const k of ["out", "platform", "handler", "base"] as const) {
    const v = reader.string(table[k], at(k));
    if (v === undefined) continue;
    if (v.trim() === "") throw reader.error(at(k), "must not be empty");
    config[k] = v;
  }
  if (config.handler !== undefined && !/^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$/.test(config.handler))
    throw reader.error(
      at("handler"),
      `"${config.handler}" is not a handler of the form module.function`,
      'Write it like "app.main.handler".',
    );
  const remoteCache = reader.string(table["remote-cache"], at("remote-cache"));
  if (remoteCache !== undefined) {
    if (!/^s3:\/\/[^/]+/.test(remoteCache))
      throw reader.error(
        at("remote-cache"),
        `"${remoteCache}" is not an s3:// URL`,
        'Write it like "s3://my-ci-cache/tspack".',
      );
    config.remoteCache = remoteCache;
  }
  for (const k of ["include", "exclude", "groups", "extras"] as const) {
    const v = reader.stringArray(table[k], at(k));
    if (v === undefined) continue;
    v.forEach((s, i) => {
      if (s.trim() === "") throw reader.error([...at(k), i], "must not be empty");
    });
    config[k] = v;
  }
  const compile = reader.boolean(table["compile-bytecode"], at("compile-bytecode"));
  if (compile !== undefined) config.compileBytecode = compile;
  const only = reader.boolean(table["bytecode-only"], at("bytecode-only"));
  if (only !== undefined) config.bytecodeOnly = only;
  const mode = reader.string(table["invalidation-mode"], at("invalidation-mode"));
  if (mode !== undefined) {
    if (mode !== "checked-hash" && mode !== "unchecked-hash")
      throw reader.error(
        at("invalidation-mode"),
        `"${mode}" is not an invalidation mode tspack writes`,
        "Use checked-hash or unchecked-hash (timestamp pycs are stale in an artifact whose dates are fixed).",
      );
    config.invalidationMode = mode;
  }
  return config;
}
