/**
 * A deterministic uv.lock generator for tests and benchmarks. It builds a wire-shaped model (keys as
 * uv writes them) and renders it either in uv's canonical layout (spec §1.2) or in a "reformatted"
 * layout: same data, different but valid TOML (tabs, CRLF, reversed key order, standard tables and
 * arrays of tables instead of inline tables, dotted keys, escaped strings, comments).
 */

/** A TOML value in the model. */
export type TomlModelValue = string | number | boolean | TomlModelValue[] | TomlModelTable;
/** A TOML table in the model (insertion order = canonical key order). */
export interface TomlModelTable {
  [key: string]: TomlModelValue;
}

/** Options for {@link makeLockModel}. */
export interface MakeLockOptions {
  /** Number of registry packages (default 20). */
  packages?: number;
  /** Schema `version` (default 1). */
  version?: number;
  /** `revision` (default 3); `null` omits the key. */
  revision?: number | null;
  /** Wheels per registry package (default 4). */
  wheelsPerPackage?: number;
  /** Every 10th package also exists in a second version, chosen by `resolution-markers` (default true). */
  duplicates?: boolean;
  /** Add one package of each non-registry source kind (git, url, path, directory, editable). */
  allSources?: boolean;
  /** Write `upload-time` on files (revision ≥ 2 does; default: revision >= 2). */
  uploadTime?: boolean;
}

const PYPI = "https://pypi.org/simple";
const FILES = "https://files.pythonhosted.org/packages";

/** 64 hex digits derived from `seed` (xorshift; deterministic, not cryptographic). */
export function fakeSha256(seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let out = "";
  for (let i = 0; i < 8; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    out += (h >>> 0).toString(16).padStart(8, "0");
  }
  return out;
}

const PLATFORMS = [
  "manylinux_2_17_x86_64.manylinux2014_x86_64",
  "manylinux_2_17_aarch64.manylinux2014_aarch64",
  "musllinux_1_2_x86_64",
  "macosx_11_0_arm64",
  "win_amd64",
  "macosx_10_13_x86_64",
  "musllinux_1_2_aarch64",
  "win32",
];

function pkgName(i: number): string {
  return `pkg-${String(i).padStart(4, "0")}`;
}

function pkgVersion(i: number, alt: boolean): string {
  return alt ? `${(i % 7) + 10}.${i % 13}.0` : `${(i % 5) + 1}.${i % 11}.${i % 3}`;
}

function fileEntry(loc: TomlModelTable, seed: string, i: number, uploadTime: boolean): TomlModelTable {
  const t: TomlModelTable = { ...loc, hash: `sha256:${fakeSha256(seed)}`, size: 1000 + ((i * 7919) % 900000) };
  if (uploadTime) t["upload-time"] = `2024-0${(i % 9) + 1}-1${i % 10}T12:34:56.${(i % 90) + 10}Z`;
  return t;
}

function registryFiles(name: string, version: string, i: number, wheels: number, uploadTime: boolean) {
  const under = name.replace(/-/g, "_");
  const dir = `${FILES}/${fakeSha256(`${name}${version}`).slice(0, 2)}/${fakeSha256(`d${name}`).slice(0, 60)}`;
  const sdist = fileEntry({ url: `${dir}/${under}-${version}.tar.gz` }, `sdist${name}${version}`, i, uploadTime);
  const list: TomlModelTable[] = [];
  for (let w = 0; w < wheels; w++) {
    const tag = w === wheels - 1 ? "py3-none-any" : `cp313-cp313-${PLATFORMS[w % PLATFORMS.length]}`;
    list.push(fileEntry({ url: `${dir}/${under}-${version}-${tag}.whl` }, `w${w}${name}${version}`, i + w, uploadTime));
  }
  return { sdist, wheels: list };
}

/** Builds the wire-shaped model of a lock (see {@link MakeLockOptions}). */
export function makeLockModel(options: MakeLockOptions = {}): TomlModelTable {
  const n = options.packages ?? 20;
  const revision = options.revision === undefined ? 3 : options.revision;
  const wheels = options.wheelsPerPackage ?? 4;
  const duplicates = options.duplicates ?? true;
  const uploadTime = options.uploadTime ?? (revision ?? 0) >= 2;
  const low = "python_full_version < '3.12'";
  const high = "python_full_version >= '3.12'";
  const isDup = (i: number) => duplicates && i % 10 === 5;

  const doc: TomlModelTable = { version: options.version ?? 1 };
  if (revision !== null) doc.revision = revision;
  doc["requires-python"] = ">=3.10";
  if (duplicates && n > 5) doc["resolution-markers"] = [high, low];

  const packages: TomlModelTable[] = [];
  const edgeTo = (j: number, extra?: string[], marker?: string, alt = false): TomlModelTable => {
    const e: TomlModelTable = { name: pkgName(j) };
    if (isDup(j)) {
      e.version = pkgVersion(j, alt);
      e.source = { registry: PYPI };
    }
    if (extra !== undefined) e.extra = extra;
    if (marker !== undefined) e.marker = marker;
    return e;
  };

  for (let i = 0; i < n; i++) {
    const variants = isDup(i) ? [false, true] : [false];
    // The alternative version (>= 10) always sorts after the main one (<= 5), as uv orders them.
    for (const alt of variants) {
      const version = pkgVersion(i, alt);
      const name = pkgName(i);
      const p: TomlModelTable = { name, version, source: { registry: PYPI } };
      if (isDup(i)) p["resolution-markers"] = [alt ? low : high];
      const deps: TomlModelTable[] = [];
      if (i + 1 < n) deps.push(edgeTo(i + 1));
      // Odd parents pick the alternative version of a duplicated target (edges then carry version + source).
      if (i + 2 < n && i % 3 === 0) deps.push(edgeTo(i + 2, undefined, "sys_platform == 'win32'", i % 2 === 1));
      if (i + 7 < n && i % 4 === 1) deps.push(edgeTo(i + 7, ["extra-a"]));
      if (i + 3 < n && i % 5 === 2) {
        deps.push(edgeTo(i + 3, undefined, "platform_python_implementation != 'PyPy' and sys_platform != 'win32'"));
      }
      if (deps.length > 0) p.dependencies = deps;
      const files = registryFiles(name, version, i, wheels, uploadTime);
      p.sdist = files.sdist;
      p.wheels = files.wheels;
      if (i % 4 === 0) {
        const opt: TomlModelTable = {};
        opt["extra-a"] = i + 4 < n ? [edgeTo(i + 4)] : [];
        if (i + 5 < n) opt["extra-b"] = [edgeTo(i + 5, undefined, "os_name == 'nt'")];
        if ((opt["extra-a"] as TomlModelValue[]).length === 0) delete opt["extra-a"];
        if (Object.keys(opt).length > 0) p["optional-dependencies"] = opt;
      }
      packages.push(p);
    }
  }

  // The project itself: a virtual root that depends on the first packages, with a dev group.
  const root: TomlModelTable = { name: "project", version: "0.1.0", source: { virtual: "." } };
  const rootDeps = [0, 1, 2].filter((j) => j < n).map((j) => edgeTo(j));
  if (rootDeps.length > 0) root.dependencies = rootDeps;
  const rootDev = n > 4 ? [edgeTo(4, ["extra-a"])] : [];
  const reqs: TomlModelValue[] = [0, 1, 2].filter((j) => j < n).map((j) => ({ name: pkgName(j) }));
  const devReqs: TomlModelValue[] = n > 4 ? [{ name: pkgName(4), extras: ["extra-a"] }] : [];
  if (options.allSources) {
    const git = `https://github.com/org/gitpkg?subdirectory=packages%2Fgitpkg&rev=v1.0#${fakeSha256("git").slice(0, 40)}`;
    const extra: TomlModelTable[] = [
      { name: "dirpkg", version: "0.3.0", source: { directory: "libs/dirpkg" } },
      { name: "editpkg", source: { editable: "libs/editpkg" } },
      { name: "gitpkg", version: "1.0.0", source: { git } },
      {
        name: "pathpkg",
        version: "2.0.0",
        source: { path: "dist/pathpkg-2.0.0-py3-none-any.whl" },
        wheels: [{ filename: "pathpkg-2.0.0-py3-none-any.whl", hash: `sha256:${fakeSha256("pathpkg")}` }],
      },
      {
        name: "urlpkg",
        version: "3.1.0",
        source: { url: "https://example.com/urlpkg-3.1.0.tar.gz", subdirectory: "src" },
        sdist: { hash: `sha256:${fakeSha256("urlpkg")}` },
      },
    ];
    for (const e of extra) {
      packages.push(e);
      rootDeps.push({ name: e.name as string });
      reqs.push({ name: e.name as string });
    }
  }
  root["dev-dependencies"] = { dev: rootDev };
  root.metadata = { "requires-dist": reqs, "requires-dev": { dev: devReqs } };
  packages.push(root);
  packages.sort((a, b) => (a.name as string).localeCompare(b.name as string));
  doc.package = packages;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Canonical renderer (uv's layout)

const SUBTABLES = new Set([
  "optional-dependencies",
  "dev-dependencies",
  "metadata",
  "requires-dev",
  "options",
  "manifest",
  "dependency-groups",
]);
const MULTILINE = new Set([
  "resolution-markers",
  "supported-markers",
  "required-markers",
  "members",
  "dependencies",
  "wheels",
]);
const SERDE_ARRAYS = new Set(["requires-dist", "requirements", "constraints", "overrides", "excludes"]);

function isTable(v: TomlModelValue): v is TomlModelTable {
  return typeof v === "object" && !Array.isArray(v);
}

function basicString(s: string): string {
  return JSON.stringify(s);
}

function inlineValue(v: TomlModelValue): string {
  if (typeof v === "string") return basicString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(inlineValue).join(", ")}]`;
  const entries = Object.entries(v);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${k} = ${inlineValue(x)}`).join(", ")} }`;
}

function canonicalTable(t: TomlModelTable, header: string[], out: string[], parentIsGroup: boolean): void {
  const subs: Array<[string, TomlModelValue]> = [];
  for (const [k, v] of Object.entries(t)) {
    if (isTable(v) && (SUBTABLES.has(k) || parentIsGroup)) {
      subs.push([k, v]);
      continue;
    }
    if (Array.isArray(v) && v.length > 0 && isTable(v[0]!) && k === "package") {
      subs.push([k, v]);
      continue;
    }
    const multiline = Array.isArray(v) && (MULTILINE.has(k) || parentIsGroup || (SERDE_ARRAYS.has(k) && v.length > 1));
    if (multiline) {
      out.push(`${k} = [`);
      for (const x of v as TomlModelValue[]) out.push(`    ${inlineValue(x)},`);
      out.push("]");
    } else {
      out.push(`${k} = ${inlineValue(v)}`);
    }
  }
  for (const [k, v] of subs) {
    if (Array.isArray(v)) {
      for (const item of v) {
        out.push("", `[[${[...header, k].join(".")}]]`);
        canonicalTable(item as TomlModelTable, [...header, k], out, false);
      }
    } else {
      out.push("", `[${[...header, k].join(".")}]`);
      const groupLike = k === "optional-dependencies" || k === "dev-dependencies";
      canonicalTable(v as TomlModelTable, [...header, k], out, groupLike);
    }
  }
}

/** Renders the model in uv's canonical layout. */
export function renderCanonical(doc: TomlModelTable): string {
  const out: string[] = [];
  canonicalTable(doc, [], out, false);
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reformatted renderer (same data, different valid TOML)

function escapedString(s: string): string {
  // Literal strings where possible; otherwise basic strings with `'` as a unicode escape.
  if (!s.includes("'") && !/[\n\\]/.test(s) && s.length % 2 === 0) return `'${s}'`;
  return JSON.stringify(s).replace(/'/g, "\\u0027");
}

function looseValue(v: TomlModelValue, indent: string, inline = false): string {
  if (typeof v === "string") return escapedString(v);
  if (typeof v === "number") return v >= 1000 ? String(v).replace(/\B(?=(\d{3})+$)/g, "_") : String(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[ ]";
    if (inline) return `[${v.map((x) => looseValue(x, indent, true)).join(",")}]`;
    return `[\t# ${v.length} item(s)\n${v.map((x) => `${indent}\t${looseValue(x, `${indent}\t`)}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(v).reverse();
  return `{${entries.map(([k, x]) => `"${k}"=${looseValue(x, indent, true)}`).join(" ,")}}`;
}

function looseTable(t: TomlModelTable, header: string[], out: string[], depth: number): void {
  const ind = "\t".repeat(depth);
  const entries = Object.entries(t).reverse();
  const tables: Array<[string, TomlModelTable]> = [];
  const arraysOfTables: Array<[string, TomlModelTable[]]> = [];
  for (const [k, v] of entries) {
    if (isTable(v) && Object.keys(v).length > 0 && k !== "source") tables.push([k, v]);
    else if (isTable(v) && k === "source" && depth > 1) {
      // dotted keys inside array-of-tables elements
      for (const [sk, sv] of Object.entries(v)) out.push(`${ind}source . ${sk} = ${looseValue(sv, ind)}`);
    } else if (isTable(v) && k === "source") tables.push([k, v]);
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => isTable(x)) && k !== "extra") {
      arraysOfTables.push([k, v as TomlModelTable[]]);
    } else out.push(`${ind}${k}\t=  ${looseValue(v, ind)}   # ${k}`);
  }
  for (const [k, v] of tables) {
    out.push("", `${ind}[ ${[...header, k].join(" . ")} ]  # table`);
    looseTable(v, [...header, k], out, depth + 1);
  }
  for (const [k, arr] of arraysOfTables) {
    for (const item of arr) {
      out.push(`${ind}[[${[...header, `"${k}"`].join(".")}]]`);
      looseTable(item, [...header, k], out, depth + 1);
    }
  }
}

/** Renders the model as different-looking but equivalent TOML (tabs, CRLF, standard tables, ...). */
export function renderReformatted(doc: TomlModelTable): string {
  const out: string[] = ["# reformatted by hand", ""];
  looseTable(doc, [], out, 0);
  return `${out.join("\r\n")}\r\n\r\n`;
}

/** Canonical text of a generated lock. */
export function makeLock(options: MakeLockOptions = {}): string {
  return renderCanonical(makeLockModel(options));
}
