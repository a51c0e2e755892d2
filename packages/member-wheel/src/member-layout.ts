import { distInfoName } from "@tspack/dist-filename";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { compileGlob, globMatches, globMatchesFileOrParent, type PyprojectInfo, type TomlTable } from "@tspack/project";

/** The build backends tspack can stand in for. */
export type BackendKind = "uv_build" | "hatchling" | "setuptools" | "flit" | "pdm";

/** The files of a member directory (POSIX, relative, VCS/caches/`*.pyc` already left out) and a reader. */
export interface MemberTree {
  /** Every file of the member, sorted. */
  files: readonly string[];
  /** The UTF-8 text of a file of the member, or undefined when absent. */
  readText(path: string): string | undefined;
}

/** What goes into the wheel of a member, decided without touching the disk. */
export interface MemberLayout {
  /** Which backend's rules were applied. */
  backend: BackendKind;
  /** Wheel entries: `path` inside the wheel, `source` relative to the member directory. Sorted by path. */
  entries: Array<{ path: string; source: string }>;
  /** The version (static, or read from the source for a supported dynamic version). */
  version: string;
  /** `Summary` when it comes from the source (flit docstring). */
  summary?: string;
}

const NATIVE_SOURCE = /\.(c|cc|cpp|cxx|c\+\+|pyx|rs|f|f90|go)$/i;
const NATIVE_BINARY = /\.(so|pyd|dylib|dll)(\.\d+)*$/i;
/** Dynamic fields that change nothing tspack writes into METADATA. */
const HARMLESS_DYNAMIC = ["version", "readme", "classifiers", "keywords", "urls", "authors", "maintainers", "license"];

function unsupported(label: string, reason: string, hint?: string): TspackError {
  return new TspackError(ERROR_CODES.BUILD_UNSUPPORTED, `The member "${label}" cannot be built by tspack: ${reason}`, {
    hint:
      hint ??
      "Build a wheel of it (uv build --wheel) and depend on that file, or keep the member out of the artifact (--no-emit-package).",
    details: { member: label, reason },
  });
}

function get(doc: TomlTable, ...keys: string[]): unknown {
  let cur: unknown = doc;
  for (const k of keys) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as TomlTable)[k];
  }
  return cur;
}

function asTable(v: unknown): TomlTable | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as TomlTable) : undefined;
}

function asStrings(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

/** Identifies the backend from `build-system.build-backend` (absent = setuptools' legacy backend). */
export function backendKind(buildBackend: string | undefined): BackendKind | undefined {
  switch (buildBackend) {
    case "uv_build":
      return "uv_build";
    case "hatchling.build":
      return "hatchling";
    case undefined:
    case "setuptools.build_meta":
    case "setuptools.build_meta:__legacy__":
      return "setuptools";
    case "flit_core.buildapi":
    case "flit.buildapi":
      return "flit";
    case "pdm.backend":
      return "pdm";
    default:
      return undefined;
  }
}

/** Reads `__version__ = "x"` (or `VERSION = "x"` when `allowUpperVersion`) from Python source. */
export function readVersionAssignment(source: string, allowUpperVersion = false): string | undefined {
  const names = allowUpperVersion ? "(?:__version__|VERSION)" : "__version__";
  const m = new RegExp(`^${names}\\s*(?::\\s*[\\w.\\[\\]]+\\s*)?=\\s*(['"])v?([^'"\\n]+)\\1\\s*(?:#.*)?$`, "m").exec(
    source,
  );
  return m?.[2];
}

/** The first line of a module's docstring, if it starts with one. */
export function readDocstringSummary(source: string): string | undefined {
  const m = /^\s*(?:#[^\n]*\n\s*)*[rRuU]?("""|''')\s*([\s\S]*?)\1/.exec(source);
  const line = m?.[2]?.split("\n").find((l) => l.trim() !== "");
  return line?.trim();
}

/** Strips comments, blank lines and a `__main__` guard so a trivial setup.py reads as just `setup()`. */
function setupPyIsTrivial(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "");
  const ok = [
    /^import setuptools$/,
    /^from setuptools import setup$/,
    /^setup\(\s*\)$/,
    /^setuptools\.setup\(\s*\)$/,
    /^if __name__ == ['"]__main__['"]:$/,
  ];
  return lines.every((l) => ok.some((re) => re.test(l)));
}

class Selector {
  readonly entries = new Map<string, string>();
  constructor(
    readonly tree: MemberTree,
    readonly label: string,
  ) {}
  has(path: string): boolean {
    return this.tree.files.includes(path);
  }
  under(dir: string): string[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    return this.tree.files.filter((f) => f.startsWith(prefix));
  }
  hasDir(dir: string): boolean {
    return this.under(dir).length > 0;
  }
  /** Adds `source` at wheel path `path`. */
  add(path: string, source: string): void {
    this.entries.set(path, source);
  }
  /** Adds every file under `dir` as `<as>/<rest>`. */
  addDir(dir: string, as: string, filter: (source: string) => boolean = () => true): void {
    for (const f of this.under(dir)) if (filter(f)) this.add(`${as}/${f.slice(dir.length + 1)}`, f);
  }
}

function topLevelPackages(tree: MemberTree, root: string): string[] {
  const prefix = root === "" ? "" : `${root}/`;
  const out = new Set<string>();
  for (const f of tree.files) {
    if (!f.startsWith(prefix)) continue;
    const rest = f.slice(prefix.length).split("/");
    if (rest.length === 2 && rest[1] === "__init__.py" && /^[A-Za-z_]\w*$/.test(rest[0] as string))
      out.add(rest[0] as string);
  }
  return [...out].sort();
}

function topLevelModules(tree: MemberTree, root: string): string[] {
  const prefix = root === "" ? "" : `${root}/`;
  return tree.files
    .filter(
      (f) =>
        f.startsWith(prefix) &&
        !f.slice(prefix.length).includes("/") &&
        /^[A-Za-z_]\w*\.py$/.test(f.slice(prefix.length)),
    )
    .map((f) => f.slice(prefix.length));
}

function join(dir: string, rest: string): string {
  return dir === "" || dir === "." ? rest : `${dir.replace(/\/+$/, "")}/${rest}`;
}

const FLAT_LAYOUT_EXCLUDED = new Set([
  "tests",
  "test",
  "docs",
  "doc",
  "examples",
  "example",
  "scripts",
  "tools",
  "benchmarks",
  "build",
  "dist",
  "site",
  "tasks",
  "bin",
]);

/**
 * Decides the wheel contents of a pure-Python member following its backend's standard layout, or
 * throws TSPACK_BUILD_UNSUPPORTED (naming `label` and the reason) for anything tspack cannot build
 * faithfully: native code, custom hooks, setup.py logic, unknown backends, unsupported dynamic metadata.
 */
export function planMemberLayout(pyproject: PyprojectInfo, tree: MemberTree, label: string): MemberLayout {
  const doc = pyproject.document;
  const backendName = pyproject.buildSystem?.buildBackend;
  if (pyproject.buildSystem?.backendPath !== undefined)
    throw unsupported(label, `it uses an in-tree build backend (build-system.backend-path)`);
  const kind = backendKind(backendName);
  if (kind === undefined) throw unsupported(label, `the build backend "${backendName}" is not supported`);
  if (pyproject.name === undefined) throw unsupported(label, "its pyproject.toml has no [project] table");
  for (const field of pyproject.dynamic) {
    if (HARMLESS_DYNAMIC.includes(field)) continue;
    if (field === "description" && kind === "flit") continue;
    throw unsupported(
      label,
      `the dynamic metadata field "${field}" is not supported`,
      "Declare it statically in [project].",
    );
  }
  const sel = new Selector(tree, label);
  const moduleName = distInfoName(pyproject.name);
  let version = pyproject.version;
  let summary: string | undefined;
  const dynamicVersion = pyproject.dynamic.includes("version");

  const versionFromFile = (path: string, key: string, allowUpper = false): string => {
    const text = tree.readText(path);
    if (text === undefined) throw unsupported(label, `the version file "${path}" (${key}) does not exist`);
    const v = readVersionAssignment(text, allowUpper);
    if (v === undefined)
      throw unsupported(
        label,
        `no \`__version__ = "..."\` assignment in "${path}" (${key})`,
        "Set project.version statically.",
      );
    return v;
  };

  if (kind === "uv_build") {
    const cfg = asTable(get(doc, "tool", "uv", "build-backend")) ?? {};
    for (const key of Object.keys(cfg))
      if (
        ![
          "module-name",
          "module-root",
          "namespace",
          "source-include",
          "source-exclude",
          "wheel-exclude",
          "default-excludes",
        ].includes(key)
      )
        throw unsupported(label, `\`tool.uv.build-backend.${key}\` is not supported`);
    const root = typeof cfg["module-root"] === "string" ? (cfg["module-root"] as string).replace(/^\.\/?/, "") : "src";
    const names = asStrings(cfg["module-name"]) ?? [moduleName];
    const wheelExclude = (asStrings(cfg["wheel-exclude"]) ?? []).map(compileGlob);
    for (const name of names) {
      const modPath = name.split(".").join("/");
      const dir = join(root, modPath);
      if (!sel.hasDir(dir) && sel.has(`${dir}.py`)) {
        sel.add(`${modPath}.py`, `${dir}.py`);
        continue;
      }
      if (cfg.namespace !== true && !sel.has(`${dir}/__init__.py`))
        throw unsupported(
          label,
          `uv_build expects the module at "${dir}/__init__.py", which does not exist`,
          "Set tool.uv.build-backend.module-name/module-root to where the package lives.",
        );
      sel.addDir(dir, modPath, (f) => !wheelExclude.some((g) => globMatchesFileOrParent(g, f)));
    }
    if (version === undefined) throw unsupported(label, "uv_build needs a static project.version");
  } else if (kind === "hatchling") {
    const hatch = asTable(get(doc, "tool", "hatch")) ?? {};
    if (get(hatch, "build", "hooks") !== undefined)
      throw unsupported(label, "it uses a hatch build hook (tool.hatch.build.hooks)");
    if (get(hatch, "build", "targets", "wheel", "hooks") !== undefined)
      throw unsupported(label, "it uses a hatch build hook (tool.hatch.build.targets.wheel.hooks)");
    if (get(hatch, "metadata", "hooks") !== undefined)
      throw unsupported(label, "it uses a hatch metadata hook (tool.hatch.metadata.hooks)");
    const allowed = [
      "packages",
      "exclude",
      "dev-mode-dirs",
      "dev-mode-exact",
      "strict-naming",
      "macos-max-compat",
      "core-metadata-version",
      "reproducible",
      "directory",
      "ignore-vcs",
      "skip-excluded-dirs",
      "only-packages",
      "targets",
    ];
    const shared = asTable(get(hatch, "build")) ?? {};
    const wheel = asTable(get(hatch, "build", "targets", "wheel")) ?? {};
    for (const [prefix, t] of [
      ["tool.hatch.build", shared],
      ["tool.hatch.build.targets.wheel", wheel],
    ] as const)
      for (const key of Object.keys(t))
        if (!allowed.includes(key) || (key === "targets" && prefix !== "tool.hatch.build"))
          throw unsupported(label, `\`${prefix}.${key}\` is not supported`);
    const packages = asStrings(wheel.packages) ?? asStrings(shared.packages);
    const exclude = [...(asStrings(shared.exclude) ?? []), ...(asStrings(wheel.exclude) ?? [])].map(compileGlob);
    const keep = (f: string): boolean => !exclude.some((g) => globMatchesFileOrParent(g, f));
    if (packages !== undefined) {
      for (const p of packages) {
        const dir = p.replace(/^\.\//, "").replace(/\/+$/, "");
        const base = dir.split("/").pop() as string;
        if (!sel.hasDir(dir)) throw unsupported(label, `the hatch package "${p}" does not exist`);
        sel.addDir(dir, base, keep);
      }
    } else if (sel.has(`${moduleName}/__init__.py`)) sel.addDir(moduleName, moduleName, keep);
    else if (sel.has(`src/${moduleName}/__init__.py`)) sel.addDir(`src/${moduleName}`, moduleName, keep);
    else if (sel.has(`${moduleName}.py`)) sel.add(`${moduleName}.py`, `${moduleName}.py`);
    else
      throw unsupported(
        label,
        `hatchling cannot find "${moduleName}/__init__.py", "src/${moduleName}/__init__.py" or "${moduleName}.py"`,
        "Set tool.hatch.build.targets.wheel.packages.",
      );
    if (dynamicVersion) {
      const v = asTable(hatch.version) ?? {};
      for (const key of Object.keys(v))
        if (key !== "path" && !(key === "source" && v.source === "regex"))
          throw unsupported(
            label,
            `the hatch version option \`tool.hatch.version.${key}\` is not supported`,
            "Set project.version statically.",
          );
      if (typeof v.path !== "string") throw unsupported(label, "the dynamic version has no tool.hatch.version.path");
      version = versionFromFile(v.path, "tool.hatch.version.path", true);
    }
  } else if (kind === "setuptools") {
    planSetuptools(pyproject, sel, label);
    if (dynamicVersion) {
      const dyn = asTable(get(doc, "tool", "setuptools", "dynamic", "version"));
      if (typeof dyn?.file === "string" || Array.isArray(dyn?.file)) {
        const file = asStrings(dyn.file)?.[0] as string;
        const text = tree.readText(file);
        if (text === undefined) throw unsupported(label, `the version file "${file}" does not exist`);
        version = text.trim();
      } else if (typeof dyn?.attr === "string") {
        const parts = dyn.attr.split(".");
        const attr = parts.pop() as string;
        if (attr !== "__version__" && attr !== "VERSION")
          throw unsupported(
            label,
            `the version attribute "${dyn.attr}" is not supported`,
            'Use "pkg.__version__" or a static version.',
          );
        const modPath = parts.join("/");
        const candidates = [...sel.entries.entries()].filter(
          ([p]) => p === `${modPath}/__init__.py` || p === `${modPath}.py`,
        );
        const source = candidates[0]?.[1];
        if (source === undefined)
          throw unsupported(label, `the module of the version attribute "${dyn.attr}" is not in the wheel`);
        version = versionFromFile(source, "tool.setuptools.dynamic.version", true);
      } else throw unsupported(label, "the dynamic version has no tool.setuptools.dynamic.version attr or file");
    }
  } else if (kind === "flit") {
    if (get(doc, "tool", "flit", "external-data") !== undefined)
      throw unsupported(label, "`tool.flit.external-data` is not supported");
    const name = (get(doc, "tool", "flit", "module", "name") as string | undefined) ?? moduleName;
    const modPath = name.split(".").join("/");
    let init: string | undefined;
    for (const root of ["", "src"]) {
      const dir = join(root, modPath);
      if (sel.has(`${dir}/__init__.py`)) {
        sel.addDir(dir, modPath);
        init = `${dir}/__init__.py`;
        break;
      }
      if (sel.has(`${dir}.py`)) {
        sel.add(`${modPath}.py`, `${dir}.py`);
        init = `${dir}.py`;
        break;
      }
    }
    if (init === undefined)
      throw unsupported(
        label,
        `flit cannot find the module "${name}" ("${modPath}/__init__.py" or "${modPath}.py", also under src/)`,
      );
    if (dynamicVersion) version = versionFromFile(init, "flit module");
    if (pyproject.dynamic.includes("description")) summary = readDocstringSummary(tree.readText(init) ?? "");
  } else {
    const pdm = asTable(get(doc, "tool", "pdm", "build")) ?? {};
    if (pdm["custom-hook"] !== undefined || sel.has("pdm_build.py"))
      throw unsupported(label, "it uses a pdm build hook (pdm_build.py or tool.pdm.build.custom-hook)");
    if (pdm["run-setuptools"] === true) throw unsupported(label, "tool.pdm.build.run-setuptools is set");
    for (const key of Object.keys(pdm))
      if (
        !["package-dir", "excludes", "source-includes", "is-purelib", "editable-backend", "run-setuptools"].includes(
          key,
        )
      )
        throw unsupported(label, `\`tool.pdm.build.${key}\` is not supported`);
    if (pdm["is-purelib"] === false) throw unsupported(label, "tool.pdm.build.is-purelib is false");
    const root =
      typeof pdm["package-dir"] === "string" ? (pdm["package-dir"] as string) : sel.hasDir("src") ? "src" : "";
    const excludes = (asStrings(pdm.excludes) ?? []).map(compileGlob);
    const keep = (f: string): boolean => !excludes.some((g) => globMatchesFileOrParent(g, f));
    const pkgs = topLevelPackages(tree, root).filter((p) => root !== "" || !FLAT_LAYOUT_EXCLUDED.has(p));
    for (const p of pkgs) sel.addDir(join(root, p), p, keep);
    if (root !== "") for (const m of topLevelModules(tree, root)) if (keep(join(root, m))) sel.add(m, join(root, m));
    if (pkgs.length === 0) throw unsupported(label, `pdm finds no package under "${root === "" ? "." : root}"`);
    if (dynamicVersion) {
      const v = asTable(get(doc, "tool", "pdm", "version")) ?? {};
      if (v.source !== "file" || typeof v.path !== "string")
        throw unsupported(
          label,
          `the pdm version source "${String(v.source)}" is not supported`,
          'Use source = "file" or a static version.',
        );
      version = versionFromFile(v.path, "tool.pdm.version.path");
    }
  }

  if (version === undefined)
    throw unsupported(label, "it has no version (project.version is absent and not dynamic)", "Set project.version.");

  const entries = [...sel.entries.entries()].map(([path, source]) => ({ path, source }));
  for (const { path, source } of entries) {
    if (NATIVE_SOURCE.test(source)) throw unsupported(label, `it contains native source code ("${source}")`);
    if (NATIVE_BINARY.test(source)) throw unsupported(label, `it contains a compiled binary ("${source}")`);
    if (path.includes(".dist-info/") || path.includes(".data/"))
      throw unsupported(label, `the file "${source}" would land in wheel metadata`);
  }
  if (!entries.some((e) => e.path.endsWith(".py"))) throw unsupported(label, "no Python file would be in the wheel");
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { backend: kind, entries, version, ...(summary === undefined ? {} : { summary }) };
}

function planSetuptools(pyproject: PyprojectInfo, sel: Selector, label: string): void {
  const doc = pyproject.document;
  const tree = sel.tree;
  const setupPy = tree.readText("setup.py");
  if (setupPy !== undefined) {
    if (/\bext_modules\b/.test(setupPy)) throw unsupported(label, "setup.py declares ext_modules (C extensions)");
    if (/\bcmdclass\b/.test(setupPy)) throw unsupported(label, "setup.py declares cmdclass (custom build commands)");
    if (!setupPyIsTrivial(setupPy)) throw unsupported(label, "setup.py contains build logic");
  }
  const setupCfg = tree.readText("setup.cfg");
  if (setupCfg !== undefined && /^\s*\[(options|metadata)/m.test(setupCfg))
    throw unsupported(
      label,
      "setup.cfg configures the build ([metadata]/[options])",
      "Move the configuration into pyproject.toml.",
    );
  const st = asTable(get(doc, "tool", "setuptools")) ?? {};
  if (st.cmdclass !== undefined) throw unsupported(label, "tool.setuptools.cmdclass declares custom build commands");
  if (st["ext-modules"] !== undefined) throw unsupported(label, "tool.setuptools.ext-modules declares C extensions");
  for (const key of Object.keys(st))
    if (
      ![
        "packages",
        "package-dir",
        "py-modules",
        "package-data",
        "include-package-data",
        "exclude-package-data",
        "zip-safe",
        "platforms",
        "provides",
        "obsoletes",
        "license-files",
        "dynamic",
      ].includes(key)
    )
      throw unsupported(label, `\`tool.setuptools.${key}\` is not supported`);

  const packageDir = asTable(st["package-dir"]) ?? {};
  const srcLayout =
    st.packages === undefined && st["py-modules"] === undefined && st["package-dir"] === undefined && sel.hasDir("src");
  if (srcLayout) packageDir[""] = "src";
  const dirOf = (pkg: string): string => {
    const parts = pkg === "" ? [] : pkg.split(".");
    for (let i = parts.length; i >= 0; i--) {
      const prefix = parts.slice(0, i).join(".");
      const mapped = packageDir[prefix];
      if (typeof mapped === "string")
        return join(mapped.replace(/^\.\/?/, ""), parts.slice(i).join("/")).replace(/\/$/, "");
    }
    return parts.join("/");
  };

  let packages: string[] = [];
  let modules: string[] = asStrings(st["py-modules"]) ?? [];
  const find = asTable(asTable(st.packages)?.find);
  const isPkgDir = (dir: string, namespaces: boolean): boolean =>
    sel.has(`${dir}/__init__.py`) || (namespaces && sel.under(dir).some((f) => f.endsWith(".py")));
  const findIn = (where: string, namespaces: boolean): string[] => {
    const dirs = new Set<string>();
    const prefix = where === "" ? "" : `${where}/`;
    for (const f of sel.under(where)) {
      const parts = f.slice(prefix.length).split("/");
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i);
        if (!d.every((s) => /^[A-Za-z_]\w*$/.test(s))) break;
        if (!isPkgDir(prefix + d.join("/"), namespaces)) break;
        dirs.add(d.join("."));
      }
    }
    return [...dirs].sort();
  };
  if (Array.isArray(st.packages)) packages = asStrings(st.packages) ?? [];
  else if (find !== undefined) {
    const where = (asStrings(find.where) ?? ["."]).map((w) => w.replace(/^\.\/?/, "").replace(/\/$/, ""));
    const fnmatch = (p: string): RegExp =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|\\[\]]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      );
    const include = (asStrings(find.include) ?? ["*"]).map(fnmatch);
    const exclude = (asStrings(find.exclude) ?? []).map(fnmatch);
    for (const w of where) {
      if (w !== "") packageDir[""] = w;
      // setuptools' find patterns are fnmatch over dotted names (`*` also crosses dots).
      for (const p of findIn(w, find.namespaces !== false))
        if (include.some((re) => re.test(p)) && !exclude.some((re) => re.test(p))) packages.push(p);
    }
  } else if (st.packages !== undefined)
    throw unsupported(label, "tool.setuptools.packages must be a list or { find = ... }");
  else if (st["py-modules"] === undefined) {
    if (srcLayout) {
      packages = findIn("src", true);
      modules = topLevelModules(tree, "src").map((m) => m.slice(0, -3));
    } else {
      const top = topLevelPackages(tree, "").filter((p) => !FLAT_LAYOUT_EXCLUDED.has(p) && !p.startsWith("_"));
      if (top.length > 1)
        throw unsupported(
          label,
          `setuptools finds several top-level packages in a flat layout (${top.join(", ")})`,
          "Set tool.setuptools.packages.",
        );
      packages = top.length === 1 ? findIn("", false).filter((p) => p === top[0] || p.startsWith(`${top[0]}.`)) : [];
      if (packages.length === 0)
        modules = topLevelModules(tree, "")
          .map((m) => m.slice(0, -3))
          .filter((m) => !["setup", "conftest", "noxfile"].includes(m));
    }
  }

  const packageData = asTable(st["package-data"]) ?? {};
  const includeData = st["include-package-data"] !== false;
  const selectedDirs = new Map(packages.map((p) => [dirOf(p), p]));
  for (const [dir, pkg] of selectedDirs) {
    if (!sel.hasDir(dir)) throw unsupported(label, `the setuptools package "${pkg}" has no directory "${dir}"`);
    const globs = [...(asStrings(packageData[pkg]) ?? []), ...(asStrings(packageData["*"]) ?? [])].map((g) =>
      compileGlob(`/${g}`),
    );
    const wheelDir = pkg.split(".").join("/");
    for (const f of sel.under(dir)) {
      const rel = f.slice(dir.length + 1);
      const parts = rel.split("/");
      // Files of nested packages belong to that package's own pass.
      let owner = dir;
      for (let i = 1; i < parts.length; i++) {
        const d = `${dir}/${parts.slice(0, i).join("/")}`;
        if (selectedDirs.has(d)) owner = d;
      }
      if (owner !== dir) continue;
      const direct = parts.length === 1;
      const isCode = direct && (rel.endsWith(".py") || rel === "py.typed");
      // Data files: package-data globs, or (include-package-data) any non-Python file that does not
      // sit in an unselected subpackage.
      let inSubpackage = false;
      for (let i = 1; i < parts.length; i++)
        if (sel.has(`${dir}/${parts.slice(0, i).join("/")}/__init__.py`)) inSubpackage = true;
      const isData = !inSubpackage && (globs.some((g) => globMatches(g, rel)) || (includeData && !rel.endsWith(".py")));
      if (isCode || isData) sel.add(`${wheelDir}/${rel}`, f);
    }
  }
  for (const m of modules) {
    const file =
      `${dirOf(m.includes(".") ? m.split(".").slice(0, -1).join(".") : "")}/${m.split(".").pop()}.py`.replace(
        /^\//,
        "",
      );
    if (!sel.has(file)) throw unsupported(label, `the setuptools module "${m}" has no file "${file}"`);
    sel.add(`${m.split(".").join("/")}.py`, file);
  }
  if (packages.length === 0 && modules.length === 0) throw unsupported(label, "setuptools finds no package or module");
}
