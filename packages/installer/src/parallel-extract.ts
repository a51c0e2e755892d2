import { createHash, type Hash } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { errorAtPath } from "@tspack/errors";
import { isStreamedEntry, type ZipEntry } from "@tspack/zip";
import { type WheelArchive, writeWheelEntry, writeWheelEntryStreamed } from "./archive.js";
import { copyInto, type LinkMode, linkOnce } from "./link-mode.js";
import type { PoolWorker } from "./pool/pool.js";
import {
  ABORT,
  CHUNK,
  CTL_WORDS,
  type ExtractFailure,
  F_ARCHIVE,
  F_CRC,
  F_CSIZE,
  F_HASH,
  F_INDEX,
  F_METHOD,
  F_MODE,
  F_OFFSET,
  F_SIZE,
  FAIL,
  FIELDS,
  GATE,
  HI,
  INFLIGHT,
  LO,
  LOCK,
  NO_FAIL,
  SKIPPED,
} from "./pool/protocol.js";
import { digestToRecordHash } from "./wheel-reader.js";

/**
 * One file to extract: inflate `entry` of `archives[archive]` and write it at `path` with `mode`. With
 * `from` (a file of the unpacked cache holding the same bytes with the same mode), link (or copy)
 * that instead, with the decided link mode; if that fails, the file is inflated and written as without
 * `from` (so a failure throws the extraction's own error, whatever the link's was).
 */
export interface ExtractJob {
  archive: number;
  entry: ZipEntry;
  /** Absolute path of the new file (its parent directories are created as needed). */
  path: string;
  mode: number;
  /** Absolute path of a cache file to link or copy from, or `""`. */
  from: string;
  /**
   * With {@link ParallelExtract}'s `fillDir` (the temp directory of a wheel in the unpacked cache): the
   * entry's index, `path` being `<fillDir>/<unpackedFileName(index)>` (the worker builds it).
   */
  index?: number;
  /**
   * Hash the inflated content (sha256, for the RECORD check): {@link ParallelExtract.digestOf} gives it
   * once the job is done (not when the file was linked from `from`).
   */
  hash?: boolean;
}

/**
 * One file to link from the unpacked cache (a warm install): link `src` (a cache file) to `path` with
 * the decided link mode, or, with `copy`, copy it with `mode` (the cached file has another mode:
 * `TreeWriter.linkFile`'s rule).
 */
export interface LinkJob {
  kind: "link";
  src: string;
  /** Absolute path of the new file (its parent directories are created as needed). */
  path: string;
  mode: number;
  copy: boolean;
}

/** A job of {@link ParallelExtract}: extract a wheel entry, or link a cached file. */
export type ParallelJob = ExtractJob | LinkJob;

const isLink = (j: ParallelJob): j is LinkJob => "kind" in j;

/** How long the main thread spins for the worker's last chunks before waiting for its message instead. */
const SETTLE_MS = 2000;

/**
 * Extracts a list of jobs with the main thread and, optionally, the pool's worker (its `extract` job,
 * pool/jobs.ts `runExtract`): both claim
 * chunks of the same list (main from the front, worker from the back) through shared memory, so the
 * faster side takes more. The result does not depend on timing: every job writes its own path, and
 * on failure the error is the one the serial loop would throw (the first failing job in list order).
 */
export class ParallelExtract {
  readonly #archives: ReadonlyArray<WheelArchive>;
  readonly #jobs: ReadonlyArray<ParallelJob>;
  readonly #mode: LinkMode;
  readonly #ctl: Int32Array;
  readonly #done: Uint8Array;
  readonly #made: Set<string>;
  readonly #umask = process.umask();
  /** sha256 of each hashed job's content (32 bytes per job) and whether it is set (shared with the worker). */
  readonly #digests: Uint8Array | undefined;
  readonly #hashed: Uint8Array | undefined;
  #worker: Promise<ExtractFailure | null> | undefined;
  #started: Promise<void> | undefined;
  #mine: { index: number; error: unknown } | undefined;
  #exhausted = false;

  /**
   * Starts the worker's part at once (when `worker` is given): the caller may do other work before
   * calling {@link ParallelExtract.complete}. `roots` are existing directories (the staging root,
   * the cache's temp directories). With `fillDir`, the jobs fill that temp directory of the unpacked
   * cache (each {@link ExtractJob} has its `index`; the worker gets no path strings).
   */
  constructor(
    archives: ReadonlyArray<WheelArchive>,
    jobs: ReadonlyArray<ParallelJob>,
    linkMode: LinkMode,
    roots: ReadonlyArray<string>,
    worker: PoolWorker | undefined,
    fillDir?: string,
    gated = false,
  ) {
    this.#archives = archives;
    this.#jobs = jobs;
    this.#mode = linkMode;
    this.#made = new Set(roots);
    this.#ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
    this.#ctl[GATE] = gated ? 0 : 1;
    this.#ctl[HI] = jobs.length;
    this.#ctl[FAIL] = NO_FAIL;
    this.#done = new Uint8Array(new SharedArrayBuffer(Math.max(1, jobs.length)));
    if (jobs.some((j) => !isLink(j) && j.hash === true)) {
      this.#digests = new Uint8Array(new SharedArrayBuffer(jobs.length * 32));
      this.#hashed = new Uint8Array(new SharedArrayBuffer(jobs.length));
    }
    if (worker === undefined || jobs.length === 0) return;
    const wheels = archives.map((a) => (a.bytes.buffer instanceof SharedArrayBuffer ? a.bytes : shared(a.bytes)));
    const nums = new Float64Array(jobs.length * FIELDS);
    const paths: string[] | undefined = fillDir === undefined ? new Array(jobs.length) : undefined;
    const links: string[] | undefined = jobs.some((j) => (isLink(j) ? true : j.from !== ""))
      ? new Array(jobs.length)
      : undefined;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i]!;
      const k = i * FIELDS;
      nums[k + F_INDEX] = -1;
      if (isLink(j)) {
        nums[k + F_ARCHIVE] = -1;
        nums[k + F_METHOD] = j.copy ? 1 : 0;
        nums[k + F_MODE] = j.mode;
        paths![i] = j.path;
        links![i] = j.src;
        continue;
      }
      const e = j.entry;
      nums[k + F_ARCHIVE] = j.archive;
      nums[k + F_OFFSET] = e.localHeaderOffset;
      nums[k + F_CSIZE] = e.compressedSize;
      nums[k + F_SIZE] = e.uncompressedSize;
      nums[k + F_CRC] = e.crc32 >>> 0;
      nums[k + F_METHOD] = e.method;
      nums[k + F_MODE] = j.mode;
      nums[k + F_HASH] = j.hash === true ? 1 : 0;
      if (paths === undefined) nums[k + F_INDEX] = j.index ?? -1;
      else paths[i] = j.path;
      if (links !== undefined) links[i] = j.from;
    }
    const used = [...new Set(jobs.flatMap((j) => (isLink(j) ? [] : [j.archive])))];
    const label = `extracting ${used.map((a) => `"${archives[a]!.filename}"`).join(", ") || "cached files"}`;
    const run = worker.extract(
      {
        ctl: this.#ctl,
        done: this.#done,
        wheels,
        names: archives.map((a) => a.filename),
        nums,
        paths,
        links,
        fillDir,
        roots: [...roots],
        linkMode,
        umask: this.#umask,
        digests: this.#digests,
        hashed: this.#hashed,
      },
      label,
    );
    this.#worker = run.done;
    this.#started = run.started;
    // Reported by complete() or cancel(); never an unhandled rejection in between.
    this.#worker.catch(() => {});
  }

  #ensure(dir: string): void {
    if (dir === "" || this.#made.has(dir)) return;
    this.#ensure(dir.slice(0, dir.lastIndexOf("/")));
    try {
      mkdirSync(dir, 0o755);
      if ((0o755 & this.#umask) !== 0) chmodSync(dir, 0o755);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    this.#made.add(dir);
  }

  /**
   * Runs job `i`; false when it is left for {@link ParallelExtract.finish} (an entry to stream), unless
   * `stream` (then it streams here, synchronously).
   */
  #run(i: number, stream = false): boolean {
    const j = this.#jobs[i]!;
    if (isLink(j)) {
      this.#ensure(j.path.slice(0, j.path.lastIndexOf("/")));
      if (j.copy) copyInto(j.src, j.path, j.mode, this.#umask);
      else linkOnce(this.#mode, j.src, j.path, j.mode, this.#umask);
      return true;
    }
    const dir = j.path.slice(0, j.path.lastIndexOf("/"));
    if (j.from !== "") {
      try {
        this.#ensure(dir);
        linkOnce(this.#mode, j.from, j.path, j.mode, this.#umask);
        return true;
      } catch {
        // written below: its errors are the extraction's
      }
    }
    if (!stream && isStreamedEntry(j.entry)) {
      Atomics.add(this.#ctl, SKIPPED, 1);
      return false;
    }
    this.#ensure(dir);
    const hash = j.hash === true ? createHash("sha256") : undefined;
    writeWheelEntry(this.#archives[j.archive]!, j.entry, j.path, j.mode, hash);
    if (hash !== undefined) this.#setDigest(i, hash);
    if ((j.mode & this.#umask) !== 0) chmodSync(j.path, j.mode);
    return true;
  }

  #setDigest(i: number, hash: Hash): void {
    this.#digests!.set(hash.digest(), i * 32);
    this.#hashed![i] = 1;
  }

  /** Runs job `i` (a job the loops left: an entry to stream, on the thread pool), marking it done. */
  async #runLeft(i: number): Promise<void> {
    const j = this.#jobs[i]!;
    try {
      if (isLink(j) || !isStreamedEntry(j.entry)) {
        this.#run(i, true);
      } else {
        this.#ensure(j.path.slice(0, j.path.lastIndexOf("/")));
        const hash = j.hash === true ? createHash("sha256") : undefined;
        await writeWheelEntryStreamed(this.#archives[j.archive]!, j.entry, j.path, j.mode, hash);
        if (hash !== undefined) this.#setDigest(i, hash);
        if ((j.mode & this.#umask) !== 0) chmodSync(j.path, j.mode);
      }
    } catch (error) {
      // a failed write has no path of its own: the file it was writing (in the target or the cache)
      throw errorAtPath(error, j.path);
    }
    this.#done[i] = 1;
  }

  #claim(): [number, number] {
    const ctl = this.#ctl;
    while (Atomics.compareExchange(ctl, LOCK, 0, 1) !== 0);
    const lo = Atomics.load(ctl, LO);
    const end = Math.min(Atomics.load(ctl, HI), lo + CHUNK);
    Atomics.store(ctl, LO, Math.max(lo, end));
    Atomics.store(ctl, LOCK, 0);
    return [lo, end];
  }

  #fail(i: number): void {
    let cur = Atomics.load(this.#ctl, FAIL);
    while (i < cur) {
      const prev = Atomics.compareExchange(this.#ctl, FAIL, cur, i);
      if (prev === cur) break;
      cur = prev;
    }
    Atomics.store(this.#ctl, ABORT, 1);
  }

  /**
   * Runs the main thread's share, waits for the worker, and throws the serial loop's error if a job
   * failed (see {@link ParallelExtract.finish}). With `waitForWorker`, the main thread starts once
   * the worker has (so that it surely takes part).
   */
  async complete(signal?: AbortSignal, waitForWorker = false): Promise<void> {
    if (waitForWorker) await this.#started;
    this.runShare(signal);
    await this.finish(signal);
  }

  /**
   * Runs jobs on this thread until every job is claimed (or one failed, or `signal` aborted), without
   * waiting for the worker: several lists can be shared out before {@link ParallelExtract.finish}.
   */
  runShare(signal?: AbortSignal): void {
    outer: for (;;) {
      if (signal?.aborted) {
        Atomics.store(this.#ctl, ABORT, 1);
        break;
      }
      const [start, end] = this.#claim();
      if (start >= end) {
        this.#exhausted = true;
        break;
      }
      for (let i = start; i < end; i++) {
        if (Atomics.load(this.#ctl, ABORT) !== 0) break outer;
        if (this.#done[i] !== 0) continue;
        try {
          if (!this.#run(i)) continue;
        } catch (error) {
          // a failed write has no path of its own: the file it was writing (in the target or the cache)
          this.#mine = { index: i, error: errorAtPath(error, this.#jobs[i]!.path) };
          this.#fail(i);
          break outer;
        }
        this.#done[i] = 1;
      }
    }
  }

  /** Lets the worker start on a gated list (see the constructor). */
  open(): void {
    Atomics.store(this.#ctl, GATE, 1);
    Atomics.notify(this.#ctl, GATE);
  }

  /**
   * After {@link ParallelExtract.runShare}: spins until the worker has finished the chunks it holds
   * (about one chunk of work), so that every job is done or failed. False when it takes longer than
   * SETTLE_MS (then {@link ParallelExtract.finish} waits for the worker's message).
   */
  settle(): boolean {
    if (this.#worker === undefined) return true;
    const deadline = performance.now() + SETTLE_MS;
    while (Atomics.load(this.#ctl, INFLIGHT) !== 0) if (performance.now() > deadline) return false;
    return true;
  }

  /** The sha256 (urlsafe base64) of job `i`'s content, when it was hashed (see {@link ExtractJob.hash}). */
  digestOf(i: number): string | undefined {
    if (this.#hashed === undefined || this.#hashed[i] !== 1) return undefined;
    return digestToRecordHash(this.#digests!.subarray(i * 32, i * 32 + 32));
  }

  /** True once a job has failed. */
  get failed(): boolean {
    return Atomics.load(this.#ctl, FAIL) !== NO_FAIL;
  }

  /**
   * Waits for the worker's share (after {@link ParallelExtract.runShare}), streams the big entries
   * the loops left (in order), and throws the serial loop's error if a job failed: unstarted jobs
   * before the first failure are run here, in order, to find it.
   */
  async finish(signal?: AbortSignal): Promise<void> {
    const mine = this.#mine;
    // Every job claimed, none in the worker's hands and no failure: done, even if the worker has not
    // booted yet (small installs do not wait for it).
    const finished =
      this.#exhausted && Atomics.load(this.#ctl, INFLIGHT) === 0 && Atomics.load(this.#ctl, FAIL) === NO_FAIL;
    const theirs = this.#worker === undefined || finished ? null : await this.#worker;
    const failed = Atomics.load(this.#ctl, FAIL);
    if (failed === NO_FAIL) {
      // Complete, or aborted (the caller checks its signal). The big entries the loops left are
      // streamed here, in order (the first failing one is the serial loop's error).
      if (Atomics.load(this.#ctl, SKIPPED) === 0) return;
      for (let i = 0; i < this.#jobs.length; i++) {
        if (signal?.aborted || Atomics.load(this.#ctl, ABORT) !== 0) return;
        if (this.#done[i] === 0) await this.#runLeft(i);
      }
      return;
    }
    for (let i = 0; i < failed; i++) if (this.#done[i] === 0) await this.#runLeft(i);
    if (mine !== undefined && mine.index === failed) throw mine.error;
    if (theirs !== null && theirs.index === failed) {
      if (theirs.zip) {
        this.#run(failed); // throws the TSPACK_ZIP_INVALID error of writeWheelEntry
      }
      throw Object.assign(new Error(theirs.message ?? "unknown error"), {
        code: theirs.code,
        errno: theirs.errno,
        syscall: theirs.syscall,
        path: theirs.path ?? this.#jobs[failed]!.path,
        dest: theirs.dest,
      });
    }
    throw new Error(`The extraction failed at file ${failed}`);
  }

  /** Stops the worker's share (after a failure elsewhere) and waits for it. */
  async cancel(): Promise<void> {
    Atomics.store(this.#ctl, ABORT, 1);
    this.open();
    await this.#worker?.catch(() => null);
  }
}

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}
