import { parseSdist, parseWheel } from "./_files.js";
import { isValidName, normalizeName } from "./_names.js";
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

/** A dependency edge as written, before its target is resolved. */
interface WireEdge {
  path: WirePath;
  name: string;
  version?: string;
  source?: LockSource;
  extra: string[];
  marker?: string;
  /** Where the resolved edge goes. */
  list: LockDependency[];
}

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
  if (!isValidName(raw)) {
    r.issues.error(at(path, "name"), `${JSON.stringify(raw)} is not a valid package name`);
    return undefined;
  }
  return normalizeName(raw);
}

function readMarker(t: WireTable, path: WirePath, r: Reader): string | undefined {
  const m = t.marker === undefined ? undefined : r.string(t, "marker", path);
  return m === "" ? undefined : m;
}

function readEdges(t: WireTable, key: string, path: WirePath, r: Reader, list: LockDependency[], out: WireEdge[]) {
  for (const [et, i] of r.tables(t, key, path)) {
    const ep = at(at(path, key), i);
    for (const k in et) if (!EDGE_KEYS.has(k)) r.issues.unknownKey("dependency", ep, k);
    const name = readPackageName(et, ep, r);
    if (name === undefined) continue;
    const edge: WireEdge = { path: ep, name, extra: readNameList(et, "extra", ep, r), list };
    const version = readVersion(et, "version", ep, r);
    if (version !== undefined) edge.version = version;
    if (et.source !== undefined) {
      const st = r.table(et, "source", ep);
      const source = st === undefined ? undefined : parseSource(st, at(ep, "source"), r.issues);
      if (source === undefined) continue;
      edge.source = source;
    }
    const marker = readMarker(et, ep, r);
    if (marker !== undefined) edge.marker = marker;
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
    if (!isValidName(g)) {
      r.issues.error(at(gp, g), `${JSON.stringify(g)} is not a valid ${what} name`);
      continue;
    }
    const name = normalizeName(g);
    const list = (groups[name] ??= []);
    readEdges(gt, g, gp, r, list, out);
  }
  return sortRecord(groups);
}

function readPackage(t: WireTable, path: WirePath, r: Reader): Pending | undefined {
  for (const k in t) if (!PACKAGE_KEYS.has(k)) r.issues.unknownKey("package", path, k);
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
    resolutionMarkers: t["resolution-markers"] === undefined ? [] : r.strings(t, "resolution-markers", path),
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
  if (t.wheels !== undefined) {
    const wheels: LockWheel[] = [];
    for (const [wt, i] of r.tables(t, "wheels", path)) {
      const wp = at(at(path, "wheels"), i);
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
      for (const k in mt) if (!METADATA_KEYS.has(k)) r.issues.unknownKey("metadata", mp, k);
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

/** Rebuilds each edge's full id from the lock's packages (spec §1.4) and fills the edge lists. */
function resolveEdges(pending: Pending[], issues: Issues): void {
  const idKey = idKeyer();
  const byName = new Map<string, Map<string, LockPackage>>();
  const ordinal = new Map<LockPackage, number>();
  for (const { pkg, path } of pending) {
    let ids = byName.get(pkg.name);
    if (ids === undefined) byName.set(pkg.name, (ids = new Map()));
    const key = idKey(pkg.version, pkg.source);
    if (ids.has(key)) issues.error(path, `duplicate package \`${displayId(pkg.name, pkg.version)}\``);
    else ids.set(key, pkg);
    ordinal.set(pkg, ordinal.size);
  }
  for (const { pkg, edges } of pending) {
    const seen = new Map<LockDependency[], Set<string>>();
    for (const e of edges) {
      const candidates = byName.get(e.name);
      const unique = candidates?.size === 1 ? (candidates.values().next().value as LockPackage) : undefined;
      const notFound = () =>
        issues.error(
          e.path,
          `For package \`${displayId(pkg.name, pkg.version)}\`, found dependency \`${displayId(e.name, e.version)}\` with no locked package`,
        );
      let target: LockPackage | undefined;
      if (candidates === undefined) {
        notFound();
        continue;
      }
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
        target = candidates.get(idKey(version, source));
      }
      if (target === undefined) {
        notFound();
        continue;
      }
      const opt = target.optionalDependencies;
      const extra = e.extra.length === 0 ? e.extra : e.extra.filter((x) => Object.hasOwn(opt, x));
      const dep: LockDependency = { name: target.name, source: target.source, extra };
      if (target.version !== undefined) dep.version = target.version;
      if (e.marker !== undefined) dep.marker = e.marker;
      let keys = seen.get(e.list);
      if (keys === undefined) seen.set(e.list, (keys = new Set()));
      const dupKey = `${ordinal.get(target)}\0${extra.join(",")}\0${e.marker ?? ""}`;
      if (keys.has(dupKey)) {
        issues.error(
          e.path,
          `For package \`${displayId(pkg.name, pkg.version)}\`, found duplicate dependency \`${displayId(target.name, target.version)}\``,
        );
        continue;
      }
      keys.add(dupKey);
      e.list.push(dep);
    }
  }
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
  for (const [pt, i] of doc.package === undefined ? [] : r.tables(doc, "package", undefined)) {
    const p = readPackage(pt, at(at(undefined, "package"), i), r);
    if (p !== undefined) pending.push(p);
  }
  resolveEdges(pending, issues);
  const lock: Lock = {
    version,
    revision,
    resolutionMarkers: doc["resolution-markers"] === undefined ? [] : r.strings(doc, "resolution-markers", undefined),
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
  const rp = doc["requires-python"] === undefined ? undefined : r.string(doc, "requires-python", undefined);
  if (rp !== undefined) lock.requiresPython = rp;
  return lock;
}
