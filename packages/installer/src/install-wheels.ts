import { mkdirSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { cacheUserPath, makeDirsSync, readCheckedMarker, stagingFor, writeCheckedMarker } from "@tspack/cache";
import { classifyError, ERROR_CODES, errorAtPath, isTspackError, TspackError, type UserPath } from "@tspack/errors";
import {
  checkRecordDigests,
  defaultInterpreterPath,
  entryFileMode,
  type InstallConflict,
  type InstallLayout,
  mergeInstallPlans,
  normalizeEntryName,
  normalizeName,
  planOwner,
  planWheelInstall,
  schemePaths,
  validateWheelEntries,
  type WheelInstallPlan,
} from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import {
  checkWheelEntry,
  inflateWheelEntry,
  openWheelArchive,
  type WheelArchive,
  wheelArchiveFromBytes,
  wheelEntryHead,
} from "./archive.js";
import { type CacheFill, CacheFiller } from "./cache-filler.js";
import { type CompileBytecodeOptions, checkInterpreter, compileBytecode } from "./compile-bytecode.js";
import { Linker, type LinkFallback, type LinkMode, parseLinkMode } from "./link-mode.js";
import { type ExtractJob, type LinkJob, ParallelExtract } from "./parallel-extract.js";
import { acquireWorker, type PoolWorker, releaseWorker } from "./pool/pool.js";
import {
  checkInstallDest,
  type PublishMode,
  publishTree,
  type RemovedDistribution,
  uninstallDistributions,
} from "./publish-tree.js";
import { TreeWriter } from "./tree-writer.js";
import {
  hashUnpackedFile,
  readUnpacked,
  readUnpackedFile,
  readUnpackedHead,
  type StoredEntry,
  type UnpackedWheel,
  unpackedPath,
} from "./unpacked-cache.js";
import { WheelPrefetch } from "./wheel-prefetch.js";
import { recordHash } from "./wheel-reader.js";

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
  | { type: "bytecode"; roots: number; status: number };

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
  /** Compile `.pyc` (unchecked-hash) with this interpreter, which must be the target's X.Y. */
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
  bytecode?: { roots: number; status: number };
}

/** node:crypto (SHA-NI) instead of the plan's pure SHA-256: 3× faster on launchers, 25× on large scripts. */
const hash = recordHash;

/** A wheel installed from the unpacked cache: its RECORD check is remembered (or done on its cached files). */
interface UnpackedCheck {
  wheel: InstallWheelInput;
  kind: "unpacked";
  unpacked: UnpackedWheel;
  read: (e: StoredEntry) => Uint8Array;
  /** The sha256 of a cached file, read in pieces (a file may be larger than memory allows). */
  digest: (e: StoredEntry) => string;
}

/** A wheel inflated by this install: the sha256 of its files as the plan, the cache fill or the extraction inflated them. */
interface ArchiveCheck {
  wheel: InstallWheelInput;
  kind: "archive";
  archive: WheelArchive;
  /** Files the plan read. */
  digests: Map<ZipEntry, string>;
  owner: string;
  /** The fill of the unpacked cache (every file, job `k` = `files[k]`). */
  fill?: { run: ParallelExtract; files: ReadonlyArray<{ entry: ZipEntry }> };
}

type RecordCheck = UnpackedCheck | ArchiveCheck;

/**
 * The RECORD warnings of one wheel (checkRecordDigests), remembered in the cache's checked marker once
 * every file was compared: a wheel that filled the unpacked cache, or one linked from it (whose cached
 * files are read and hashed once, when no marker says it was checked). A wheel extracted without the
 * cache is compared for the files this install inflated.
 */
async function recordCheck(
  check: RecordCheck,
  coldDigests: ReadonlyMap<string, ReadonlyMap<ZipEntry, string>>,
  cacheDir: string | undefined,
): Promise<string[]> {
  const { wheel } = check;
  if (check.kind === "unpacked") {
    const known = cacheDir === undefined ? undefined : readCheckedMarker(cacheDir, wheel.sha256);
    if (known !== undefined) return known;
    const warnings = checkRecordDigests(
      { filename: wheel.filename, entries: check.unpacked.entries, read: check.read },
      check.digest,
    );
    if (cacheDir !== undefined) await writeCheckedMarker(cacheDir, wheel.sha256, warnings);
    return warnings;
  }
  const filled = new Map<ZipEntry, string>();
  check.fill?.files.forEach(({ entry }, k) => {
    const d = check.fill!.run.digestOf(k);
    if (d !== undefined) filled.set(entry, d);
  });
  const extracted = coldDigests.get(check.owner);
  const warnings = checkRecordDigests(
    { filename: wheel.filename, entries: check.archive.entries, read: (e) => inflateWheelEntry(check.archive, e) },
    (e) => filled.get(e) ?? check.digests.get(e) ?? extracted?.get(e),
  );
  if (cacheDir !== undefined && check.fill !== undefined) await writeCheckedMarker(cacheDir, wheel.sha256, warnings);
  return warnings;
}

/**
 * Below these sizes a worker thread costs more than it saves (it boots in ~50 ms and the extraction
 * itself takes about as long): measured with bench/install.bench.mjs (see docs/benchmarks.md). The
 * worker starts before planning when the cold wheels' compressed size × 2 reaches the byte limit.
 */
const PARALLEL_MIN_FILES = 1000;
const PARALLEL_MIN_BYTES = 24 * 1024 * 1024;

/**
 * Warm installs only link (~30 µs per file on one core; two threads save about a quarter): the
 * worker pays off from about 2,500 files (bench/install.bench.mjs with --files 1000/2500/8000).
 */
const PARALLEL_MIN_LINKS = 4000;

/**
 * Warm installs that copy (the default where reflinks are unsupported) or clone cost 3–5× a hard
 * link per file (7 system calls and the bytes instead of one `link`): at 1,000 files two threads
 * were already faster than one (bench/install.bench.mjs' wheels, see docs/benchmarks.md).
 */
const PARALLEL_MIN_COPIES = 1000;

/** Warm files from which the worker takes a share of the links or copies. */
const minWarmFiles = (mode: LinkMode): number => (mode === "hardlink" ? PARALLEL_MIN_LINKS : PARALLEL_MIN_COPIES);

function wantWorker(parallel: boolean | undefined, files: number, bytes: number): boolean {
  if (parallel !== undefined) return parallel;
  return files >= PARALLEL_MIN_FILES || bytes >= PARALLEL_MIN_BYTES;
}

function jobBytes(jobs: ReadonlyArray<ExtractJob>): number {
  let n = 0;
  for (const j of jobs) n += j.entry.uncompressedSize;
  return n;
}

type Source = { kind: "archive"; archive: WheelArchive } | { kind: "unpacked"; unpacked: UnpackedWheel };

function abortError(signal: AbortSignal): TspackError {
  return new TspackError(ERROR_CODES.ABORTED, "The install was aborted", { cause: signal.reason });
}

/**
 * The user's paths of an install, for error messages: the target folder (its staging folder and real
 * path report as it), then the cache.
 */
function installPaths(options: InstallOptions, userDest: string, internal: string[]): UserPath[] {
  const target = options.layout === "prefix" ? "prefix" : "target";
  return [
    { path: userDest, what: `the ${target} folder`, option: `--${target}`, internal },
    ...(options.cacheDir === undefined ? [] : [cacheUserPath(resolve(options.cacheDir))]),
  ];
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
  const { signal } = options;
  const warnings: string[] = [];
  const emit = (e: InstallEvent) => {
    if (e.type === "warning") warnings.push(e.message);
    options.onEvent?.(e);
  };
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
  if (options.compileBytecode) checkInterpreter(options.compileBytecode.python, layout.python);
  const requestedMode =
    options.linkMode === undefined ? "clone" : parseLinkMode(options.linkMode, "the linkMode option");

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
  // The ownership guard before any work: a file is refused; with clean, a folder with files no RECORD lists.
  checkInstallDest(dest, options.layout, options.clean === true);
  // Beside dest (one rename publishes it), or inside it when dest is a mount point; dead runs' leftovers go.
  const { path: staging, inPlace } = stagingFor(dest, "staging");
  let filler: CacheFiller | undefined;
  let worker: PoolWorker | undefined;
  let extract: ParallelExtract | undefined;
  /** Per cold wheel: the extraction of all its files into its temp directory of the cache. */
  const fillRuns: ParallelExtract[] = [];
  try {
    // The link mode is decided by the first link, here a probe made before the first cold wheel
    // fills the cache (clone → copy, hardlink → copy). Its events are held back until step 3, where
    // the serial order emits them. A clone that falls back is silent (copying is what the default
    // promises where reflinks are unsupported); a hard link that falls back warns, like uv.
    let held: InstallEvent[] | undefined = [];
    const emitLink = (e: InstallEvent) => (held === undefined ? emit(e) : held.push(e));
    const linker = new Linker(requestedMode, (f: LinkFallback) => {
      emitLink({ type: "link-fallback", ...f });
      if (f.from === "hardlink") {
        emitLink({
          type: "warning",
          message: `Failed to hardlink files (${f.reason}); falling back to full copy. This may lead to degraded performance. Set the link mode to "copy" to suppress this warning.`,
        });
      }
    });
    let stagingMade = false;
    let cacheDecided = false;
    let probeError: unknown;
    const decideCache = async (cacheDir: string): Promise<void> => {
      cacheDecided = true;
      mkdirSync(staging);
      stagingMade = true;
      const fill = await CacheFiller.create(cacheDir);
      filler = fill;
      const probe = `${fill.root}/probe`;
      const probeLink = `${staging}/.tspack-link-probe`;
      writeFileSync(probe, "tspack", { flag: "wx", mode: 0o644 });
      try {
        linker.link(probe, probeLink, 0o644);
      } catch (e) {
        fill.abandon();
        filler = undefined;
        probeError = e;
      } finally {
        rmSync(probeLink, { force: true });
        rmSync(probe, { force: true });
      }
    };

    // 1. Plans (and the unpacked cache).
    const plans: WheelInstallPlan<StoredEntry>[] = [];
    const sources = new Map<string, Source>();
    /**
     * Per wheel, in order, what its RECORD check needs: the sha256 of its files as they are inflated
     * (by the plan's reads, the cache fill, the extraction) or, for a warm wheel, its cached files.
     */
    const checks: RecordCheck[] = [];
    const packages: InstalledPackage[] = [];
    const fills = new Map<string, CacheFill>();
    const seen = new Map<string, string>();
    let coldFiles = 0;
    let coldBytes = 0;
    // Look up the unpacked cache first: with enough cold bytes, the worker starts now and reads and
    // hashes wheels from the last one while this thread plans from the first.
    const lookups = wheels.map((w) => {
      if (options.cacheDir === undefined) return undefined;
      try {
        return readUnpacked(options.cacheDir, w.sha256);
      } catch (e) {
        return e as Error; // thrown again below, in order
      }
    });
    const coldSlots = new Map<number, number>();
    const coldInputs: InstallWheelInput[] = [];
    let coldWheelBytes = 0;
    for (const [i, w] of wheels.entries()) {
      if (lookups[i] !== undefined) continue;
      coldSlots.set(i, coldInputs.push(w) - 1);
      try {
        coldWheelBytes += statSync(w.path).size;
      } catch {
        // reported when read
      }
    }
    // Warm wheels: their links run on both threads too when there are enough files (see step 3).
    let warmEntries = 0;
    for (const l of lookups) if (l !== undefined && !(l instanceof Error)) warmEntries += l.entries.length;
    if (
      wantWorker(options.parallel, 0, coldWheelBytes * 2) ||
      (options.parallel === undefined && warmEntries >= minWarmFiles(requestedMode))
    )
      worker = acquireWorker();
    const prefetch = worker !== undefined && coldInputs.length > 1 ? new WheelPrefetch(coldInputs, worker) : undefined;
    for (const [i, wheel] of wheels.entries()) {
      if (signal?.aborted) throw abortError(signal);
      let plan: WheelInstallPlan<StoredEntry>;
      let source: Source;
      const lookup = lookups[i];
      if (lookup instanceof Error) throw lookup;
      const cached = lookup;
      if (cached) {
        const pathOf = (e: StoredEntry) => {
          const n = normalizeEntryName(e.name);
          return "path" in n ? n.path : e.name;
        };
        const read = (e: StoredEntry) => readUnpackedFile(cached, pathOf(e));
        const head = (e: StoredEntry, n: number) => readUnpackedHead(cached, pathOf(e), n);
        plan = planWheelInstall({ filename: wheel.filename, entries: cached.entries, read, head, hash }, layout);
        source = { kind: "unpacked", unpacked: cached };
        checks.push({
          wheel,
          kind: "unpacked",
          unpacked: cached,
          read,
          digest: (e) => hashUnpackedFile(cached, pathOf(e)),
        });
      } else {
        const slot = coldSlots.get(i);
        const bytes = slot === undefined ? undefined : prefetch?.take(slot);
        const archive =
          bytes === undefined
            ? openWheelArchive(wheel.path, wheel.filename, wheel.sha256)
            : wheelArchiveFromBytes(wheel.filename, bytes);
        const reads = new Map<ZipEntry, string>();
        const read = (e: ZipEntry) => {
          const data = inflateWheelEntry(archive, e);
          reads.set(e, hash(data));
          return data;
        };
        const head = (e: ZipEntry, n: number) => wheelEntryHead(archive, e, n);
        plan = planWheelInstall({ filename: wheel.filename, entries: archive.entries, read, head, hash }, layout);
        source = { kind: "archive", archive };
        checks.push({ wheel, kind: "archive", archive, digests: reads, owner: planOwner(plan) });
        coldFiles += archive.entries.length;
        for (const e of archive.entries) coldBytes += e.uncompressedSize;
        // Boot the worker now (~50 ms on the other core) so that it is ready when extraction starts.
        if (worker === undefined && wantWorker(options.parallel, coldFiles, coldBytes)) worker = acquireWorker();
      }
      if (wheel.name !== undefined && normalizeName(wheel.name) !== plan.normalizedName) {
        throw new TspackError(
          ERROR_CODES.WHEEL_INVALID,
          `The wheel "${wheel.filename}" is invalid: it contains "${plan.name}", expected "${wheel.name}"`,
        );
      }
      const other = seen.get(plan.normalizedName);
      if (other !== undefined) {
        throw new TspackError(
          ERROR_CODES.INSTALL_FAILED,
          `The wheels "${other}" and "${wheel.filename}" are both "${plan.normalizedName}": one install holds one version of a package`,
          { hint: "Pass one wheel per package." },
        );
      }
      seen.set(plan.normalizedName, wheel.filename);
      for (const w of plan.warnings) emit({ type: "warning", message: `${wheel.filename}: ${w}` });
      sources.set(planOwner(plan), source);
      plans.push(plan);
      let unzipped = 0;
      for (const op of plan.ops) unzipped += op.kind === "entry" ? op.entry.uncompressedSize : op.data.length;
      packages.push({
        name: plan.name,
        version: plan.version,
        filename: wheel.filename,
        files: plan.ops.length,
        unzippedBytes: unzipped,
        cached: cached !== undefined,
      });
      emit({
        type: "wheel",
        name: plan.name,
        version: plan.version,
        filename: wheel.filename,
        cached: cached !== undefined,
      });
      // A cold wheel's files go into the cache now (the worker takes them while this thread plans the
      // next wheels): which wheel wins a conflict only matters for the target, linked in step 3.
      if (source.kind === "archive" && options.cacheDir !== undefined) {
        if (!cacheDecided) await decideCache(options.cacheDir);
        if (filler !== undefined) {
          const archive = source.archive;
          const fill = filler.add(wheel.sha256, archive, validateWheelEntries(wheel.filename, archive.entries));
          fills.set(planOwner(plan), fill);
          const run = new ParallelExtract(
            [archive],
            CacheFiller.jobs(fill, 0),
            linker.mode,
            [fill.tmp],
            worker,
            fill.tmp,
          );
          fillRuns.push(run);
          const check = checks[checks.length - 1] as ArchiveCheck;
          check.fill = { run, files: fill.files };
        }
      }
    }

    // 2. Merge; warn about real conflicts.
    const merged = mergeInstallPlans(plans);
    for (const c of merged.conflicts) {
      if (!c.identical) {
        emit({
          type: "warning",
          message: `"${c.path}" is installed by both ${c.loser} and ${c.winner} with different content; ${c.winner} wins (the package that sorts last)`,
        });
      }
    }

    // 3. Write the staged tree: links from the unpacked cache, then the files of cold wheels (linked
    // from the cache they have just filled, or inflated), by this thread and, for big installs, a
    // worker, and the generated files.
    if (!stagingMade) mkdirSync(staging);
    const writer = new TreeWriter(staging);
    const events = held;
    held = undefined;
    for (const e of events) emit(e);
    if (probeError !== undefined) throw probeError;
    let usedLinks = false;
    let bytes = 0;
    // Warm files: linked here until the first link decided the mode (with its fallback events), then
    // as jobs for this thread and, for big installs, the worker (same links, same first error).
    const links: LinkJob[] = [];
    let linkBytes = 0;
    for (const op of merged.ops) {
      if (signal?.aborted) throw abortError(signal);
      const src = sources.get(op.owner)!;
      if (op.kind === "generated") {
        bytes += op.data.length;
      } else {
        bytes += op.entry.uncompressedSize;
        if (src.kind === "unpacked") {
          usedLinks = true;
          const cachedMode = entryFileMode(op.entry);
          const from = unpackedPath(src.unpacked, op.source);
          if (linker.decided) {
            links.push({
              kind: "link",
              src: from,
              path: `${staging}/${op.dest}`,
              mode: op.mode,
              copy: cachedMode !== op.mode,
            });
            linkBytes += op.entry.uncompressedSize;
          } else {
            writer.linkFile(op.dest, from, cachedMode, op.mode, op.entry.uncompressedSize, linker);
          }
        }
      }
    }
    if (links.length > 0) {
      // Links cost syscalls, not bytes (copies cost both).
      const useLinkWorker =
        options.parallel ??
        (links.length >= minWarmFiles(linker.mode) || (linker.mode === "copy" && linkBytes >= PARALLEL_MIN_BYTES));
      if (useLinkWorker) worker ??= acquireWorker();
      extract = new ParallelExtract([], links, linker.mode, [staging], useLinkWorker ? worker : undefined);
      await extract.complete(signal, options.parallel === true);
      extract = undefined;
      if (signal?.aborted) throw abortError(signal);
    }
    // The cold wheels' files: in the cache first (what the worker has not done yet, on both threads),
    // then into the staged tree, linked from the cache or inflated. The second list is handed to the
    // worker before this thread joins the first, behind a gate opened once the cache files are all
    // there. A failure (a corrupt entry) drops the cache: the files are then all inflated, which
    // throws the serial path's error in install order (or, for a file not installed as is, the check
    // below).
    const archives: WheelArchive[] = [];
    const archiveIndex = new Map<WheelArchive, number>();
    const indexOf = (a: WheelArchive): number => {
      let i = archiveIndex.get(a);
      if (i === undefined) {
        i = archives.push(a) - 1;
        archiveIndex.set(a, i);
      }
      return i;
    };
    /** The owner of each cold job (for the RECORD check of the files that were not hashed by a cache fill). */
    let jobOwners: string[] = [];
    const coldJobs = (linkCold: boolean): ExtractJob[] => {
      const jobs: ExtractJob[] = [];
      jobOwners = [];
      for (const op of merged.ops) {
        const src = sources.get(op.owner)!;
        if (op.kind !== "entry" || src.kind !== "archive") continue;
        const entry = op.entry as ZipEntry;
        const fill = linkCold ? fills.get(op.owner) : undefined;
        const from = fill !== undefined && op.mode === entryFileMode(entry) ? CacheFiller.pathOf(fill, entry) : "";
        // Files of a wheel that filled the cache were hashed then.
        const hashIt = !fills.has(op.owner);
        jobs.push({
          archive: indexOf(src.archive),
          entry,
          path: `${staging}/${op.dest}`,
          mode: op.mode,
          from,
          hash: hashIt,
        });
        jobOwners.push(op.owner);
      }
      return jobs;
    };
    let jobs = coldJobs(filler !== undefined);
    const useWorker =
      jobs.length > 0 && (worker !== undefined || wantWorker(options.parallel, jobs.length, jobBytes(jobs)));
    if (useWorker) worker ??= acquireWorker();
    extract = new ParallelExtract(
      archives,
      jobs,
      linker.mode,
      [staging],
      useWorker ? worker : undefined,
      undefined,
      true,
    );
    let fillError: unknown;
    for (const run of fillRuns) {
      run.runShare(signal);
      if (run.failed) break;
    }
    // Wait for the worker's last chunks (spinning: it is about one chunk away); finish() waits for
    // its messages instead when that takes long.
    for (const run of fillRuns) if (!run.settle()) break;
    if (fillRuns.some((r) => r.failed)) await Promise.all(fillRuns.map((r) => r.cancel()));
    for (const run of fillRuns) {
      try {
        await run.finish(signal);
      } catch (e) {
        fillError ??= e;
      }
    }
    fillRuns.length = 0;
    if (signal?.aborted) throw abortError(signal);
    if (fillError !== undefined) {
      filler?.abandon();
      filler = undefined;
      await extract.cancel();
      jobs = coldJobs(false);
      extract = new ParallelExtract(archives, jobs, linker.mode, [staging], useWorker ? worker : undefined);
    } else {
      extract.open();
    }
    // While the worker starts on its share: generated files and the cache manifests.
    for (const op of merged.ops) if (op.kind === "generated") writer.writeFile(op.dest, op.data, op.mode);
    let cached: ReturnType<CacheFiller["writeManifests"]> | undefined;
    try {
      cached = filler?.writeManifests();
    } catch (e) {
      throw errorAtPath(e, filler!.root); // written into the cache, not the target
    }
    const coldExtract = extract;
    await extract.complete(signal, options.parallel === true);
    extract = undefined;
    if (worker !== undefined) releaseWorker(worker);
    worker = undefined;
    if (signal?.aborted) throw abortError(signal);
    if (fillError !== undefined) {
      // Every file installed as is was fine: a file of the cache only (another mode, a lost conflict,
      // the wheel's RECORD) is corrupt; the serial path meets it wheel by wheel, in archive order.
      for (const fill of fills.values()) for (const { entry } of fill.files) await checkWheelEntry(fill.archive, entry);
      throw fillError;
    }
    if (filler !== undefined && cached !== undefined) {
      const filled = await filler.publish(cached);
      filler = undefined;
      if (filled.length > 0) usedLinks = true;
    }
    // The RECORD check of every wheel, with the digests of its files as they were inflated.
    const coldDigests = new Map<string, Map<ZipEntry, string>>();
    jobs.forEach((j, i) => {
      const d = coldExtract.digestOf(i);
      if (d === undefined) return;
      const owner = jobOwners[i]!;
      if (!coldDigests.has(owner)) coldDigests.set(owner, new Map());
      coldDigests.get(owner)!.set(j.entry, d);
    });
    for (const check of checks) {
      for (const w of await recordCheck(check, coldDigests, options.cacheDir)) {
        emit({ type: "warning", message: `${check.wheel.filename}: ${w}` });
      }
    }

    // 4. Bytecode, in the staging tree, recorded as if compiled in place.
    let bytecode: InstallResult["bytecode"];
    if (options.compileBytecode) {
      const lib = schemePaths(layout).purelib;
      const libAbs = lib === "" ? staging : join(staging, lib);
      let roots: string[] = [];
      try {
        roots = readdirSync(libAbs)
          .filter((name) => !(lib === "" && (name === "bin" || name === "include")))
          .sort()
          .map((name) => join(libAbs, name));
      } catch {
        roots = [];
      }
      const r = compileBytecode(options.compileBytecode.python, roots, staging, dest);
      bytecode = { roots: r.roots, status: r.status };
      if (r.status !== 0)
        emit({ type: "warning", message: `Some files could not be byte-compiled (skipped):\n${r.output}` });
      emit({ type: "bytecode", roots: r.roots, status: r.status });
    }

    // 5. Publish.
    let removed: RemovedDistribution[] = [];
    const libDir = join(dest, schemePaths(layout).purelib);
    const publish = publishTree(staging, dest, {
      layout: options.layout,
      clean: options.clean === true,
      inPlace,
      beforeMerge: () => {
        removed = uninstallDistributions(dest, libDir, new Set(plans.map((p) => p.normalizedName)));
        for (const r of removed) emit({ type: "uninstall", ...r });
      },
    });
    return {
      dest,
      layout: options.layout,
      linkMode: usedLinks ? linker.mode : "extract",
      publish,
      files: merged.ops.length,
      bytes,
      packages,
      conflicts: merged.conflicts,
      removed,
      warnings,
      ...(bytecode === undefined ? {} : { bytecode }),
    };
  } catch (e) {
    await Promise.all(fillRuns.map((r) => r.cancel()));
    await extract?.cancel();
    void worker?.terminate();
    filler?.abandon();
    rmSync(staging, { recursive: true, force: true });
    if (signal?.aborted && !isTspackError(e, ERROR_CODES.ABORTED)) throw abortError(signal);
    // A full disk, a read-only mount, permissions… → TSPACK_IO naming the user's folder, not the staging one.
    throw classifyError(e, { paths: installPaths(options, userDest, [dest, staging]) });
  }
}
