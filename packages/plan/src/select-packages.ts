import { ERROR_CODES, TspackError } from "@tspack/errors";
import { normalizeName } from "@tspack/pep508";
import {
  type Lock,
  type LockDependency,
  type LockPackage,
  type LockRequirement,
  type LockSource,
  locateLockError,
  lockLocation,
  lockPathOf,
} from "@tspack/uv-lock";
import { compareExportOrder } from "./export-order.js";
import { and, FALSE, type Marker, MarkerCache, type Node, or, TRUE } from "./markers.js";
import type { ProjectInfo } from "./project-info.js";
import { type GroupSpec, resolveExtraSpec, resolveGroupSpec, type SelectOptions } from "./select-options.js";

/** One package of a {@link Selection}: what `uv export` would print for it. */
export interface SelectedPackage {
  /** The lock entry. */
  package: LockPackage;
  /** Reachability marker (algebra value), relative to the lock's requires-python. */
  marker: Marker;
  /** uv's canonical display of `marker`; "" when always true. */
  markerText: string;
  /** Names of the packages with an edge into this one (`# via`), sorted, deduplicated. */
  dependents: string[];
  /** One of the selected roots (the project, `--package` members, workspace members). */
  root: boolean;
  /** The workspace root project or a workspace member. */
  member: boolean;
}

/** The result of {@link selectPackages}: emitted packages in `uv export` order. */
export interface Selection {
  lock: Lock;
  /** Emitted packages (emit filters applied, markers not false), in export order; may hold virtual sources. */
  packages: SelectedPackage[];
  /** The root package names the graph started from. */
  roots: string[];
  /** The project that `--no-emit-project` refers to, if any. */
  projectName: string | undefined;
}

/** uv's encoding of conflict items as extra names (`universal_marker.rs`). */
function encodeExtra(pkg: string, extra: string): string {
  return `extra-${pkg.length}-${pkg}-${extra}`;
}
function encodeGroup(pkg: string, group: string): string {
  return `group-${pkg.length}-${pkg}-${group}`;
}
function encodeProject(pkg: string): string {
  return `project-${pkg.length}-${pkg}`;
}

function sourceKey(s: LockSource): string {
  switch (s.kind) {
    case "registry":
      return `registry:${s.url}`;
    case "git":
      return `git:${s.raw}`;
    case "url":
      return `url:${s.url}#${s.subdirectory ?? ""}`;
    default:
      return `${s.kind}:${s.path}`;
  }
}

function idKey(name: string, version: string | undefined, source: LockSource): string {
  return `${name}\u0000${version ?? ""}\u0000${sourceKey(source)}`;
}

type EdgeKind = "prod" | "optional" | "dev";

interface Edge {
  to: number;
  kind: EdgeKind;
  marker: Node;
  /** The parent's extra (optional edges) or group (dev edges). */
  item: string | undefined;
  /** Extras of the target activated by this edge. */
  depExtras: readonly string[];
  /** A `prod` edge to another node without extras: only its marker propagates (when no conflicts are declared). */
  simple: boolean;
}

type TargetKind = "project" | "projects" | "workspace" | "non-project";

function selectionError(message: string, hint?: string, details?: Record<string, unknown>): TspackError {
  return new TspackError(ERROR_CODES.SELECTION_INVALID, message, {
    ...(hint === undefined ? {} : { hint }),
    ...(details === undefined ? {} : { details }),
  });
}

/** Options for {@link selectPackages} beyond the uv flags. */
export interface SelectContext {
  /** Share one parse cache across calls (e.g. export + plan of the same lock). */
  markerCache?: MarkerCache;
}

/**
 * Which value of the lock selection is working on, so that an error raised while parsing or combining
 * markers names it (markers are parsed here, after the lock was read): an explicit path, else the
 * marker of an edge or requirement, else a package.
 */
interface Cursor {
  path: Array<string | number> | undefined;
  edge: LockDependency | LockRequirement | undefined;
  pkg: number;
}

function cursorSegments(lock: Lock, c: Cursor): Array<string | number> | undefined {
  if (c.path !== undefined) return c.path;
  if (c.edge !== undefined) {
    const p = lockPathOf(lock, c.edge);
    return p === undefined ? undefined : [...p, "marker"];
  }
  return c.pkg >= 0 ? ["package", c.pkg] : undefined;
}

/** The location of the lock itself (its `package` array) for selection errors the lock causes. */
function lockDetails(lock: Lock, path: Array<string | number>): Record<string, unknown> {
  const loc = lockLocation(lock, path);
  return { file: loc.file, path: loc.path };
}

/**
 * Selects the packages of `lock` like `uv export --frozen`: roots, groups and extras from `project`
 * and `options`, reachability markers propagated along the dependency graph (uv's
 * `ExportableRequirements::from_lock` and `conflict_marker_reachability`), emit filters applied
 * after the graph is built. Throws TSPACK_SELECTION_INVALID for unknown packages, extras and groups,
 * and TSPACK_MARKER_SYNTAX / TSPACK_VERSION_INVALID naming the lock value (file, line, key, package)
 * for a marker or requires-python that cannot be used.
 */
export function selectPackages(
  lock: Lock,
  project: ProjectInfo,
  options: SelectOptions = {},
  context: SelectContext = {},
): Selection {
  const cursor: Cursor = { path: undefined, edge: undefined, pkg: -1 };
  try {
    return select(lock, project, options, context, cursor);
  } catch (e) {
    throw locateLockError(lock, e, cursorSegments(lock, cursor));
  }
}

function select(
  lock: Lock,
  project: ProjectInfo,
  options: SelectOptions,
  context: SelectContext,
  cursor: Cursor,
): Selection {
  /** Points the cursor at a path (`["requires-python"]`). */
  const at = (path: Array<string | number>): void => {
    cursor.path = path;
    cursor.edge = undefined;
  };
  /** Points the cursor at the marker of an edge or requirement. */
  const atEdge = (edge: LockDependency | LockRequirement): void => {
    cursor.path = undefined;
    cursor.edge = edge;
  };
  const cache = context.markerCache ?? new MarkerCache();
  const norm = (s: string): string => normalizeName(s);
  const pkgs = lock.packages;

  // ---- index the lock
  const byName = new Map<string, number[]>();
  for (let i = 0; i < pkgs.length; i++) {
    const name = (pkgs[i] as LockPackage).name;
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [i]);
    else list.push(i);
  }
  const findDep = (d: LockDependency): number => {
    const same = byName.get(d.name) ?? [];
    // One package of that name: every rule below picks it (the common case, without building keys).
    if (same.length === 1) return same[0] as number;
    // The exact id (the last package with it, if the lock repeats one).
    const key = idKey(d.name, d.version, d.source);
    for (let k = same.length - 1; k >= 0; k--) {
      const p = pkgs[same[k] as number] as LockPackage;
      if (idKey(p.name, p.version, p.source) === key) return same[k] as number;
    }
    const match = same.filter((i) => {
      const p = pkgs[i] as LockPackage;
      return (d.version === undefined || p.version === d.version) && sourceKey(p.source) === sourceKey(d.source);
    });
    const only = match.length === 1 ? match[0] : same.length === 1 ? same[0] : undefined;
    if (only === undefined) {
      atEdge(d);
      cursor.path = lockPathOf(lock, d);
      throw new TspackError(
        ERROR_CODES.LOCK_INVALID,
        `The dependency "${d.name}${d.version ? `==${d.version}` : ""}" does not match a package in the lock`,
      );
    }
    return only;
  };
  const lockRoot = pkgs.find(
    (p) =>
      (p.source.kind === "editable" || p.source.kind === "virtual") && (p.source.path === "." || p.source.path === ""),
  );
  const members = new Set(lock.manifest.members.map(norm));

  // ---- install target (export.rs: Project / Projects / Workspace / NonProjectWorkspace)
  const requested = [...new Set((options.packages ?? []).map(norm))];
  const workspaceNames = new Set<string>(members);
  if (lockRoot) workspaceNames.add(lockRoot.name);
  if (project.name !== undefined) workspaceNames.add(norm(project.name));
  for (const name of requested) {
    if (!workspaceNames.has(name)) {
      throw selectionError(`Package \`${name}\` not found in workspace`, undefined, { package: name });
    }
  }
  let kind: TargetKind;
  let roots: string[];
  let projectName: string | undefined;
  if (options.allPackages) {
    if (project.name !== undefined) {
      kind = "workspace";
      roots = members.size > 0 ? [...members] : lockRoot ? [lockRoot.name] : [];
      projectName = members.size === 0 ? lockRoot?.name : undefined;
    } else {
      kind = "non-project";
      roots = [...members];
      projectName = undefined;
    }
  } else if (requested.length === 1) {
    kind = "project";
    roots = [requested[0] as string];
    projectName = roots[0];
  } else if (requested.length > 1) {
    kind = "projects";
    roots = requested;
    projectName = undefined;
  } else if (project.name !== undefined) {
    kind = "project";
    roots = [norm(project.name)];
    projectName = roots[0];
  } else {
    kind = "non-project";
    roots = [...members];
    projectName = undefined;
  }
  roots = [...new Set(roots)].sort();

  const groups = resolveGroupSpec(options, project.defaultGroups, norm);
  const extras = resolveExtraSpec(options, norm);
  const prune = new Set((options.prune ?? []).map(norm));

  // ---- validation (install_target.rs validate_extras / validate_groups)
  const rootPackages = (names: Iterable<string>): LockPackage[] => {
    const set = new Set(names);
    return pkgs.filter((p) => set.has(p.name));
  };
  const projectIsRoot = project.name !== undefined && roots.includes(norm(project.name));
  if (extras.explicit.length > 0) {
    const known = new Set<string>();
    for (const p of rootPackages(roots)) {
      for (const e of p.metadata?.providesExtras ?? []) known.add(norm(e));
      for (const e of Object.keys(p.optionalDependencies)) known.add(e);
    }
    if (projectIsRoot) for (const e of project.optionalDependencies) known.add(norm(e));
    for (const extra of extras.explicit) {
      if (known.has(extra)) continue;
      const message =
        kind === "project"
          ? `Extra \`${extra}\` is not defined in the \`optional-dependencies\` table for \`${roots[0]}\``
          : `Extra \`${extra}\` is not defined in any project's \`optional-dependencies\` table`;
      throw selectionError(message, undefined, { extra, known: [...known].sort() });
    }
  }
  if (groups.explicit.length > 0) {
    const known = new Set<string>();
    const groupOwners = new Set(roots);
    if (kind === "project" && lockRoot) groupOwners.add(lockRoot.name);
    for (const p of rootPackages(groupOwners)) {
      for (const g of Object.keys(p.metadata?.requiresDev ?? {})) known.add(norm(g));
      for (const g of Object.keys(p.devDependencies)) known.add(g);
    }
    if (project.name === undefined) for (const g of Object.keys(lock.manifest.dependencyGroups)) known.add(norm(g));
    if (projectIsRoot || project.name === undefined || (kind === "project" && lockRoot?.name === project.name)) {
      for (const g of project.dependencyGroups) known.add(norm(g));
    }
    for (const group of groups.explicit) {
      if (known.has(group)) continue;
      const message =
        kind === "project"
          ? `Group \`${group}\` is not defined in the project's \`dependency-groups\` table`
          : `Group \`${group}\` is not defined in any project's \`dependency-groups\` table`;
      throw selectionError(message, undefined, { group, known: [...known].sort() });
    }
  }

  // ---- the resolution environment and edge markers
  let env: Node = TRUE;
  if (lock.resolutionMarkers.length > 0) {
    env = FALSE;
    lock.resolutionMarkers.forEach((m, k) => {
      at(["resolution-markers", k]);
      env = or(env, cache.withoutExtras(cache.parse(m)));
    });
    at(["requires-python"]);
    env = cache.simplify(env, lock.requiresPython);
  }
  const edgeMarker = (edge: LockDependency): Node => {
    atEdge(edge);
    return and(cache.parse(edge.marker), env);
  };

  // ---- graph (node 0 = Root)
  const nodePkg: number[] = [-1];
  /** Package index → graph node (0 = none yet). */
  const nodeOf = new Int32Array(pkgs.length);
  const out: Edge[][] = [[]];
  const incoming: number[][] = [[]];
  const nodeFor = (pkg: number): number => {
    let n = nodeOf[pkg] as number;
    if (n === 0) {
      n = nodePkg.length;
      nodePkg.push(pkg);
      out.push([]);
      incoming.push([]);
      nodeOf[pkg] = n;
    }
    return n;
  };
  const addEdge = (
    from: number,
    to: number,
    kind: EdgeKind,
    marker: Node,
    depExtras: readonly string[],
    item: string | undefined,
  ): void => {
    const simple = kind === "prod" && depExtras.length === 0 && to !== from;
    const edge: Edge = { to, kind, marker, item, depExtras, simple };
    (out[from] as Edge[]).push(edge);
    (incoming[edge.to] as number[]).push(from);
  };

  const queue: Array<[pkg: number, extra: string | null]> = [];
  const seenBase = new Uint8Array(pkgs.length);
  const seenExtras = new Map<number, Set<string>>();
  const enqueue = (pkg: number, extra: string | null): void => {
    if (extra === null) {
      if (seenBase[pkg] === 1) return;
      seenBase[pkg] = 1;
    } else {
      let set = seenExtras.get(pkg);
      if (set === undefined) seenExtras.set(pkg, (set = new Set()));
      if (set.has(extra)) return;
      set.add(extra);
    }
    queue.push([pkg, extra]);
  };

  const activated = new Map<string, Node>();
  for (const rootName of roots) {
    if (prune.has(rootName)) continue;
    const candidates = byName.get(rootName) ?? [];
    if (candidates.length > 1) {
      throw selectionError(`Found multiple packages matching \`${rootName}\``, undefined, {
        package: rootName,
        ...lockDetails(lock, ["package", candidates[1] as number]),
      });
    }
    const rootIdx = candidates[0];
    if (rootIdx === undefined) {
      throw selectionError(
        `Could not find root package \`${rootName}\``,
        "The lock does not match the workspace: run `uv lock` and try again.",
        { package: rootName, ...lockDetails(lock, ["package"]) },
      );
    }
    const dist = pkgs[rootIdx] as LockPackage;
    activated.set(encodeProject(dist.name), TRUE);
    if (groups.prod) {
      addEdge(0, nodeFor(rootIdx), "prod", TRUE, [], undefined);
      enqueue(rootIdx, null);
      for (const extra of Object.keys(dist.optionalDependencies).sort()) {
        if (!extras.contains(extra)) continue;
        enqueue(rootIdx, extra);
        activated.set(encodeExtra(dist.name, extra), TRUE);
      }
    }
    for (const group of Object.keys(dist.devDependencies).sort()) {
      if (!includesGroup(kind, roots, project, dist.name, group, groups)) continue;
      activated.set(encodeGroup(dist.name, group), TRUE);
      for (const dep of dist.devDependencies[group] ?? []) {
        if (prune.has(dep.name)) continue;
        const depIdx = findDep(dep);
        addEdge(0, nodeFor(depIdx), "dev", edgeMarker(dep), dep.extra, group);
        enqueue(depIdx, null);
        for (const e of dep.extra) enqueue(depIdx, e);
      }
    }
  }

  // Requirements of the lock manifest (non-project workspace roots, scripts).
  const manifestReqs = [...lock.manifest.requirements];
  for (const group of Object.keys(lock.manifest.dependencyGroups).sort()) {
    if (includesGroup(kind, roots, project, undefined, norm(group), groups)) {
      manifestReqs.push(...(lock.manifest.dependencyGroups[group] ?? []));
    }
  }
  for (const req of manifestReqs) {
    const name = norm(req.name);
    if (prune.has(name)) continue;
    for (const idx of byName.get(name) ?? []) {
      const dist = pkgs[idx] as LockPackage;
      atEdge(req);
      let marker = cache.parse(req.marker);
      if (dist.resolutionMarkers.length > 0) {
        let forks: Node = FALSE;
        dist.resolutionMarkers.forEach((f, k) => {
          at(["package", idx, "resolution-markers", k]);
          forks = or(forks, cache.withoutExtras(cache.parse(f)));
        });
        marker = and(forks, marker);
      }
      if (marker === FALSE) continue;
      at(["requires-python"]);
      marker = cache.simplify(marker, lock.requiresPython);
      const reqExtras = req.extras.map(norm);
      addEdge(0, nodeFor(idx), "prod", marker, reqExtras, undefined);
      enqueue(idx, null);
      for (const e of reqExtras) enqueue(idx, e);
    }
  }

  for (let head = 0; head < queue.length; head++) {
    const [pkgIdx, extra] = queue[head] as [number, string | null];
    const from = nodeOf[pkgIdx] as number;
    const p = pkgs[pkgIdx] as LockPackage;
    const deps = extra === null ? p.dependencies : (p.optionalDependencies[extra] ?? []);
    for (const dep of deps) {
      if (prune.has(dep.name)) continue;
      const depIdx = findDep(dep);
      const kind = extra === null ? "prod" : "optional";
      addEdge(from, nodeFor(depIdx), kind, edgeMarker(dep), dep.extra, extra ?? undefined);
      enqueue(depIdx, null);
      for (const e of dep.extra) enqueue(depIdx, e);
    }
  }

  // uv's `detect_conflicts`: refuse to select two items of one declared conflict set.
  if (lock.conflicts.length > 0) {
    const installed = new Set<string>(roots);
    for (let n = 1; n < nodePkg.length; n++) {
      const name = (pkgs[nodePkg[n] as number] as LockPackage).name;
      if (workspaceNames.has(name)) installed.add(name);
    }
    checkConflicts(lock, installed, groups, extras.contains);
  }

  cursor.path = undefined;
  cursor.edge = undefined;
  const reach = reachability(nodePkg, out, incoming, pkgs, activated, cache, lock.conflicts.length > 0, cursor);

  // ---- collect, filter, order
  const noEmit = new Set((options.noEmitPackages ?? []).map(norm));
  const include = (p: LockPackage): boolean => {
    if (options.noEmitProject && projectName !== undefined && p.name === projectName) return false;
    if (options.noEmitWorkspace) {
      if (projectName !== undefined && p.name === projectName) return false;
      if (members.has(p.name)) return false;
    }
    if (options.noEmitLocal && isLocalSource(p.source)) return false;
    return !noEmit.has(p.name);
  };
  const rootSet = new Set(roots);
  const selected: SelectedPackage[] = [];
  // Lock order: uv writes packages sorted, so the export sort below has little left to do.
  for (let i = 0; i < pkgs.length; i++) {
    const n = nodeOf[i] as number;
    if (n === 0) continue;
    const p = pkgs[i] as LockPackage;
    if (!include(p)) continue;
    const marker = reach[n] ?? TRUE;
    if (marker === FALSE) continue;
    cursor.pkg = i;
    const dependents = new Set<string>();
    for (const from of incoming[n] as number[]) {
      if (from !== 0) dependents.add((pkgs[nodePkg[from] as number] as LockPackage).name);
    }
    selected.push({
      package: p,
      marker: cache.tree(marker),
      markerText: cache.format(marker),
      dependents: [...dependents].sort(),
      root: rootSet.has(p.name),
      member: members.has(p.name) || p === lockRoot,
    });
  }
  selected.sort((a, b) => compareExportOrder(a.package, b.package));
  return { lock, packages: selected, roots, projectName };
}

const EMPTY: ReadonlyMap<string, Node> = new Map();

/** "a", "a and b", "a, b, and c" (uv's `conjunction`). */
function conjunction(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names.slice(0, -1).join(", ")}, and ${names[names.length - 1]}`;
}

function checkConflicts(
  lock: Lock,
  installed: ReadonlySet<string>,
  groups: GroupSpec,
  extraSelected: (extra: string) => boolean,
): void {
  for (const set of lock.conflicts) {
    const hits = set.filter((item) => {
      if (!installed.has(item.package)) return false;
      if (item.extra !== undefined) return extraSelected(item.extra);
      if (item.group !== undefined) return groups.contains(item.group);
      return groups.prod;
    });
    if (hits.length < 2) continue;
    const shown = set
      .map((i) =>
        i.extra !== undefined
          ? `\`${i.package}[${i.extra}]\``
          : i.group !== undefined
            ? `\`${i.package}:${i.group}\``
            : i.package,
      )
      .join(", ");
    const defaulted = (g: string) => (groups.containsBecauseDefault(g) ? " (enabled by default)" : "");
    let message: string;
    if (hits.every((i) => i.extra !== undefined)) {
      message = `Extras ${conjunction(hits.map((i) => `\`${i.extra}\``))} are incompatible with the declared conflicts: {${shown}}`;
    } else if (hits.every((i) => i.group !== undefined)) {
      message = `Groups ${conjunction(hits.map((i) => `\`${i.group}\`${defaulted(i.group as string)}`))} are incompatible with the conflicts: {${shown}}`;
    } else {
      const parts = hits.map((i) =>
        i.extra !== undefined
          ? `extra \`${i.extra}\``
          : i.group !== undefined
            ? `group \`${i.group}\`${defaulted(i.group)}`
            : `package \`${i.package}\``,
      );
      const text = conjunction(parts);
      message = `${text.charAt(0).toUpperCase()}${text.slice(1)} are incompatible with the declared conflicts: {${shown}}`;
    }
    throw selectionError(message, "Select at most one item of each declared conflict set.", {
      conflict: set.map((i) => ({ ...i })),
      ...lockDetails(lock, ["conflicts", lock.conflicts.indexOf(set)]),
    });
  }
}

function isLocalSource(s: LockSource): boolean {
  return s.kind === "path" || s.kind === "directory" || s.kind === "editable" || s.kind === "virtual";
}

/** `InstallTarget::includes_group`, without the workspace-root group inheritance of members. */
function includesGroup(
  kind: TargetKind,
  roots: readonly string[],
  project: ProjectInfo,
  owner: string | undefined,
  group: string,
  groups: GroupSpec,
): boolean {
  if (!groups.contains(group)) return false;
  if (kind !== "project") return true;
  if (owner === roots[0]) return true;
  // Workspace-root groups must be requested explicitly when a member is selected.
  if (groups.containsBecauseDefault(group)) return false;
  const memberDefines =
    project.name !== undefined && normalizeName(project.name) === roots[0]
      ? project.dependencyGroups.some((g) => normalizeName(g) === group)
      : false;
  return !memberDefines;
}

/**
 * uv's `conflict_marker_reachability`: OR over paths of AND along edges, with extras, groups and
 * conflict items resolved from the conditions under which they are activated. Node 0 is the root.
 * Traversal order mirrors uv (a stack; outgoing edges newest first) because the conflict maps are
 * order-sensitive.
 */
function reachability(
  nodePkg: readonly number[],
  out: readonly Edge[][],
  incoming: readonly number[][],
  pkgs: readonly LockPackage[],
  known: ReadonlyMap<string, Node>,
  cache: MarkerCache,
  conflicts: boolean,
  cursor: Cursor,
): Array<Node | undefined> {
  const reach: Array<Node | undefined> = new Array(nodePkg.length);
  const maps: Array<Map<string, Node> | undefined> = new Array(nodePkg.length);
  const nameOf = (n: number): string | undefined => {
    const i = nodePkg[n] as number;
    return i < 0 ? undefined : (pkgs[i] as LockPackage).name;
  };
  const stack: number[] = [];
  for (let n = 0; n < nodePkg.length; n++) {
    if ((incoming[n] as number[]).length === 0) {
      stack.push(n);
      reach[n] = TRUE;
    }
  }
  const resolve = (m: Node, scope: string | undefined, lookup: (key: string) => Node | undefined): Node => {
    if (m === TRUE || m === FALSE) return m;
    return cache.substituteExtras(m, (name) => {
      const direct = lookup(name);
      if (direct !== undefined) return direct;
      return scope === undefined ? undefined : lookup(encodeExtra(scope, name));
    });
  };

  /** Adds a path marker to a node's reachability; re-queues the node when it grew. */
  const update = (node: number, marker: Node): void => {
    const existing = reach[node];
    if (existing === undefined) {
      reach[node] = marker;
      stack.push(node);
      return;
    }
    const combined = or(marker, existing);
    if (combined !== existing) {
      reach[node] = combined;
      stack.push(node);
    }
  };

  while (stack.length > 0) {
    const parent = stack.pop() as number;
    cursor.pkg = nodePkg[parent] as number;
    const scope = nameOf(parent);
    // Root falls back to the activated items (uv's `unwrap_or(known_conflicts)`); without conflicts a
    // package node without a map has no own extras.
    const parentKnown: ReadonlyMap<string, Node> = maps[parent] ?? (parent === 0 || conflicts ? known : EMPTY);
    const lookupKnown = (k: string): Node | undefined => parentKnown.get(k);
    const own = reach[parent] ?? TRUE;
    const resolved = own === TRUE || own === FALSE ? own : resolve(own, scope, lookupKnown);
    reach[parent] = resolved;
    const edges = out[parent] as Edge[];
    for (let e = edges.length - 1; e >= 0; e--) {
      const edge = edges[e] as Edge;
      let parentMarker = resolved;
      if (!conflicts && edge.simple && parent !== 0) {
        // The common edge: nothing flows into the child's map, only the marker propagates
        // (`update` inlined: this loop runs for every edge, often before the JIT has warmed up).
        const m = edge.marker;
        const marker = m === TRUE ? parentMarker : and(parentMarker, m === FALSE ? m : resolve(m, scope, lookupKnown));
        const to = edge.to;
        const existing = reach[to];
        if (existing === undefined) {
          reach[to] = marker;
          stack.push(to);
        } else if (marker !== existing && existing !== TRUE && marker !== FALSE) {
          const combined = or(marker, existing);
          if (combined !== existing) {
            reach[to] = combined;
            stack.push(to);
          }
        }
        continue;
      }
      const childName = nameOf(edge.to);
      // The edge's additions to the parent's map (uv clones the map; only the additions differ).
      const local = new Map<string, Node>();
      if (childName !== undefined) {
        for (const x of edge.depExtras) local.set(encodeExtra(childName, x), parentMarker);
      }
      const lookup = (k: string): Node | undefined => local.get(k) ?? parentKnown.get(k);
      let marker: Node;
      if (edge.kind === "optional") {
        let active = parentMarker;
        if (scope !== undefined && edge.item !== undefined) {
          const key = encodeExtra(scope, edge.item);
          const existing = lookup(key);
          if (existing === undefined) local.set(key, parentMarker);
          else active = existing;
        }
        marker = and(resolve(edge.marker, scope, lookup), active);
      } else {
        if (edge.kind === "dev" && scope !== undefined && edge.item !== undefined) {
          local.set(encodeGroup(scope, edge.item), parentMarker);
        }
        marker = resolve(edge.marker, scope, lookup);
      }
      parentMarker = and(parentMarker, marker);

      // The map that flows into the child. Without declared conflicts no marker names an encoded
      // conflict item, so the only entries ever read are a node's own extras (scope lookups and
      // optional edges): keeping just those gives the same result as uv's full bookkeeping.
      let flow: Map<string, Node>;
      if (conflicts) {
        flow = new Map(parentKnown);
        for (const [k, v] of local) flow.set(k, v);
      } else {
        flow = new Map();
        const prefix = childName === undefined ? undefined : `extra-${childName.length}-${childName}-`;
        if (prefix !== undefined) {
          if (parent === 0 || parent === edge.to)
            for (const [k, v] of parentKnown) if (k.startsWith(prefix)) flow.set(k, v);
          for (const [k, v] of local) if (k.startsWith(prefix)) flow.set(k, v);
        }
      }
      if (marker !== TRUE) for (const [k, v] of flow) flow.set(k, and(v, marker));
      const parentMap = flow;

      const childMap = maps[edge.to];
      if (childMap === undefined) {
        if (conflicts || parentMap.size > 0) maps[edge.to] = parentMap;
      } else for (const [k, v] of parentMap) childMap.set(k, or(childMap.get(k) ?? FALSE, v));
      update(edge.to, parentMarker);
    }
  }
  return reach;
}
