import { realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { makeDirsSync, stagingFor } from "@tspack/cache";
import { classifyError, ERROR_CODES, isTspackError, TspackError } from "@tspack/errors";
import {
  defaultInterpreterPath,
  type InstallConflict,
  type InstallLayout,
  type MergedInstallPlan,
  mergeInstallPlans,
  schemePaths,
  type WheelInstallPlan,
} from "@tspack/wheel";
import { type CompileBytecodeOptions, compileTree, installCompiler } from "./compile-bytecode.js";
import { checkRecords } from "./install/check-records.js";
import { abortError, InstallRun, installPaths } from "./install/context.js";
import { planInstall } from "./install/plan-wheels.js";
import { writeTree } from "./install/write-tree.js";
import { type LinkMode, parseLinkMode } from "./link-mode.js";
import {
  checkInstallDest,
  type PublishMode,
  publishTree,
  type RemovedDistribution,
  uninstallDistributions,
} from "./publish-tree.js";
import type { StoredEntry } from "./unpacked-cache.js";

/** One wheel to install: a verified file in the download cache. */
export interface InstallWheelInput {
  /** Path of the `.whl` file. */
  path: string;
  /** Lowercase hex sha256 of the file (checked when the file is read; keys the unpacked cache). */
  sha256: string;
  /** The wheel's filename (`name-version-py-abi-plat.whl`). */
  filename: string;
  /** Expected distribution name (checked against METADATA when given). */
  name?: string;
  /** Expected version (informational). */
  version?: string;
}

/** Progress and warnings, in order. `warning` events are also collected in {@link InstallResult.warnings}. */
export type InstallEvent =
  | { type: "wheel"; name: string; version: string; filename: string; cached: boolean }
  | { type: "link-fallback"; from: LinkMode; to: LinkMode; reason: string }
  | { type: "uninstall"; distInfo: string; files: number }
  | { type: "warning"; message: string }
  | { type: "bytecode"; compiled: number; fromMemo: number; skipped: number };

/** Options of {@link installWheels}. */
export interface InstallOptions {
  /** The `--target` or `--prefix` directory (created if missing). */
  dest: string;
  layout: "target" | "prefix";
  /** The target interpreter's [major, minor] (e.g. `[3, 13]`). */
  python: readonly [number, number];
  /**
   * How files leave the unpacked cache (only used with `cacheDir`): `clone` (default, like uv on
   * Linux and macOS) makes reflinks where the file system supports them, else copies; `copy` always
   * copies; `hardlink` shares the cache's inodes (fastest, but editing an installed file then changes
   * the cache and every later install; `tspack cache verify` reports such files). Unlike uv, a
   * failed clone falls back to a copy, never to a hard link. `symlink` is refused (TSPACK_USAGE).
   */
  linkMode?: LinkMode;
  /** Replace the whole target (default: merge into it like uv). */
  clean?: boolean;
  /** Write INSTALLER and REQUESTED (default true, like uv). */
  installerMetadata?: boolean;
  /** Interpreter for launchers and `#!python` scripts (default `/var/lang/bin/pythonX.Y`), or a full `#!` line. */
  shebang?: string;
  /** Content of INSTALLER (default `tspack`). */
  installer?: string;
  /** Cache root: wheels are unpacked once into `<cacheDir>/unpacked-v2/ab/<sha256>/` and linked from there. */
  cacheDir?: string;
  /**
   * Inflate and write (cold wheels) or link (warm wheels) in a worker thread as well as the main
   * thread: `true` always (and the main thread waits for the worker to start: for tests), `false`
   * never; default: when there is enough work (1,000 files or 24 MiB to extract; 4,000 files to link).
   * The installed tree is the same.
   */
  parallel?: boolean;
  /**
   * Compile hash-based `.pyc` files (checked-hash by default) for the target's X.Y: with tspack's Pyodide,
   * or a host interpreter of that X.Y (`python`).
   */
  compileBytecode?: CompileBytecodeOptions;
  signal?: AbortSignal;
  onEvent?: (event: InstallEvent) => void;
}

/** Per-package numbers of an install. */
export interface InstalledPackage {
  name: string;
  version: string;
  filename: string;
  /** Files the package's plan writes (before conflicts are resolved). */
  files: number;
  /** Uncompressed bytes of those files. */
  unzippedBytes: number;
  /** True when the wheel came from the unpacked cache (no inflating). */
  cached: boolean;
}

/** What {@link installWheels} did. */
export interface InstallResult {
  dest: string;
  layout: "target" | "prefix";
  /**
   * How files got there: the link mode in effect (from the unpacked cache: `clone` when reflinks
   * worked, `copy` when the default clone fell back, `hardlink` when asked for) or `extract` (inflated
   * from the wheels).
   */
  linkMode: LinkMode | "extract";
  /** How the staged tree was put in place. */
  publish: PublishMode;
  /** Files written (after conflicts) and their total size. */
  files: number;
  bytes: number;
  packages: InstalledPackage[];
  conflicts: InstallConflict[];
  /** Older installs of the same packages removed from the target (merge mode). */
  removed: RemovedDistribution[];
  warnings: string[];
  bytecode?: { pycs: number; compiled: number; fromMemo: number; skipped: { path: string; reason: string }[] };
}

/** Checks the options and gives the install layout and the requested link mode. */
function installLayout(options: InstallOptions): { layout: InstallLayout; linkMode: LinkMode } {
  const python = options.python;
  if (
    python.length !== 2 ||
    !python.every((n) => Number.isInteger(n) && n >= 0) ||
    (options.layout !== "target" && options.layout !== "prefix")
  ) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The install options are invalid: layout "${options.layout}", python ${JSON.stringify(python)}`,
    );
  }
  const layout: InstallLayout = {
    kind: options.layout,
    python: [python[0]!, python[1]!],
    installerMetadata: options.installerMetadata ?? true,
    shebang: options.shebang ?? defaultInterpreterPath(python),
    ...(options.installer === undefined ? {} : { installer: options.installer }),
  };
  const linkMode = options.linkMode === undefined ? "clone" : parseLinkMode(options.linkMode, "the linkMode option");
  return { layout, linkMode };
}

/**
 * The target folder (created with its parents, its real path) after the ownership guard (a file is
 * refused; with clean, a folder with files no RECORD lists), and the staging folder beside it (one
 * rename publishes it), or inside it when it is a mount point; dead runs' leftovers go.
 */
function prepareTarget(options: InstallOptions): { userDest: string; dest: string; staging: string; inPlace: boolean } {
  const userDest = resolve(options.dest);
  let dest = userDest;
  try {
    makeDirsSync(dirname(dest));
  } catch (e) {
    throw classifyError(e, { paths: installPaths(options, userDest, []) });
  }
  try {
    dest = realpathSync(dest);
  } catch {
    // does not exist yet
  }
  checkInstallDest(dest, options.layout, options.clean === true);
  const { path: staging, inPlace } = stagingFor(dest, "staging");
  return { userDest, dest, staging, inPlace };
}

/** Step 2: merges the plans (a deterministic winner on conflicts); warns about real conflicts. */
function mergePlans(run: InstallRun, plans: WheelInstallPlan<StoredEntry>[]): MergedInstallPlan<StoredEntry> {
  const merged = mergeInstallPlans(plans);
  for (const c of merged.conflicts) {
    if (!c.identical) {
      run.emit({
        type: "warning",
        message: `"${c.path}" is installed by both ${c.loser} and ${c.winner} with different content; ${c.winner} wins (the package that sorts last)`,
      });
    }
  }
  return merged;
}

/**
 * Step 4: bytecode, in the staging tree: a pyc beside every module of the install's lib folder (not bin/
 * or include/), each naming the file where it will be (the real destination), as compileall's -d does.
 */
async function compileStaged(
  run: InstallRun,
  layout: InstallLayout,
  dest: string,
  bytecode: ReturnType<typeof installCompiler> | undefined,
): Promise<InstallResult["bytecode"]> {
  const { options, staging } = run;
  if (!options.compileBytecode || !bytecode) return undefined;
  const lib = schemePaths(layout).purelib;
  const libAbs = lib === "" ? staging : join(staging, lib);
  const skipTop = new Set(lib === "" ? ["bin", "include"] : []);
  const finalLib = lib === "" ? dest : join(dest, lib);
  const r = await compileTree(
    libAbs,
    `${finalLib}/`,
    layout.python[1],
    bytecode.compiler,
    options.compileBytecode,
    skipTop,
  );
  if (r.skipped.length > 0)
    run.emit({
      type: "warning",
      message: `Some files could not be byte-compiled (they ship as source only):\n${r.skipped.map((f) => `  ${f.path}: ${f.reason}`).join("\n")}`,
    });
  run.emit({ type: "bytecode", compiled: r.compiled, fromMemo: r.fromMemo, skipped: r.skipped.length });
  return { pycs: r.pycs.length, compiled: r.compiled, fromMemo: r.fromMemo, skipped: r.skipped };
}

/** Step 5: publishes the staged tree into the target (older installs of the same packages removed first). */
function publishStaged(
  run: InstallRun,
  layout: InstallLayout,
  target: { dest: string; inPlace: boolean },
  plans: WheelInstallPlan<StoredEntry>[],
): { publish: PublishMode; removed: RemovedDistribution[] } {
  const { dest, inPlace } = target;
  let removed: RemovedDistribution[] = [];
  const libDir = join(dest, schemePaths(layout).purelib);
  const publish = publishTree(run.staging, dest, {
    layout: run.options.layout,
    clean: run.options.clean === true,
    inPlace,
    beforeMerge: () => {
      removed = uninstallDistributions(dest, libDir, new Set(plans.map((p) => p.normalizedName)));
      for (const r of removed) run.emit({ type: "uninstall", ...r });
    },
  });
  return { publish, removed };
}

/**
 * Installs wheels into a `--target`/`--prefix` directory like `uv pip install --no-deps`, with
 * tspack's stricter validation and deterministic results. Everything is written into a staging
 * directory next to `dest` and moved into place only when complete: a failed install leaves `dest`
 * as it was. With `cacheDir`, a wheel missing from the unpacked cache is extracted into the cache as
 * soon as it is planned (while the next wheels are planned) and its files are then linked into the
 * staging tree like a cached wheel's (each file is written once; conflicts between wheels only
 * decide which cache file is linked).
 */
export async function installWheels(
  wheels: ReadonlyArray<InstallWheelInput>,
  options: InstallOptions,
): Promise<InstallResult> {
  const { layout, linkMode } = installLayout(options);
  // The compiler is created (and a host interpreter checked) before anything is written; Pyodide itself
  // starts only when a file needs compiling.
  const bytecode = options.compileBytecode ? installCompiler(options.compileBytecode, layout.python[1]) : undefined;
  if (bytecode) await bytecode.compiler.identity();
  const target = prepareTarget(options);
  const run = new InstallRun(options, target.staging, linkMode);
  try {
    const planned = await planInstall(run, wheels, layout); // 1. plans (and the unpacked cache)
    const merged = mergePlans(run, planned.plans); // 2. merge
    const tree = await writeTree(run, merged, planned); // 3. the staged tree
    await checkRecords(run, planned.checks, tree.coldDigests); // … every wheel against its RECORD
    const pycs = await compileStaged(run, layout, target.dest, bytecode); // 4. bytecode
    const { publish, removed } = publishStaged(run, layout, target, planned.plans); // 5. publish
    return {
      dest: target.dest,
      layout: options.layout,
      linkMode: tree.usedLinks ? run.linker.mode : "extract",
      publish,
      files: merged.ops.length,
      bytes: tree.bytes,
      packages: planned.packages,
      conflicts: merged.conflicts,
      removed,
      warnings: run.warnings,
      ...(pycs === undefined ? {} : { bytecode: pycs }),
    };
  } catch (e) {
    await run.abandon();
    const { signal } = options;
    if (signal?.aborted && !isTspackError(e, ERROR_CODES.ABORTED)) throw abortError(signal);
    // A full disk, a read-only mount, permissions… → TSPACK_IO naming the user's folder, not the staging one.
    throw classifyError(e, { paths: installPaths(options, target.userDest, [target.dest, target.staging]) });
  } finally {
    if (bytecode?.own) await bytecode.compiler.close();
  }
}
