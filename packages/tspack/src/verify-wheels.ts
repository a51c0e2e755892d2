/**
 * The once-per-wheel check of every wheel's entries. The zip path copies wheel entries without
 * inflating them, so every entry of a newly downloaded wheel is inflated once to prove its CRC-32 and
 * size, and hashed to compare it with the wheel's RECORD (a marker `checked-v2/ab/<sha256>` remembers
 * it, with the RECORD warnings of the check: see @tspack/cache `readCheckedMarker`). That costs ~1 s per
 * 250 MB unzipped; a worker thread does it while the main thread plans and writes the artifacts, and
 * the build waits for it before publishing anything. The worker only says which entry failed: the main
 * thread then reports it with the same error as an inline check. Memory stays bounded: the worker
 * inflates entries of up to ONE_CALL_MAX_BYTES in one call, and the larger ones stream through
 * @tspack/zip's reader on the thread pool (driven by the main thread), keeping only a running CRC and
 * sha256.
 */
import { createHash } from "node:crypto";
import { readCheckedMarker, writeCheckedMarker } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  acquireWorker,
  digestToRecordHash,
  prestartWorker,
  releaseWorker,
  stopPrestartedWorker,
  VERIFY_FIELDS,
} from "@tspack/installer";
import { checkRecordDigests } from "@tspack/wheel";
import { isStreamedEntry, type ZipEntry } from "@tspack/zip";
import { type LoadedWheel, readEntry, streamWheelEntry, streamWheelEntrySync } from "./wheels.js";

/**
 * Below this much to inflate, checking inline beats a worker: on the FastAPI example (8 MB, 303 entries,
 * ~45 ms inline) a worker cost ~130 ms of wall time on two busy cores and ~100 ms more CPU (its start
 * included), and the build waited for it.
 */
const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Downloads of at least this many (compressed) bytes usually unzip to more than WORKER_MIN_BYTES. */
export const VERIFIER_PRESTART_BYTES = 6 * 1024 * 1024;

/**
 * Starts the pool's worker now, so that it boots (~30–40 ms on Node 20) while wheels download: call it
 * when a build is about to download enough to need one. The next {@link verifyWheels} takes it; call
 * {@link stopVerifier} when the build ends either way.
 */
export function startVerifier(): void {
  prestartWorker();
}

/** Terminates a worker started by {@link startVerifier} that no check took. */
export async function stopVerifier(): Promise<void> {
  await stopPrestartedWorker();
}

/**
 * Inflates every entry of `wheel` in this thread (throws the entry's TSPACK_ZIP_INVALID error) and
 * compares the files with RECORD: returns the RECORD warnings (without the wheel's name).
 */
function checkInline(wheel: LoadedWheel): string[] {
  const digests = new Map<ZipEntry, string>();
  let record: { entry: ZipEntry; data: Uint8Array } | undefined;
  for (const entry of wheel.entries) {
    if (entry.isDirectory) continue;
    if (isStreamedEntry(entry)) {
      // Bounded memory, on this thread (only wheels built in memory, or when the worker died, get here).
      const hash = createHash("sha256");
      streamWheelEntrySync(wheel, entry, (chunk) => hash.update(chunk));
      digests.set(entry, hash.digest("base64url"));
      continue;
    }
    const data = readEntry(wheel, entry);
    digests.set(entry, createHash("sha256").update(data).digest("base64url"));
    if (entry.name.endsWith(".dist-info/RECORD")) record = { entry, data };
  }
  return compareWithRecord(wheel, (e) => digests.get(e), record);
}

/**
 * Checks and hashes the entries of `files` the worker leaves (entries to stream), in order, inflating
 * on the thread pool: their digests, and the first that fails with its error.
 */
async function checkStreamed(
  wheel: LoadedWheel,
  files: ZipEntry[],
): Promise<{ digests: Map<ZipEntry, string>; failed?: { index: number; error: unknown } }> {
  const digests = new Map<ZipEntry, string>();
  for (const [index, e] of files.entries()) {
    if (!isStreamedEntry(e)) continue;
    const hash = createHash("sha256");
    try {
      await streamWheelEntry(wheel, e, (chunk) => hash.update(chunk));
    } catch (error) {
      return { digests, failed: { index, error } };
    }
    digests.set(e, hash.digest("base64url"));
  }
  return { digests };
}

/** Options of {@link verifyWheels}. */
export interface VerifyOptions {
  /** Check every wheel, whatever the markers say. */
  force?: boolean;
  /** Called once the main thread's part is posted (see {@link verifyWheels}). */
  onPosted?: () => void;
  /**
   * Called before anything is inflated, only when some wheel is to be checked (so never on a warm
   * build): a throw (e.g. Lambda's size limit from the central directories) fails the check unrun.
   */
  beforeInflate?: () => Promise<void> | void;
}

/** The RECORD warnings of a wheel whose entries' sha256 digests are known (see checkRecordDigests). */
function compareWithRecord(
  wheel: LoadedWheel,
  digestOf: (e: ZipEntry) => string | undefined,
  record?: { entry: ZipEntry; data: Uint8Array },
): string[] {
  return checkRecordDigests(
    {
      filename: wheel.filename,
      entries: wheel.entries,
      read: (e) => (e === record?.entry ? record.data : readEntry(wheel, e)),
    },
    digestOf,
  );
}

/** What {@link verifyWheels} found. */
export interface VerifiedWheels {
  /** The RECORD warnings of every wheel (remembered or found now), in the order given, each prefixed with its filename. */
  warnings: string[];
  /**
   * Marks the wheels checked now (`checked-v2/`, with their RECORD warnings): call it once the build has
   * also planned them (a wheel the plan refuses, e.g. for its Wheel-Version, is never marked).
   */
  mark(): Promise<void>;
}

/**
 * Checks every wheel not yet marked as checked (every wheel with `force`); resolves when all are;
 * rejects with the first failing wheel's error (in the order given). `paths` maps a wheel's sha256 to
 * its file. `onPosted` is called once the main thread's part is done (the jobs are with the worker, or
 * the inline checks ran): a caller about to run long synchronous work awaits it first, so that the
 * worker is not left waiting for its jobs.
 */
export async function verifyWheels(
  wheels: readonly LoadedWheel[],
  paths: ReadonlyMap<string, string>,
  cacheDir: string | undefined,
  options: VerifyOptions = {},
): Promise<VerifiedWheels> {
  try {
    const { found, fresh } = await checkWheels(wheels, paths, cacheDir, options);
    return {
      warnings: wheels.flatMap((w) => (found.get(w) ?? []).map((m) => `${w.filename}: ${m}`)),
      mark: async () => {
        if (cacheDir) for (const w of fresh) await writeCheckedMarker(cacheDir, w.sha256, found.get(w) ?? []);
      },
    };
  } finally {
    options.onPosted?.(); // also when the check failed or had nothing to do
  }
}

async function checkWheels(
  wheels: readonly LoadedWheel[],
  paths: ReadonlyMap<string, string>,
  cacheDir: string | undefined,
  options: VerifyOptions,
): Promise<{ found: Map<LoadedWheel, string[]>; fresh: LoadedWheel[] }> {
  const found = new Map<LoadedWheel, string[]>();
  const todo = wheels.filter((w) => {
    const known = options.force || !cacheDir ? undefined : readCheckedMarker(cacheDir, w.sha256);
    if (known !== undefined) found.set(w, known);
    return known === undefined;
  });
  const result = { found, fresh: todo };
  if (todo.length === 0) return result;
  await options.beforeInflate?.();
  await Promise.all(todo.map((w) => w.load()));
  let total = 0;
  for (const w of todo) for (const e of w.entries) total += e.uncompressedSize;
  const withPath = todo.filter((w) => paths.has(w.sha256));
  if (total < WORKER_MIN_BYTES || withPath.length === 0) {
    for (const w of todo) found.set(w, checkInline(w));
    return result;
  }
  const worker = acquireWorker();
  try {
    const filesOf = (w: LoadedWheel): ZipEntry[] => w.entries.filter((e) => !e.isDirectory);
    const rowsOf = (files: ZipEntry[]): Float64Array => {
      const rows = new Float64Array(files.length * VERIFY_FIELDS);
      files.forEach((e, i) => {
        rows.set(
          [e.localHeaderOffset, e.compressedSize, e.uncompressedSize, e.crc32 >>> 0, e.method],
          i * VERIFY_FIELDS,
        );
      });
      return rows;
    };
    // Posted now, answered in order; a worker that dies rejects them (then checked here instead).
    const jobs = withPath.map((w) => {
      const job = worker.verify({ path: paths.get(w.sha256)!, filename: w.filename, rows: rowsOf(filesOf(w)) });
      job.catch(() => {});
      return job;
    });
    // Wheels without a file (built in memory) are checked here meanwhile; the big entries stream on the
    // thread pool, one at a time.
    const inline = new Map<LoadedWheel, string[]>();
    for (const w of todo) if (!paths.has(w.sha256)) inline.set(w, checkInline(w));
    let previous: Promise<unknown> = Promise.resolve();
    const streamed = withPath.map((w) => {
      const p = previous.then(() => checkStreamed(w, filesOf(w)));
      previous = p;
      return p;
    });
    options.onPosted?.();
    const checked = new Map<LoadedWheel, string[]>(inline);
    for (const [i, w] of withPath.entries()) {
      const r = await jobs[i]!.catch(() => undefined);
      const mine = await streamed[i]!;
      if (r === undefined) {
        checked.set(w, checkInline(w)); // the worker could not start or died: check here instead
        continue;
      }
      const files = filesOf(w);
      // Same error as the inline check: the first failing entry in order, the worker's or this thread's.
      if (mine.failed !== undefined && (r.bad < 0 || mine.failed.index < r.bad)) throw mine.failed.error;
      if (r.bad >= 0 || r.error !== undefined) {
        // Re-check the failing entry (or the whole wheel) here.
        if (r.bad >= 0) readEntry(w, files[r.bad]!);
        else checkInline(w);
        throw new TspackError(
          ERROR_CODES.ZIP_INVALID,
          `The wheel "${w.filename}" could not be checked: ${r.error ?? "bad entry"}`,
          {
            hint: "The file is corrupt: run `tspack cache verify` or delete it and download again.",
          },
        );
      }
      const digests = mine.digests; // the streamed entries'; the worker's for the others
      files.forEach((e, k) => {
        if (isStreamedEntry(e)) return;
        digests.set(e, digestToRecordHash(r.digests.subarray(k * 32, k * 32 + 32)));
      });
      checked.set(
        w,
        compareWithRecord(w, (e) => digests.get(e)),
      );
    }
    for (const w of todo) found.set(w, checked.get(w) ?? []);
    return result;
  } finally {
    releaseWorker(worker);
  }
}
