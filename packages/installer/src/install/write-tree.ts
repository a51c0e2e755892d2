/**
 * Step 3 of an install: the staged tree. First the warm wheels' files, linked from the unpacked cache;
 * then the cold wheels' files: in the cache first (what the worker has not done yet, on both threads),
 * then into the staged tree, linked from the cache or inflated; and the generated files. Big installs
 * share the work with the pool's worker; the tree and the first error are the serial path's.
 */
import { errorAtPath } from "@tspack/errors";
import { entryFileMode, type MergedInstallPlan } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import { checkWheelEntry, type WheelArchive } from "../archive.js";
import { type CacheFill, CacheFiller } from "../cache-filler.js";
import { type ExtractJob, type LinkJob, ParallelExtract } from "../parallel-extract.js";
import type { TreeWriter } from "../tree-writer.js";
import { type StoredEntry, unpackedPath } from "../unpacked-cache.js";
import type { ColdDigests } from "./check-records.js";
import { type InstallRun, minWarmFiles, PARALLEL_MIN_BYTES, wantWorker } from "./context.js";
import type { PlannedInstall } from "./plan-wheels.js";

type Merged = MergedInstallPlan<StoredEntry>;

/** What the staged tree holds. */
export interface WrittenTree {
  /** Bytes of the files (after conflicts). */
  bytes: number;
  /** True when files were linked from the unpacked cache. */
  usedLinks: boolean;
  /** The sha256 of the files the cold extraction inflated, per owner (for the RECORD check). */
  coldDigests: ColdDigests;
}

/** Step 3 (see the module comment). */
export async function writeTree(run: InstallRun, merged: Merged, planned: PlannedInstall): Promise<WrittenTree> {
  const writer = run.startTree();
  const warm = await linkWarmFiles(run, merged, planned, writer);
  const cold = await writeColdFiles(run, merged, planned, writer);
  return { bytes: warm.bytes, usedLinks: warm.usedLinks || cold.filled, coldDigests: cold.coldDigests };
}

function jobBytes(jobs: ReadonlyArray<ExtractJob>): number {
  let n = 0;
  for (const j of jobs) n += j.entry.uncompressedSize;
  return n;
}

/**
 * Warm files: linked here until the first link decided the mode (with its fallback events), then as
 * jobs for this thread and, for big installs, the worker (same links, same first error). Also counts
 * every file's bytes.
 */
async function linkWarmFiles(
  run: InstallRun,
  merged: Merged,
  { sources }: PlannedInstall,
  writer: TreeWriter,
): Promise<{ bytes: number; usedLinks: boolean }> {
  const { linker, staging, options } = run;
  let usedLinks = false;
  let bytes = 0;
  const links: LinkJob[] = [];
  let linkBytes = 0;
  for (const op of merged.ops) {
    run.checkAborted();
    const src = sources.get(op.owner)!;
    if (op.kind === "generated") {
      bytes += op.data.length;
      continue;
    }
    bytes += op.entry.uncompressedSize;
    if (src.kind !== "unpacked") continue;
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
  if (links.length > 0) {
    // Links cost syscalls, not bytes (copies cost both).
    const useLinkWorker =
      options.parallel ??
      (links.length >= minWarmFiles(linker.mode) || (linker.mode === "copy" && linkBytes >= PARALLEL_MIN_BYTES));
    const worker = useLinkWorker ? run.useWorker() : undefined;
    run.extract = new ParallelExtract([], links, linker.mode, [staging], worker);
    await run.extract.complete(run.signal, options.parallel === true);
    run.extract = undefined;
    run.checkAborted();
  }
  return { bytes, usedLinks };
}

/** The cold wheels' files as extraction jobs (linked from the cache they filled when `linkCold`), with their owners. */
function coldJobs(
  run: InstallRun,
  merged: Merged,
  { sources }: PlannedInstall,
  fills: ReadonlyMap<string, CacheFill>,
  linkCold: boolean,
  indexOf: (a: WheelArchive) => number,
): { jobs: ExtractJob[]; owners: string[] } {
  const jobs: ExtractJob[] = [];
  const owners: string[] = [];
  for (const op of merged.ops) {
    const src = sources.get(op.owner)!;
    if (op.kind !== "entry" || src.kind !== "archive") continue;
    const entry = op.entry as ZipEntry;
    const fill = linkCold ? fills.get(op.owner) : undefined;
    const from = fill !== undefined && op.mode === entryFileMode(entry) ? CacheFiller.pathOf(fill, entry) : "";
    // Files of a wheel that filled the cache were hashed then.
    jobs.push({
      archive: indexOf(src.archive),
      entry,
      path: `${run.staging}/${op.dest}`,
      mode: op.mode,
      from,
      hash: !fills.has(op.owner),
    });
    owners.push(op.owner);
  }
  return { jobs, owners };
}

/**
 * The cold wheels' files, and the generated files. The staged list is handed to the worker before
 * this thread joins the cache fills, behind a gate opened once the cache files are all there. A
 * failure (a corrupt entry) drops the cache: the files are then all inflated, which throws the serial
 * path's error in install order (or, for a file not installed as is, the check after it). `filled`:
 * the cache was filled (later installs link from it).
 */
async function writeColdFiles(
  run: InstallRun,
  merged: Merged,
  planned: PlannedInstall,
  writer: TreeWriter,
): Promise<{ coldDigests: ColdDigests; filled: boolean }> {
  const { options, staging, linker } = run;
  const { fills } = planned;
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
  let { jobs, owners } = coldJobs(run, merged, planned, fills, run.filler !== undefined, indexOf);
  const useWorker =
    jobs.length > 0 && (run.worker !== undefined || wantWorker(options.parallel, jobs.length, jobBytes(jobs)));
  const worker = useWorker ? run.useWorker() : undefined;
  run.extract = new ParallelExtract(archives, jobs, linker.mode, [staging], worker, undefined, true);
  const fillError = await finishFills(run);
  if (fillError !== undefined) {
    run.filler?.abandon();
    run.filler = undefined;
    await run.extract.cancel();
    ({ jobs, owners } = coldJobs(run, merged, planned, fills, false, indexOf));
    run.extract = new ParallelExtract(archives, jobs, linker.mode, [staging], worker);
  } else {
    run.extract.open();
  }
  // While the worker starts on its share: generated files and the cache manifests.
  for (const op of merged.ops) if (op.kind === "generated") writer.writeFile(op.dest, op.data, op.mode);
  let cached: ReturnType<CacheFiller["writeManifests"]> | undefined;
  try {
    cached = run.filler?.writeManifests();
  } catch (e) {
    throw errorAtPath(e, run.filler!.root); // written into the cache, not the target
  }
  const coldExtract = run.extract;
  await coldExtract.complete(run.signal, options.parallel === true);
  run.extract = undefined;
  run.releaseWorker();
  run.checkAborted();
  if (fillError !== undefined) {
    // Every file installed as is was fine: a file of the cache only (another mode, a lost conflict,
    // the wheel's RECORD) is corrupt; the serial path meets it wheel by wheel, in archive order.
    for (const fill of fills.values()) for (const { entry } of fill.files) await checkWheelEntry(fill.archive, entry);
    throw fillError;
  }
  let filled = false;
  if (run.filler !== undefined && cached !== undefined) {
    filled = (await run.filler.publish(cached)).length > 0;
    run.filler = undefined;
  }
  const coldDigests = new Map<string, Map<ZipEntry, string>>();
  jobs.forEach((j, i) => {
    const d = coldExtract.digestOf(i);
    if (d === undefined) return;
    const owner = owners[i]!;
    if (!coldDigests.has(owner)) coldDigests.set(owner, new Map());
    coldDigests.get(owner)!.set(j.entry, d);
  });
  return { coldDigests, filled };
}

/**
 * This thread's share of the cache fills, then waits for the worker's (spinning: it is about one
 * chunk away; finish() waits for its messages instead when that takes long). The first fill error,
 * if any.
 */
async function finishFills(run: InstallRun): Promise<unknown> {
  const { fillRuns, signal } = run;
  let fillError: unknown;
  for (const r of fillRuns) {
    r.runShare(signal);
    if (r.failed) break;
  }
  for (const r of fillRuns) if (!r.settle()) break;
  if (fillRuns.some((r) => r.failed)) await Promise.all(fillRuns.map((r) => r.cancel()));
  for (const r of fillRuns) {
    try {
      await r.finish(signal);
    } catch (e) {
      fillError ??= e;
    }
  }
  fillRuns.length = 0;
  run.checkAborted();
  return fillError;
}
