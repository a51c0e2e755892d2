/**
 * The domain model of a uv.lock, after validation. Raw TOML never leaves this package: the parser
 * reads TOML into a wire shape, validates it (dotted-path errors) and converts it into these types.
 *
 * Field names follow uv's (spec: uv-behaviour.md §1). Names, extras and groups are normalized
 * (PEP 503: lowercase, runs of [-_.] → "-"). Paths are workspace-relative with "/" separators; the
 * workspace root is "." as uv writes it.
 */

/** A hash as written in the lock: `"<algorithm>:<hex>"`. */
export interface LockHash {
  algorithm: "md5" | "sha256" | "sha384" | "sha512" | "blake2b";
  /** Lowercase hex digest. */
  digest: string;
}

/** Where a package comes from. `kind` follows uv's Source enum order (the sort order). */
export type LockSource =
  | {
      kind: "registry";
      /** Index URL, or a path for a local (find-links style) index. */
      url: string;
      /** True when `url` is a filesystem path (no URL scheme), relative to the workspace root. */
      local?: boolean;
    }
  | {
      kind: "git";
      /** The lock's URL string as written (query + `#<commit>` fragment). */
      raw: string;
      /** Repository URL without query and fragment. */
      repository: string;
      /** Full commit SHA from the fragment. */
      commit: string;
      subdirectory?: string;
      /** Archive path inside the repository (`path=` query). */
      path?: string;
      lfs?: boolean;
      reference?: { kind: "branch" | "tag" | "rev"; value: string };
    }
  | { kind: "url"; url: string; subdirectory?: string }
  | { kind: "path"; path: string }
  | { kind: "directory"; path: string }
  | { kind: "editable"; path: string }
  | { kind: "virtual"; path: string };

export type LockSourceKind = LockSource["kind"];

/** A file reference for an sdist or wheel. Exactly one of url/path/filename locates it. */
export interface LockFile {
  /** Remote URL (registry or direct). */
  url?: string;
  /** Path relative to a local index (registry path sources). */
  path?: string;
  /** File name only (path/git-archive wheels; the location is the package source). */
  filename?: string;
  hash?: LockHash;
  size?: number;
  /** RFC 3339 string, as written. */
  uploadTime?: string;
  zstd?: { hash?: LockHash; size?: number };
}

/** A wheel entry; `filename` is always filled in (from url/path/filename). */
export interface LockWheel extends LockFile {
  filename: string;
}

/** A dependency edge. `marker` is the marker string as written (absent = always). */
export interface LockDependency {
  name: string;
  /** Resolved from the unique package with this name when absent in the file. */
  version?: string;
  /** Resolved from the unique package with this name when absent in the file. */
  source: LockSource;
  /** Sorted, normalized extras of the target to activate. */
  extra: string[];
  /** Marker string as written in the lock (uv's canonical form), or undefined for none. */
  marker?: string;
}

/** A requirement as recorded in `[package.metadata]` or `[manifest]`. */
export interface LockRequirement {
  name: string;
  extras: string[];
  groups: string[];
  marker?: string;
  specifier?: string;
  index?: string;
  git?: string;
  url?: string;
  subdirectory?: string;
  path?: string;
  directory?: string;
  editable?: string | boolean;
  virtual?: string | boolean;
}

export interface LockPackage {
  name: string;
  /** Absent for source trees with a dynamic version. */
  version?: string;
  source: LockSource;
  resolutionMarkers: string[];
  dependencies: LockDependency[];
  /** Extra name → edges (sorted by extra name). */
  optionalDependencies: Record<string, LockDependency[]>;
  /** Group name → edges (`dev-dependencies`, alias `dependency-groups`). */
  devDependencies: Record<string, LockDependency[]>;
  sdist?: LockFile;
  wheels: LockWheel[];
  metadata?: {
    requiresDist: LockRequirement[];
    providesExtras?: string[];
    requiresDev: Record<string, LockRequirement[]>;
  };
}

export interface LockManifest {
  members: string[];
  requirements: LockRequirement[];
  constraints: LockRequirement[];
  overrides: LockRequirement[];
  excludes: string[];
  buildConstraints: LockRequirement[];
  dependencyGroups: Record<string, LockRequirement[]>;
  dependencyMetadata: Array<Record<string, unknown>>;
}

/** A conflict item: `{ package, extra }`, `{ package, group }` or `{ package }`. */
export interface LockConflictItem {
  package: string;
  extra?: string;
  group?: string;
}

export interface Lock {
  version: number;
  /** 0 when absent. */
  revision: number;
  requiresPython?: string;
  resolutionMarkers: string[];
  supportedMarkers: string[];
  requiredMarkers: string[];
  conflicts: LockConflictItem[][];
  options: Record<string, unknown>;
  manifest: LockManifest;
  /** In file order (uv writes them sorted by name, version, source). */
  packages: LockPackage[];
}

/** Non-fatal findings while reading a lock (e.g. a newer revision). */
export interface LockWarning {
  code: "newer-revision" | "unknown-key";
  message: string;
}

export interface ParseUvLockResult {
  lock: Lock;
  warnings: LockWarning[];
}
