import { formatPath, type SourceLocation, tomlPosition, withLocation } from "@tspack/errors";
import type { Lock, LockDependency, LockPackage, LockRequirement } from "./types.js";

/** The file name and text each parsed lock came from (for errors raised after parsing). */
const sources = new WeakMap<Lock, { file: string; text: string }>();

/** Remembers where `lock` was parsed from. */
export function rememberSource(lock: Lock, file: string, text: string): void {
  sources.set(lock, { file, text });
}

/** The file and text `lock` was parsed from, when it was parsed by {@link parseUvLock}. */
export function lockSource(lock: Lock): { file: string; text: string } | undefined {
  return sources.get(lock);
}

/** `{ name, version }` of a wire `[[package]]` table (raw strings as written), if it has a name. */
function wirePackage(value: unknown): SourceLocation["package"] {
  if (typeof value !== "object" || value === null) return undefined;
  const t = value as Record<string, unknown>;
  if (typeof t.name !== "string") return undefined;
  return typeof t.version === "string" ? { name: t.name, version: t.version } : { name: t.name };
}

/**
 * The location of `segments` (`["package", 3, "dependencies", 1, "marker"]`) in a lock text: its line
 * and column when the text has them (or the nearest enclosing table's), and the package the path is in,
 * from `packages` (the wire `package` array or the parsed packages).
 */
export function locate(
  file: string,
  text: string | undefined,
  segments: ReadonlyArray<string | number>,
  packages: readonly unknown[] | undefined,
): SourceLocation {
  const loc: SourceLocation = { file, path: formatPath(segments) };
  if (text !== undefined && segments.length > 0) {
    const pos = tomlPosition(text, segments);
    if (pos !== undefined) {
      loc.line = pos.line;
      loc.column = pos.column;
    }
  }
  if (segments[0] === "package" && typeof segments[1] === "number") {
    const p = wirePackage(packages?.[segments[1]]);
    if (p !== undefined) loc.package = p;
  }
  return loc;
}

/** The 1-based line of each `[[package]]` header (and of the end of its tables), with the package's name and version. */
function packageHeaders(text: string): Array<{ line: number; end: number; package: SourceLocation["package"] }> {
  const out: Array<{ line: number; end: number; package: SourceLocation["package"] }> = [];
  const lines = text.split(/\r?\n/);
  let current: { line: number; end: number; package: SourceLocation["package"] } | undefined;
  let capturing = false;
  let name: string | undefined;
  let version: string | undefined;
  const close = (end: number) => {
    if (current === undefined) return;
    current.end = end;
    if (name !== undefined) current.package = version === undefined ? { name } : { name, version };
    out.push(current);
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (/^\s*\[\[\s*package\s*\]\]/.test(l)) {
      close(i);
      current = { line: i + 1, end: lines.length, package: undefined };
      capturing = true;
      name = undefined;
      version = undefined;
    } else if (/^\s*\[/.test(l)) {
      // `[package.metadata]`, `[[package.wheels]]`: still the same package, past its own keys.
      if (/^\s*\[\[?\s*package\s*\./.test(l)) capturing = false;
      else close(i);
    } else if (current !== undefined && capturing) {
      const m = /^\s*(name|version)\s*=\s*"([^"\\]*)"/.exec(l);
      if (m?.[1] === "name" && name === undefined) name = m[2];
      else if (m?.[1] === "version" && version === undefined) version = m[2];
    }
  }
  close(lines.length);
  return out;
}

/**
 * The `[[package]]` a line of a lock text is in (for TOML syntax errors, found before there is any
 * data): its index (`package[3]`) and its name and version as written, or undefined outside packages.
 */
export function packageAtLine(
  text: string,
  line: number,
): { index: number; package: SourceLocation["package"] } | undefined {
  const headers = packageHeaders(text);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as { line: number; end: number; package: SourceLocation["package"] };
    if (h.line <= line && line <= h.end) return { index: i, package: h.package };
  }
  return undefined;
}

/**
 * Where a value of a parsed lock is: the dotted path of `segments` in the file `lock` was parsed from
 * (line and column when known), and the package. For errors raised after parsing (markers are
 * evaluated when packages are selected).
 */
export function lockLocation(lock: Lock, segments: ReadonlyArray<string | number>): SourceLocation {
  const source = sources.get(lock);
  const packages = lock.packages.map((p) =>
    p.version === undefined ? { name: p.name } : { name: p.name, version: p.version },
  );
  return locate(source?.file ?? "uv.lock", source?.text, segments, packages);
}

/**
 * The path of a value of `lock` found by identity: a package, a dependency edge or a requirement
 * (`["package", 3, "optional-dependencies", "fast", 0]`), or undefined when it is not part of the lock.
 */
export function lockPathOf(
  lock: Lock,
  value: LockPackage | LockDependency | LockRequirement,
): Array<string | number> | undefined {
  const text = sources.get(lock)?.text;
  const devKey =
    text !== undefined && !/^\s*\[package\.dev-dependencies\]/m.test(text) && /dependency-groups/.test(text)
      ? "dependency-groups"
      : "dev-dependencies";
  const inList = (list: readonly unknown[], prefix: Array<string | number>) => {
    const i = list.indexOf(value);
    return i < 0 ? undefined : [...prefix, i];
  };
  for (let i = 0; i < lock.packages.length; i++) {
    const p = lock.packages[i] as LockPackage;
    if (p === value) return ["package", i];
    const found =
      inList(p.dependencies, ["package", i, "dependencies"]) ??
      groupsPath(p.optionalDependencies, ["package", i, "optional-dependencies"], inList) ??
      groupsPath(p.devDependencies, ["package", i, devKey], inList) ??
      (p.metadata === undefined
        ? undefined
        : (inList(p.metadata.requiresDist, ["package", i, "metadata", "requires-dist"]) ??
          groupsPath(p.metadata.requiresDev, ["package", i, "metadata", "requires-dev"], inList)));
    if (found !== undefined) return found;
  }
  const m = lock.manifest;
  return (
    inList(m.requirements, ["manifest", "requirements"]) ??
    inList(m.constraints, ["manifest", "constraints"]) ??
    inList(m.overrides, ["manifest", "overrides"]) ??
    inList(m.buildConstraints, ["manifest", "build-constraints"]) ??
    groupsPath(m.dependencyGroups, ["manifest", "dependency-groups"], inList)
  );
}

function groupsPath(
  groups: Readonly<Record<string, readonly unknown[]>>,
  prefix: Array<string | number>,
  inList: (list: readonly unknown[], prefix: Array<string | number>) => Array<string | number> | undefined,
): Array<string | number> | undefined {
  for (const [name, list] of Object.entries(groups)) {
    const found = inList(list, [...prefix, name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `e`, an error raised while using a value of `lock` at `segments` (parsing a marker, a requires-python),
 * with the value's location: file, line and column, dotted path and package. Errors that already have a
 * location, and errors that are not TspackErrors, are returned unchanged. The one way errors about lock
 * values raised after parsing get their location.
 */
export function locateLockError(lock: Lock, e: unknown, segments: ReadonlyArray<string | number> | undefined): unknown {
  if (segments === undefined) return e;
  return withLocation(e, lockLocation(lock, segments), sources.get(lock)?.text);
}

/** Runs `f`, a use of the value of `lock` at `segments`, and re-raises its errors with {@link locateLockError}. */
export function atLockValue<T>(lock: Lock, segments: () => ReadonlyArray<string | number> | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw locateLockError(lock, e, segments());
  }
}
