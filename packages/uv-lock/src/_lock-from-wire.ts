import { parseSdist, parseWheel } from "./_files.js";
import { normalizeName, validNormalizedName } from "./_names.js";
import { at, describe, type Issues, isTable, Reader, toPlain, type WirePath, type WireTable } from "./_reader.js";
import { parseRequirementGroups, parseRequirements, readNameList, sortRecord } from "./_requirement.js";
import { isSourceTree, parseSource, requiresHash, sourceKey } from "./_source.js";
import { normalizeVersion, versionKey } from "./_version.js";
import type {
  Lock,
  LockConflictItem,
  LockDependency,
  LockManifest,
  LockPackage,
  LockSource,
  LockWheel,
} from "./types.js";

const TOP_KEYS = new Set([
  "version",
  "revision",
  "requires-python",
  "resolution-markers",
  "supported-markers",
  "required-markers",
  "conflicts",
  "options",
  "manifest",
  "package",
]);
const PACKAGE_KEYS = new Set([
  "name",
  "version",
  "source",
  "resolution-markers",
  "dependencies",
  "optional-dependencies",
  "dev-dependencies",
  "dependency-groups",
  "sdist",
  "wheels",
  "metadata",
]);
const EDGE_KEYS = new Set(["name", "version", "source", "extra", "marker"]);
const MANIFEST_KEYS = new Set([
  "members",
  "requirements",
  "constraints",
  "overrides",
  "excludes",
  "build-constraints",
  "dependency-groups",
  "dependency-metadata",
]);
const METADATA_KEYS = new Set(["requires-dist", "provides-extras", "requires-dev", "dependency-groups"]);

/** A dependency edge as written, before its target is resolved (one shape for every edge). */
interface WireEdge {
  path: WirePath;
  name: string;
  version: string | undefined;
  source: LockSource | undefined;
  extra: string[];
  marker: string | undefined;
  /** Where the resolved edge goes. */
  list: LockDependency[];
}

/** Shared empty `extra` list of edges that have none (never mutated). */
const NO_NAMES: string[] = [];

interface Pending {
  pkg: LockPackage;
  path: WirePath;
  edges: WireEdge[];
}

/** `name==version` (or `name`) for messages. */
function displayId(name: string, version: string | undefined): string {
  return version === undefined ? name : `${name}==${version}`;
}

function readVersion(t: WireTable, key: string, path: WirePath, r: Reader): string | undefined {
  const raw = t[key] === undefined ? undefined : r.string(t, key, path);
  if (raw === undefined) return undefined;
  const v = normalizeVersion(raw);
  if (v === undefined) r.issues.error(at(path, key), `${JSON.stringify(raw)} is not a valid PEP 440 version`);
  return v;
}

function readPackageName(t: WireTable, path: WirePath, r: Reader): string | undefined {
  const raw = r.string(t, "name", path, true);
  if (raw === undefined) return undefined;
  const name = validNormalizedName(raw);
  if (name === undefined) r.issues.error(at(path, "name"), `${JSON.stringify(raw)} is not a valid package name`);
  return name;
}

function readMarker(t: WireTable, path: WirePath, r: Reader): string | undefined {
  const m = t.marker === undefined ? undefined : r.marker(t, "marker", path);
  return m === "" ? undefined : m;
}

/** An array of marker strings (`resolution-markers`), each checked. */
function readMarkers(t: WireTable, key: string, path: WirePath, r: Reader): string[] {
  if (t[key] === undefined) return [];
  const list = r.strings(t, key, path);
  const lp = at(path, key);
  for (let i = 0; i < list.length; i++) r.checkMarker(list[i] as string, at(lp, i));
  return list;
}

function readEdges(t: WireTable, key: string, path: WirePath, r: Reader, list: LockDependency[], out: WireEdge[]) {
  const arr = r.array(t, key, path);
  if (arr === undefined) return;
  const lp = at(path, key);
  for (let i = 0; i < arr.length; i++) {
    const et = arr[i];
    if (!r.isTableAt(et, lp, i)) continue;
    const ep = at(lp, i);
    for (const k of Object.keys(et)) if (!EDGE_KEYS.has(k)) r.issues.unknownKey("dependency", ep, k);
    const name = readPackageName(et, ep, r);
    if (name === undefined) continue;
    const edge: WireEdge = {
      path: ep,
      name,
      version: et.version === undefined ? undefined : readVersion(et, "version", ep, r),
      source: undefined,
      extra: et.extra === undefined ? NO_NAMES : readNameList(et, "extra", ep, r),
      marker: et.marker === undefined ? undefined : readMarker(et, ep, r),
      list,
    };
    if (et.source !== undefined) {
      const st = r.table(et, "source", ep);
      const source = st === undefined ? undefined : parseSource(st, at(ep, "source"), r.issues);
      if (source === undefined) continue;
      edge.source = source;
    }
    out.push(edge);
  }
}

/** Reads a table of `name = [edges]` (optional-dependencies, dev-dependencies). */
function readEdgeGroups(
  t: WireTable,
  key: string,
  path: WirePath,
  r: Reader,
  out: WireEdge[],
  what: string,
): Record<string, LockDependency[]> {
  const groups: Record<string, LockDependency[]> = {};
  const gt = r.table(t, key, path);
  if (gt === undefined) return groups;
  const gp = at(path, key);
  for (const g of Object.keys(gt)) {
    const name = validNormalizedName(g);
    if (name === undefined) {
      r.issues.error(at(gp, g), `${JSON.stringify(g)} is not a valid ${what} name`);
      continue;
    }
    const list = (groups[name] ??= []);
    readEdges(gt, g, gp, r, list, out);
  }
  return sortRecord(groups);
}

function readPackage(t: WireTable, path: WirePath, r: Reader): Pending | undefined {
  for (const k of Object.keys(t)) if (!PACKAGE_KEYS.has(k)) r.issues.unknownKey("package", path, k);
  const name = readPackageName(t, path, r);
  const version = readVersion(t, "version", path, r);
  const st = r.table(t, "source", path, true);
  const source = st === undefined ? undefined : parseSource(st, at(path, "source"), r.issues);
  if (name === undefined || source === undefined) return undefined;
  if (version === undefined && t.version === undefined && source.kind === "registry") {
    r.issues.error(at(path, "version"), "missing required key (packages from a registry must have a version)");
  }
  const edges: WireEdge[] = [];
  const pkg: LockPackage = {
    name,
    source,
    resolutionMarkers: readMarkers(t, "resolution-markers", path, r),
    dependencies: [],
    optionalDependencies: {},
    devDependencies: {},
    wheels: [],
  };
  if (version !== undefined) pkg.version = version;
  if (t.dependencies !== undefined) readEdges(t, "dependencies", path, r, pkg.dependencies, edges);
  if (t["optional-dependencies"] !== undefined) {
    pkg.optionalDependencies = readEdgeGroups(t, "optional-dependencies", path, r, edges, "extra");
  }
  const devKey = t["dev-dependencies"] !== undefined ? "dev-dependencies" : "dependency-groups";
  if (t["dev-dependencies"] !== undefined && t["dependency-groups"] !== undefined) {
    r.issues.error(at(path, "dependency-groups"), 'duplicate of "dev-dependencies" (an alias); keep only one');
  }
  if (t[devKey] !== undefined) pkg.devDependencies = readEdgeGroups(t, devKey, path, r, edges, "group");

  const hashRule = requiresHash(source);
  const checkHash = (hasHash: boolean, p: WirePath, artifact: string) => {
    if (hashRule === undefined || hashRule === hasHash) return;
    r.issues.error(
      at(p, "hash"),
      hashRule
        ? `missing; a ${artifact} of a package from a ${source.kind} source must have a hash`
        : `unexpected; a ${artifact} of a package from a ${source.kind} source must not have a hash`,
    );
  };
  if (t.sdist !== undefined) {
    const sd = r.table(t, "sdist", path);
    const sdist = sd === undefined ? undefined : parseSdist(sd, at(path, "sdist"), r);
    if (sdist !== undefined) {
      checkHash(sdist.hash !== undefined, at(path, "sdist"), "source distribution");
      pkg.sdist = sdist;
    }
  }
  const wheelList = t.wheels === undefined ? undefined : r.array(t, "wheels", path);
  if (wheelList !== undefined) {
    const wheels: LockWheel[] = [];
    const lp = at(path, "wheels");
    for (let i = 0; i < wheelList.length; i++) {
      const wt = wheelList[i];
      if (!r.isTableAt(wt, lp, i)) continue;
      const wp = at(lp, i);
      const w = parseWheel(wt, wp, r, versionKey, version);
      if (w === undefined) continue;
      checkHash(w.hash !== undefined, wp, "wheel");
      wheels.push(w);
    }
    pkg.wheels = wheels;
  }
  if (t.metadata !== undefined) {
    const mt = r.table(t, "metadata", path);
    if (mt !== undefined) {
      const mp = at(path, "metadata");
      for (const k of Object.keys(mt)) if (!METADATA_KEYS.has(k)) r.issues.unknownKey("metadata", mp, k);
      const metadata: NonNullable<LockPackage["metadata"]> = {
        requiresDist: parseRequirements(mt, "requires-dist", mp, r),
        requiresDev: parseRequirementGroups(
          mt,
          mt["requires-dev"] !== undefined ? "requires-dev" : "dependency-groups",
          mp,
          r,
        ),
      };
      if (mt["provides-extras"] !== undefined) {
        metadata.providesExtras = r.strings(mt, "provides-extras", mp).map(normalizeName);
      }
      pkg.metadata = metadata;
    }
  }
  return { pkg, path, edges };
}

/** Full identity of a package for duplicate detection and edge matching (memoized version keys). */
function idKeyer(): (version: string | undefined, source: LockSource) => string {
  const keys = new Map<string, string>();
  return (version, source) => {
    let vk = "";
    if (version !== undefined) {
      const known = keys.get(version);
      if (known === undefined) keys.set(version, (vk = versionKey(version) ?? version));
      else vk = known;
    }
    return `${vk}\0${sourceKey(source)}`;
  };
}

/** The packages of one name: the only one (the common case), or all of them by full id. */
interface NameEntry {
  only: LockPackage | undefined;
  byId: Map<string, LockPackage>;
}

/** Lists longer than this detect duplicate edges with a key set instead of a scan. */
const SCAN_LIMIT = 16;

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rebuilds each edge's full id from the lock's packages (spec §1.4) and fills the edge lists. */
function resolveEdges(pending: Pending[], issues: Issues): void {
  const idKey = idKeyer();
  const byName = new Map<string, NameEntry>();
  for (const { pkg, path } of pending) {
    const key = idKey(pkg.version, pkg.source);
    const entry = byName.get(pkg.name);
    if (entry === undefined) {
      byName.set(pkg.name, { only: pkg, byId: new Map([[key, pkg]]) });
    } else if (entry.byId.has(key)) {
      issues.error(path, `duplicate package \`${displayId(pkg.name, pkg.version)}\``);
    } else {
      entry.only = undefined;
      entry.byId.set(key, pkg);
    }
  }
  // Key sets of long lists (duplicate detection); short lists are scanned.
  const keySets = new Map<LockDependency[], Set<string>>();
  const ordinal = new Map<LockSource, number>();
  for (const { pkg, edges } of pending) {
    for (const e of edges) {
      const entry = byName.get(e.name);
      let target: LockPackage | undefined;
      if (entry === undefined) {
        issues.error(e.path, notFoundMessage(pkg, e));
        continue;
      }
      const unique = entry.only;
      if (unique !== undefined && e.source === undefined && e.version === undefined) {
        target = unique; // the common case: a name that occurs once
      } else {
        const source = e.source ?? unique?.source;
        if (source === undefined) {
          issues.error(
            e.path,
            `Dependency \`${e.name}\` has missing \`source\` field but has more than one matching package`,
          );
          continue;
        }
        let version = e.version;
        if (version === undefined) {
          if (unique !== undefined) version = unique.version;
          else if (!isSourceTree(source)) {
            issues.error(
              e.path,
              `Dependency \`${e.name}\` has missing \`version\` field but has more than one matching package`,
            );
            continue;
          }
        }
        target = entry.byId.get(idKey(version, source));
      }
      if (target === undefined) {
        issues.error(e.path, notFoundMessage(pkg, e));
        continue;
      }
      let extra = e.extra;
      if (extra.length > 0) {
        const opt = target.optionalDependencies;
        extra = extra.filter((x) => Object.hasOwn(opt, x));
      }
      const dep: LockDependency = { name: target.name, source: target.source, extra };
      if (target.version !== undefined) dep.version = target.version;
      if (e.marker !== undefined) dep.marker = e.marker;
      if (isDuplicate(e.list, dep, keySets, ordinal)) {
        issues.error(
          e.path,
          `For package \`${displayId(pkg.name, pkg.version)}\`, found duplicate dependency \`${displayId(target.name, target.version)}\``,
        );
        continue;
      }
      e.list.push(dep);
    }
  }
}

function notFoundMessage(pkg: LockPackage, e: WireEdge): string {
  return `For package \`${displayId(pkg.name, pkg.version)}\`, found dependency \`${displayId(e.name, e.version)}\` with no locked package`;
}

/**
 * True when `list` already holds an edge to the same package (its `source` object identifies it)
 * with the same extras and marker. Short lists are scanned; long ones keep a key set.
 */
function isDuplicate(
  list: LockDependency[],
  dep: LockDependency,
  keySets: Map<LockDependency[], Set<string>>,
  ordinal: Map<LockSource, number>,
): boolean {
  if (list.length < SCAN_LIMIT) {
    for (const d of list) {
      if (d.source === dep.source && d.marker === dep.marker && sameStrings(d.extra, dep.extra)) return true;
    }
    return false;
  }
  const keyOf = (d: LockDependency): string => {
    let n = ordinal.get(d.source);
    if (n === undefined) ordinal.set(d.source, (n = ordinal.size));
    return `${n}\0${d.extra.join(",")}\0${d.marker ?? ""}`;
  };
  let keys = keySets.get(list);
  if (keys === undefined) keySets.set(list, (keys = new Set(list.map(keyOf))));
  const key = keyOf(dep);
  if (keys.has(key)) return true;
  keys.add(key);
  return false;
}

function readConflicts(t: WireTable, r: Reader): LockConflictItem[][] {
  const sets = r.array(t, "conflicts", undefined);
  if (sets === undefined) return [];
  const out: LockConflictItem[][] = [];
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    if (!Array.isArray(set)) {
      r.issues.error(at(at(undefined, "conflicts"), i), `expected an array, found ${describe(set)}`);
      continue;
    }
    const items: LockConflictItem[] = [];
    for (let j = 0; j < set.length; j++) {
      const it = set[j];
      const p = at(at(at(undefined, "conflicts"), i), j);
      if (!isTable(it)) {
        r.issues.error(p, `expected a table, found ${describe(it)}`);
        continue;
      }
      const name = r.string(it, "package", p, true);
      if (name === undefined) continue;
      const item: LockConflictItem = { package: normalizeName(name) };
      for (const k of ["extra", "group"] as const) {
        const v = it[k] === undefined ? undefined : r.string(it, k, p);
        if (v !== undefined) item[k] = normalizeName(v);
      }
      items.push(item);
    }
    out.push(items);
  }
  return out;
}

function readManifest(t: WireTable | undefined, r: Reader): LockManifest {
  const m: LockManifest = {
    members: [],
    requirements: [],
    constraints: [],
    overrides: [],
    excludes: [],
    buildConstraints: [],
    dependencyGroups: {},
    dependencyMetadata: [],
  };
  if (t === undefined) return m;
  const p = at(undefined, "manifest");
  for (const k in t) if (!MANIFEST_KEYS.has(k)) r.issues.unknownKey("manifest", p, k);
  m.members = readNameList(t, "members", p, r);
  m.requirements = parseRequirements(t, "requirements", p, r);
  m.constraints = parseRequirements(t, "constraints", p, r);
  m.overrides = parseRequirements(t, "overrides", p, r);
  m.excludes = readNameList(t, "excludes", p, r);
  m.buildConstraints = parseRequirements(t, "build-constraints", p, r);
  m.dependencyGroups = parseRequirementGroups(t, "dependency-groups", p, r);
  if (t["dependency-metadata"] !== undefined) {
    m.dependencyMetadata = r.tables(t, "dependency-metadata", p).map(([mt]) => toPlain(mt) as Record<string, unknown>);
  }
  return m;
}

/**
 * Converts a TOML document whose `version` was already checked into a {@link Lock}, recording every
 * schema problem in `issues`. The result is only meaningful when `issues.errors` is empty.
 */
export function lockFromWire(doc: WireTable, version: number, revision: number, issues: Issues): Lock {
  const r = new Reader(issues);
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) issues.unknownKey("top", undefined, k);
  const pending: Pending[] = [];
  const list = doc.package === undefined ? undefined : r.array(doc, "package", undefined);
  if (list !== undefined) {
    const lp = at(undefined, "package");
    for (let i = 0; i < list.length; i++) {
      const pt = list[i];
      if (!r.isTableAt(pt, lp, i)) continue;
      const p = readPackage(pt, at(lp, i), r);
      if (p !== undefined) pending.push(p);
    }
  }
  resolveEdges(pending, issues);
  const lock: Lock = {
    version,
    revision,
    resolutionMarkers: readMarkers(doc, "resolution-markers", undefined, r),
    supportedMarkers: doc["supported-markers"] === undefined ? [] : r.strings(doc, "supported-markers", undefined),
    requiredMarkers: doc["required-markers"] === undefined ? [] : r.strings(doc, "required-markers", undefined),
    conflicts: doc.conflicts === undefined ? [] : readConflicts(doc, r),
    options: (doc.options === undefined ? {} : (toPlain(r.table(doc, "options", undefined)) ?? {})) as Record<
      string,
      unknown
    >,
    manifest: readManifest(doc.manifest === undefined ? undefined : r.table(doc, "manifest", undefined), r),
    packages: pending.map((p) => p.pkg),
  };
  const rp = doc["requires-python"] === undefined ? undefined : r.specifiers(doc, "requires-python", undefined);
  if (rp !== undefined) lock.requiresPython = rp;
  return lock;
}
