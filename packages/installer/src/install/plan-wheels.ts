/**
 * Step 1 of an install: the plan of every wheel, in order, from the unpacked cache (warm) or the wheel
 * file (cold), each checked (name, one version per package), and for a cold wheel its cache fill
 * started at once (the worker takes it while this thread plans the next wheels).
 */
import { statSync } from "node:fs";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  type InstallLayout,
  normalizeEntryName,
  normalizeName,
  planOwner,
  planWheelInstall,
  validateWheelEntries,
  type WheelInstallPlan,
} from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import {
  inflateWheelEntry,
  openWheelArchive,
  type WheelArchive,
  wheelArchiveFromBytes,
  wheelEntryHead,
} from "../archive.js";
import { type CacheFill, CacheFiller } from "../cache-filler.js";
import type { InstalledPackage, InstallWheelInput } from "../install-wheels.js";
import { ParallelExtract } from "../parallel-extract.js";
import {
  hashUnpackedFile,
  readUnpacked,
  readUnpackedFile,
  readUnpackedHead,
  type StoredEntry,
  type UnpackedWheel,
} from "../unpacked-cache.js";
import { WheelPrefetch } from "../wheel-prefetch.js";
import { recordHash } from "../wheel-reader.js";
import type { ArchiveCheck, RecordCheck } from "./check-records.js";
import { type InstallRun, minWarmFiles, wantWorker } from "./context.js";

/** node:crypto (SHA-NI) instead of the plan's pure SHA-256: 3× faster on launchers, 25× on large scripts. */
const hash = recordHash;

/** Where a wheel's files come from. */
export type Source = { kind: "archive"; archive: WheelArchive } | { kind: "unpacked"; unpacked: UnpackedWheel };

/** What step 1 gives the next steps. */
export interface PlannedInstall {
  plans: WheelInstallPlan<StoredEntry>[];
  /** owner (`name==version`) → where its files come from. */
  sources: Map<string, Source>;
  /** Per wheel, in order, what its RECORD check needs. */
  checks: RecordCheck[];
  packages: InstalledPackage[];
  /** owner → the cache fill of a cold wheel. */
  fills: Map<string, CacheFill>;
}

/** One wheel's plan and source (and its RECORD check's needs). */
interface WheelPlan {
  plan: WheelInstallPlan<StoredEntry>;
  source: Source;
  check: RecordCheck;
}

/** A warm wheel: planned from its files in the unpacked cache. */
function planCached(wheel: InstallWheelInput, cached: UnpackedWheel, layout: InstallLayout): WheelPlan {
  const pathOf = (e: StoredEntry) => {
    const n = normalizeEntryName(e.name);
    return "path" in n ? n.path : e.name;
  };
  const read = (e: StoredEntry) => readUnpackedFile(cached, pathOf(e));
  const head = (e: StoredEntry, n: number) => readUnpackedHead(cached, pathOf(e), n);
  const plan = planWheelInstall({ filename: wheel.filename, entries: cached.entries, read, head, hash }, layout);
  return {
    plan,
    source: { kind: "unpacked", unpacked: cached },
    check: { wheel, kind: "unpacked", unpacked: cached, read, digest: (e) => hashUnpackedFile(cached, pathOf(e)) },
  };
}

/** A cold wheel: planned from its archive (read by the prefetch, or here), hashing what the plan reads. */
function planArchive(wheel: InstallWheelInput, bytes: Uint8Array | undefined, layout: InstallLayout): WheelPlan {
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
  const plan = planWheelInstall({ filename: wheel.filename, entries: archive.entries, read, head, hash }, layout);
  return {
    plan,
    source: { kind: "archive", archive },
    check: { wheel, kind: "archive", archive, digests: reads, owner: planOwner(plan) },
  };
}

/** The plan's name must be the one asked for, and one install holds one version of a package. */
function checkPlanName(wheel: InstallWheelInput, plan: WheelInstallPlan<StoredEntry>, seen: Map<string, string>): void {
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
}

/**
 * Looks the wheels up in the unpacked cache (an error is kept, thrown in order when planning meets
 * it) and, with enough cold bytes or warm files, starts the worker now: it reads and hashes cold
 * wheels from the last one while this thread plans from the first.
 */
function lookUp(run: InstallRun, wheels: ReadonlyArray<InstallWheelInput>) {
  const { options } = run;
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
  // Warm wheels: their links run on both threads too when there are enough files (see writeTree).
  let warmEntries = 0;
  for (const l of lookups) if (l !== undefined && !(l instanceof Error)) warmEntries += l.entries.length;
  if (
    wantWorker(options.parallel, 0, coldWheelBytes * 2) ||
    (options.parallel === undefined && warmEntries >= minWarmFiles(run.linker.mode))
  )
    run.useWorker();
  const prefetch =
    run.worker !== undefined && coldInputs.length > 1 ? new WheelPrefetch(coldInputs, run.worker) : undefined;
  return { lookups, take: (i: number) => (coldSlots.has(i) ? prefetch?.take(coldSlots.get(i)!) : undefined) };
}

/** Step 1 (see the module comment). */
export async function planInstall(
  run: InstallRun,
  wheels: ReadonlyArray<InstallWheelInput>,
  layout: InstallLayout,
): Promise<PlannedInstall> {
  const { options } = run;
  const planned: PlannedInstall = { plans: [], sources: new Map(), checks: [], packages: [], fills: new Map() };
  const seen = new Map<string, string>();
  let coldFiles = 0;
  let coldBytes = 0;
  const { lookups, take } = lookUp(run, wheels);
  for (const [i, wheel] of wheels.entries()) {
    run.checkAborted();
    const cached = lookups[i];
    if (cached instanceof Error) throw cached;
    const { plan, source, check } =
      cached !== undefined ? planCached(wheel, cached, layout) : planArchive(wheel, take(i), layout);
    planned.checks.push(check);
    if (source.kind === "archive") {
      coldFiles += source.archive.entries.length;
      for (const e of source.archive.entries) coldBytes += e.uncompressedSize;
      // Boot the worker now (~50 ms on the other core) so that it is ready when extraction starts.
      if (run.worker === undefined && wantWorker(options.parallel, coldFiles, coldBytes)) run.useWorker();
    }
    checkPlanName(wheel, plan, seen);
    for (const w of plan.warnings) run.emit({ type: "warning", message: `${wheel.filename}: ${w}` });
    planned.sources.set(planOwner(plan), source);
    planned.plans.push(plan);
    let unzipped = 0;
    for (const op of plan.ops) unzipped += op.kind === "entry" ? op.entry.uncompressedSize : op.data.length;
    planned.packages.push({
      name: plan.name,
      version: plan.version,
      filename: wheel.filename,
      files: plan.ops.length,
      unzippedBytes: unzipped,
      cached: cached !== undefined,
    });
    run.emit({
      type: "wheel",
      name: plan.name,
      version: plan.version,
      filename: wheel.filename,
      cached: cached !== undefined,
    });
    // A cold wheel's files go into the cache now (the worker takes them while this thread plans the
    // next wheels): which wheel wins a conflict only matters for the target, linked in writeTree.
    if (source.kind === "archive" && options.cacheDir !== undefined) {
      await run.decideCache(options.cacheDir);
      if (run.filler !== undefined) startFill(run, planned, wheel, plan, source.archive, check as ArchiveCheck);
    }
  }
  return planned;
}

/** Starts filling the unpacked cache with a cold wheel's files. */
function startFill(
  run: InstallRun,
  planned: PlannedInstall,
  wheel: InstallWheelInput,
  plan: WheelInstallPlan<StoredEntry>,
  archive: WheelArchive,
  check: ArchiveCheck,
): void {
  const fill = run.filler!.add(wheel.sha256, archive, validateWheelEntries(wheel.filename, archive.entries));
  planned.fills.set(planOwner(plan), fill);
  const extract = new ParallelExtract(
    [archive],
    CacheFiller.jobs(fill, 0),
    run.linker.mode,
    [fill.tmp],
    run.worker,
    fill.tmp,
  );
  run.fillRuns.push(extract);
  check.fill = { run: extract, files: fill.files };
}
