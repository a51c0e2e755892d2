import { isValidPackageName, normalizeName } from "@tspack/dist-filename";
import { resolveDependencyGroups } from "./dependency-groups.js";
import { checkRequirement, checkSpecifiers, TomlReader, type TomlTable } from "./schema.js";
import { parseTomlText } from "./toml.js";
import { parseTspackConfig, type TspackConfig } from "./tspack-config.js";
import { parseUvIndexes, type UvIndex } from "./uv-index.js";

/** `[tool.uv.workspace]`. */
export interface UvWorkspaceConfig {
  /** Member globs, relative to the workspace root. */
  members: string[];
  /** Globs removed from `members`. */
  exclude: string[];
}

/** The parts of `[tool.uv]` that tspack reads. */
export interface UvToolConfig {
  /** `tool.uv.default-groups` (uv's default is `["dev"]` when absent). */
  defaultGroups?: string[] | "all";
  /** Legacy `tool.uv.dev-dependencies` (part of the `dev` group). */
  devDependencies?: string[];
  /** `[tool.uv.workspace]`. */
  workspace?: UvWorkspaceConfig;
  /** `tool.uv.package`: force (true) or forbid (false) building the project. */
  package?: boolean;
  /** `[tool.uv.sources]`, keyed by normalized name; each value a table or an array of tables, as written. */
  sources?: Record<string, TomlTable | TomlTable[]>;
  /** `[[tool.uv.index]]`, in declaration order (absent when the table is). */
  indexes?: UvIndex[];
}

/** `[build-system]`. */
export interface BuildSystem {
  /** `requires`. */
  requires: string[];
  /** `build-backend` (absent means setuptools' legacy backend). */
  buildBackend?: string;
  /** `backend-path` (in-tree backends). */
  backendPath?: string[];
}

/** The license of `[project]`: a PEP 639 SPDX expression or a legacy `{ text }`/`{ file }` table. */
export interface ProjectLicense {
  /** SPDX expression (`license = "MIT"`). */
  expression?: string;
  /** Legacy free text (`license = { text = "..." }`). */
  text?: string;
  /** Legacy file (`license = { file = "LICENSE" }`). */
  file?: string;
}

/** What tspack knows about one pyproject.toml. */
export interface PyprojectInfo {
  /** The path of the file as it was read (used in messages). */
  path: string;
  /** `project.name`, PEP 503 normalized. */
  name?: string;
  /** `project.name` as written (METADATA `Name`). */
  displayName?: string;
  /** `project.version` as written. */
  version?: string;
  /** `project.dynamic`. */
  dynamic: string[];
  /** `project.description`. */
  description?: string;
  /** `project.requires-python`. */
  requiresPython?: string;
  /** `project.license`. */
  license?: ProjectLicense;
  /** `project.dependencies` (PEP 508 strings, as written). */
  dependencies: string[];
  /** `project.optional-dependencies`, extra names normalized (PEP 685), sorted. */
  optionalDependencies: Record<string, string[]>;
  /** PEP 735 `[dependency-groups]`, names normalized, `include-group` expanded, sorted. */
  dependencyGroups: Record<string, string[]>;
  /** `[project.scripts]`. */
  scripts: Record<string, string>;
  /** `[project.gui-scripts]`. */
  guiScripts: Record<string, string>;
  /** `[project.entry-points]`: group → name → object reference. */
  entryPoints: Record<string, Record<string, string>>;
  /** `[tool.uv]`. */
  uv: UvToolConfig;
  /** `[build-system]` when present. */
  buildSystem?: BuildSystem;
  /** `[tool.tspack]`, validated. */
  tspack: TspackConfig;
  /** The whole parsed document (backend-specific tables such as `[tool.hatch]`). */
  document: TomlTable;
}

function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k] as T;
  return out;
}

/** Parses and validates pyproject.toml text. `file` names the file in messages. Pure. */
export function parsePyproject(text: string, file: string): PyprojectInfo {
  const doc = parseTomlText(text, file);
  const r = new TomlReader(file, text);
  const info: PyprojectInfo = {
    path: file,
    dynamic: [],
    dependencies: [],
    optionalDependencies: {},
    dependencyGroups: {},
    scripts: {},
    guiScripts: {},
    entryPoints: {},
    uv: {},
    tspack: {},
    document: doc,
  };

  const project = r.table(doc.project, ["project"]);
  if (project !== undefined) {
    const name = r.string(project.name, ["project", "name"]);
    if (name === undefined)
      throw r.error(["project", "name"], "the project has no name", 'Add name = "..." to [project].');
    if (!isValidPackageName(name))
      throw r.error(["project", "name"], `"${name}" is not a valid project name`, "Use letters, digits, -, _ and .");
    info.name = normalizeName(name);
    info.displayName = name;
    const version = r.string(project.version, ["project", "version"]);
    if (version !== undefined) info.version = version;
    info.dynamic = r.stringArray(project.dynamic, ["project", "dynamic"]) ?? [];
    if (version !== undefined && info.dynamic.includes("version"))
      throw r.error(["project", "dynamic"], '"version" is both static and dynamic');
    const description = r.string(project.description, ["project", "description"]);
    if (description !== undefined) info.description = description;
    const requiresPython = r.string(project["requires-python"], ["project", "requires-python"]);
    if (requiresPython !== undefined) {
      checkSpecifiers(r, requiresPython, ["project", "requires-python"]);
      info.requiresPython = requiresPython;
    }
    const lic = project.license;
    if (typeof lic === "string") info.license = { expression: lic };
    else if (lic !== undefined) {
      const t = r.table(lic, ["project", "license"]) as TomlTable;
      const ltext = r.string(t.text, ["project", "license", "text"]);
      const lfile = r.string(t.file, ["project", "license", "file"]);
      info.license = {
        ...(ltext === undefined ? {} : { text: ltext }),
        ...(lfile === undefined ? {} : { file: lfile }),
      };
    }
    info.dependencies = r.stringArray(project.dependencies, ["project", "dependencies"]) ?? [];
    for (const [i, d] of info.dependencies.entries()) checkRequirement(r, d, ["project", "dependencies", i]);
    const opt = r.stringArrayTable(project["optional-dependencies"], ["project", "optional-dependencies"]) ?? {};
    const extras: Record<string, string[]> = {};
    for (const [extra, reqs] of Object.entries(opt)) {
      for (const [i, d] of reqs.entries()) checkRequirement(r, d, ["project", "optional-dependencies", extra, i]);
      const n = normalizeName(extra);
      if (extras[n] !== undefined)
        throw r.error(["project", "optional-dependencies", extra], `the extra "${extra}" is defined twice`);
      extras[n] = reqs;
    }
    info.optionalDependencies = sortedRecord(extras);
    info.scripts = r.stringTable(project.scripts, ["project", "scripts"]) ?? {};
    info.guiScripts = r.stringTable(project["gui-scripts"], ["project", "gui-scripts"]) ?? {};
    const eps = r.table(project["entry-points"], ["project", "entry-points"]) ?? {};
    for (const [group, entries] of Object.entries(eps)) {
      if (group === "console_scripts" || group === "gui_scripts")
        throw r.error(
          ["project", "entry-points", group],
          `the group "${group}" is not allowed here`,
          `Use [project.${group === "console_scripts" ? "scripts" : "gui-scripts"}] instead.`,
        );
      info.entryPoints[group] = r.stringTable(entries, ["project", "entry-points", group]) ?? {};
    }
  }

  info.dependencyGroups = resolveDependencyGroups(r.table(doc["dependency-groups"], ["dependency-groups"]), r);

  const tool = r.table(doc.tool, ["tool"]) ?? {};
  const uv = r.table(tool.uv, ["tool", "uv"]);
  if (uv !== undefined) {
    const dev = r.stringArray(uv["dev-dependencies"], ["tool", "uv", "dev-dependencies"]);
    for (const [i, d] of (dev ?? []).entries()) checkRequirement(r, d, ["tool", "uv", "dev-dependencies", i]);
    if (dev !== undefined) info.uv.devDependencies = dev;
    const pkg = r.boolean(uv.package, ["tool", "uv", "package"]);
    if (pkg !== undefined) info.uv.package = pkg;
    const dg = uv["default-groups"];
    if (dg === "all") info.uv.defaultGroups = "all";
    else if (dg !== undefined) {
      if (typeof dg === "string")
        throw r.error(["tool", "uv", "default-groups"], `expected an array of group names or "all", found "${dg}"`);
      const groups = r.stringArray(dg, ["tool", "uv", "default-groups"]) ?? [];
      groups.forEach((g, i) => {
        const n = normalizeName(g);
        const known = info.dependencyGroups[n] !== undefined || (n === "dev" && info.uv.devDependencies !== undefined);
        if (!known)
          throw r.error(
            ["tool", "uv", "default-groups", i],
            `the default group "${g}" is not defined in the project's \`dependency-groups\` table`,
          );
      });
      info.uv.defaultGroups = groups.map(normalizeName);
    }
    const ws = r.table(uv.workspace, ["tool", "uv", "workspace"]);
    if (ws !== undefined)
      info.uv.workspace = {
        members: r.stringArray(ws.members, ["tool", "uv", "workspace", "members"]) ?? [],
        exclude: r.stringArray(ws.exclude, ["tool", "uv", "workspace", "exclude"]) ?? [],
      };
    const sources = r.table(uv.sources, ["tool", "uv", "sources"]);
    if (sources !== undefined) {
      const out: Record<string, TomlTable | TomlTable[]> = {};
      for (const [k, v] of Object.entries(sources)) {
        const path = ["tool", "uv", "sources", k];
        out[normalizeName(k)] = Array.isArray(v)
          ? v.map((e, i) => r.table(e, [...path, i]) as TomlTable)
          : (r.table(v, path) ?? (undefined as never));
      }
      info.uv.sources = sortedRecord(out);
    }
    if (uv.index !== undefined) info.uv.indexes = parseUvIndexes(uv.index, r);
  }

  const bs = r.table(doc["build-system"], ["build-system"]);
  if (bs !== undefined) {
    const buildBackend = r.string(bs["build-backend"], ["build-system", "build-backend"]);
    const backendPath = r.stringArray(bs["backend-path"], ["build-system", "backend-path"]);
    info.buildSystem = {
      requires: r.stringArray(bs.requires, ["build-system", "requires"]) ?? [],
      ...(buildBackend === undefined ? {} : { buildBackend }),
      ...(backendPath === undefined ? {} : { backendPath }),
    };
  }

  info.tspack = parseTspackConfig(r.table(tool.tspack, ["tool", "tspack"]), r);
  return info;
}
