import { createHash, type Hash } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { errorAtPath } from "@tspack/errors";
import { isStreamedEntry, ONE_CALL_MAX_BYTES, type ZipEntry } from "@tspack/zip";
import { type WheelArchive, writeWheelEntry, writeWheelEntryStreamed } from "./archive.js";
import { COPY_CHUNK, copyInto, type LinkMode, linkOnce } from "./link-mode.js";
import { BUCKET_BITS } from "./unpacked-cache.js";

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

// Shared control words: a spin lock guarding [lo, hi) (the main thread claims from the front, the
// worker from the back, so the two rarely write into the same directory), an abort flag, the
// smallest failed job index and the worker's chunks in flight.
const LOCK = 0;
const LO = 1;
const HI = 2;
const ABORT = 3;
const FAIL = 4;
/** Chunks the worker has claimed and not finished (so the main thread knows whether to wait for it). */
const INFLIGHT = 5;
/** A gated list: the worker starts on it once the main thread has opened the gate (1). */
const GATE = 6;
/**
 * Jobs left undone by the two loops: deflated entries above ONE_CALL_MAX_BYTES, which
 * {@link ParallelExtract.finish} streams (@tspack/zip's reader, inflating on the thread pool). The
 * loops inflate in one call only, so their memory stays bounded.
 */
const SKIPPED = 7;
const CTL_WORDS = 8;
const NO_FAIL = 0x7fffffff;
/** How long the main thread spins for the worker's last chunks before waiting for its message instead. */
const SETTLE_MS = 2000;
/** Jobs per claim: small enough that the faster thread takes more, large enough to keep locking rare. */
const CHUNK = 8;
/**
 * Numbers per job in the worker's table: archive, local header offset, compressed size, size, crc32,
 * method, mode, the file's index in the run's cache directory (or -1: its path is in `paths`), and 1 to
 * hash the content. A link job has archive -1, and method 1 when it copies with another mode (paths:
 * its dest, links: its source).
 */
const FIELDS = 9;

/**
 * The worker's loop (inline source: no file to find after bundling or under vitest). It mirrors
 * {@link ParallelExtract}'s main-thread loop and `writeWheelEntry`'s checks (zip-bomb limit, size,
 * CRC-32) for entries inflated in one call; a deflated entry above ONE_CALL_MAX_BYTES is left to the
 * main thread, which streams it. A failed check only reports the job index: the main thread re-runs
 * that job to throw the exact error the serial path throws.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const zlib = require("node:zlib");
const crypto = require("node:crypto");
// Reads and hashes wheels from the last backwards until it meets the main thread (see WheelPrefetch):
// state 0 free, 1 worker reading, 2 read and sha256 ok, 3 failed (the main thread reads it), 4 main's.
const prefetch = ({ state, bufs, paths, shas }) => {
  for (let k = paths.length - 1; k >= 0; k--) {
    if (Atomics.compareExchange(state, k, 0, 1) !== 0) break;
    let ok = false;
    try {
      const fd = fs.openSync(paths[k], "r");
      try {
        const buf = bufs[k];
        let off = 0;
        while (off < buf.length) {
          const n = fs.readSync(fd, buf, off, buf.length - off, off);
          if (n === 0) break;
          off += n;
        }
        ok = off === buf.length && fs.fstatSync(fd).size === off && crypto.createHash("sha256").update(buf).digest("hex") === shas[k];
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      ok = false;
    }
    Atomics.store(state, k, ok ? 2 : 3);
    Atomics.notify(state, k);
  }
};
const claim = (ctl, size) => {
  while (Atomics.compareExchange(ctl, ${LOCK}, 0, 1) !== 0);
  const lo = Atomics.load(ctl, ${LO});
  const hi = Atomics.load(ctl, ${HI});
  const start = Math.max(lo, hi - size);
  Atomics.store(ctl, ${HI}, start);
  if (start < hi) Atomics.add(ctl, ${INFLIGHT}, 1);
  Atomics.store(ctl, ${LOCK}, 0);
  return [start, hi];
};
const ZIP = { zip: true };
const copyBuffer = Buffer.allocUnsafe(${COPY_CHUNK});
parentPort.on("message", (m) => {
  if (m.prefetch) return prefetch(m.prefetch);
  parentPort.postMessage({ started: true });
  const { ctl, done, wheels, nums, paths, links, fillDir, roots, linkMode, umask, digests, hashed } = m;
  while (Atomics.load(ctl, ${GATE}) === 0) Atomics.wait(ctl, ${GATE}, 0, 1000);
  const made = new Set(roots);
  const ensure = (dir) => {
    if (dir === "" || made.has(dir)) return;
    ensure(dir.slice(0, dir.lastIndexOf("/")));
    try {
      fs.mkdirSync(dir, 0o755);
      if ((0o755 & umask) !== 0) fs.chmodSync(dir, 0o755);
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    made.add(dir);
  };
  // copyInto and linkOnce of link-mode.ts
  const copy = (src, dest, mode) => {
    const from = fs.openSync(src, "r");
    try {
      const to = fs.openSync(dest, "wx", mode);
      let open = true;
      try {
        for (;;) {
          const n = fs.readSync(from, copyBuffer, 0, ${COPY_CHUNK}, null);
          if (n === 0) break;
          for (let off = 0; off < n; ) off += fs.writeSync(to, copyBuffer, off, n - off);
        }
        open = false;
        fs.closeSync(to);
        if ((mode & umask) !== 0) fs.chmodSync(dest, mode);
      } catch (e) {
        if (open) fs.closeSync(to);
        fs.rmSync(dest, { force: true });
        throw e;
      }
    } finally {
      fs.closeSync(from);
    }
  };
  const link = (src, dest, mode) => {
    if (linkMode === "clone") fs.copyFileSync(src, dest, fs.constants.COPYFILE_FICLONE_FORCE | fs.constants.COPYFILE_EXCL);
    else if (linkMode === "hardlink") fs.linkSync(src, dest);
    else copy(src, dest, mode);
  };
  let error = null;
  let stop = false;
  while (!stop) {
    const [start, end] = claim(ctl, ${CHUNK});
    if (start >= end) break;
    for (let i = start; i < end; i++) {
      if (Atomics.load(ctl, ${ABORT}) !== 0) {
        stop = true;
        break;
      }
      if (done[i] !== 0) continue;
      const k = i * ${FIELDS};
      try {
        if (nums[k] < 0) {
          // a link job (TreeWriter.linkFile): link the cached file, or copy it with another mode
          const path = paths[i];
          const src = links[i];
          ensure(path.slice(0, path.lastIndexOf("/")));
          if (nums[k + 5] !== 0) copy(src, path, nums[k + 6]);
          else link(src, path, nums[k + 6]);
          done[i] = 1;
          continue;
        }
        const index = nums[k + 7];
        const path = index < 0 ? paths[i] : fillDir + "/" + (index >> ${BUCKET_BITS}) + "/" + index;
        const dir = path.slice(0, path.lastIndexOf("/"));
        const from = links === undefined ? "" : links[i];
        if (from !== "") {
          try {
            ensure(dir);
            link(from, path, nums[k + 6]);
            done[i] = 1;
            continue;
          } catch {
            // written below: its errors are the extraction's
          }
        }
        // getEntryData: the data follows the local header (checked when the archive was opened)
        const wheel = wheels[nums[k]];
        const o = nums[k + 1];
        if (o + 30 > wheel.length || wheel[o] !== 0x50 || wheel[o + 1] !== 0x4b || wheel[o + 2] !== 3 || wheel[o + 3] !== 4) throw ZIP;
        const off = o + 30 + (wheel[o + 26] | (wheel[o + 27] << 8)) + (wheel[o + 28] | (wheel[o + 29] << 8));
        if (off + nums[k + 2] > wheel.length) throw ZIP;
        const size = nums[k + 3];
        if (nums[k + 5] !== 0 && size > ${ONE_CALL_MAX_BYTES}) {
          // streamed by the main thread (finish), off these loops
          Atomics.add(ctl, ${SKIPPED}, 1);
          continue;
        }
        const raw = wheel.subarray(off, off + nums[k + 2]);
        let out = raw;
        if (nums[k + 5] !== 0) {
          try {
            out = zlib.inflateRawSync(raw, {
              maxOutputLength: Math.max(1, size),
              chunkSize: Math.max(64, Math.min(size + 1, ${ONE_CALL_MAX_BYTES})),
            });
          } catch {
            throw ZIP;
          }
        }
        if (out.length !== size || zlib.crc32(out) >>> 0 !== nums[k + 4]) throw ZIP;
        if (nums[k + 8] !== 0) {
          digests.set(crypto.createHash("sha256").update(out).digest(), i * 32);
          hashed[i] = 1;
        }
        const mode = nums[k + 6];
        ensure(dir);
        fs.writeFileSync(path, out, { mode, flag: "wx" });
        if ((mode & umask) !== 0) fs.chmodSync(path, mode);
      } catch (e) {
        error =
          e === ZIP
            ? { index: i, zip: true }
            : { index: i, zip: false, message: String(e && e.message), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path, dest: e && e.dest };
        let cur = Atomics.load(ctl, ${FAIL});
        while (i < cur) {
          const prev = Atomics.compareExchange(ctl, ${FAIL}, cur, i);
          if (prev === cur) break;
          cur = prev;
        }
        Atomics.store(ctl, ${ABORT}, 1);
        stop = true;
        break;
      }
      done[i] = 1;
    }
    Atomics.sub(ctl, ${INFLIGHT}, 1);
  }
  parentPort.postMessage({ error });
});
`;

/** What the worker reports for a failed job. */
interface WorkerFailure {
  index: number;
  zip: boolean;
  message?: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  dest?: string;
}

/**
 * A worker thread that inflates and writes files next to the main thread. Start it early (it boots in
 * ~50 ms on the other core while the main thread plans), use it for one {@link ParallelExtract}, then
 * {@link ExtractWorker.terminate} it.
 */
export class ExtractWorker {
  readonly #worker: Worker;
  /** Runs posted and not finished, in order (the worker runs them one after the other). */
  readonly #runs: { started: () => void; resolve: (e: WorkerFailure | null) => void; reject: (e: Error) => void }[] =
    [];
  #failure: Error | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.on("message", (m: { started?: true; error?: WorkerFailure | null }) => {
      if (m.started) {
        this.#runs[0]?.started();
        return;
      }
      this.#runs.shift()?.resolve(m.error ?? null);
    });
    const fail = (e: Error) => {
      this.#failure ??= e;
      for (const r of this.#runs.splice(0)) r.reject(e);
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) => fail(new Error(`The extract worker stopped (exit code ${code})`)));
  }

  /**
   * Posts one run (runs queue up: the worker takes the next when it has finished one). `done`
   * resolves with the worker's failure (or null) once it has claimed every chunk it could; `started`
   * resolves when the worker has begun (or failed).
   */
  run(message: object): { started: Promise<void>; done: Promise<WorkerFailure | null> } {
    let started!: () => void;
    const startedP = new Promise<void>((r) => {
      started = r;
    });
    if (this.#failure !== undefined) {
      started();
      return { started: startedP, done: Promise.reject(this.#failure) };
    }
    const done = new Promise<WorkerFailure | null>((resolve, reject) => {
      this.#runs.push({
        started,
        resolve,
        reject: (e) => {
          started();
          reject(e);
        },
      });
      this.#worker.postMessage(message);
    });
    return { started: startedP, done };
  }

  /** Posts a prefetch of wheel files (see WheelPrefetch); it runs before the next run. */
  prefetch(message: object): void {
    if (this.#failure === undefined) this.#worker.postMessage({ prefetch: message });
  }

  /** Stops the thread (after its runs, or to give up). */
  terminate(): void {
    this.#runs.splice(0);
    this.#worker.removeAllListeners();
    this.#worker.on("error", () => {});
    void this.#worker.terminate();
  }

  /**
   * A worker for one install: the one the last install released (booted, its code already compiled
   * by V8: a new thread recompiles the inflate and write loops on every install), or a new one.
   */
  static acquire(): ExtractWorker {
    const w = idle;
    idle = undefined;
    if (w !== undefined) {
      clearTimeout(w.#idleTimer);
      if (w.#failure === undefined) {
        w.#worker.ref();
        return w;
      }
      w.terminate();
    }
    return new ExtractWorker();
  }

  /**
   * Gives the worker back after a successful install (its runs may still be draining: they are
   * queued before the next install's). It does not keep the process alive, and stops after
   * IDLE_MS unused. A worker that failed, or one more than the one kept, is terminated.
   */
  release(): void {
    if (this.#failure !== undefined || idle !== undefined) {
      this.terminate();
      return;
    }
    this.#worker.unref();
    idle = this;
    this.#idleTimer = setTimeout(() => {
      if (idle === this) idle = undefined;
      this.terminate();
    }, IDLE_MS);
    this.#idleTimer.unref();
  }
}

/** The worker kept between installs (see {@link ExtractWorker.acquire}). */
let idle: ExtractWorker | undefined;
/** How long a released worker waits for the next install. */
const IDLE_MS = 10_000;

/**
 * Extracts a list of jobs with the main thread and, optionally, one {@link ExtractWorker}: both claim
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
  #worker: Promise<WorkerFailure | null> | undefined;
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
    worker: ExtractWorker | undefined,
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
      nums[k + 7] = -1;
      if (isLink(j)) {
        nums[k] = -1;
        nums[k + 5] = j.copy ? 1 : 0;
        nums[k + 6] = j.mode;
        paths![i] = j.path;
        links![i] = j.src;
        continue;
      }
      const e = j.entry;
      nums[k] = j.archive;
      nums[k + 1] = e.localHeaderOffset;
      nums[k + 2] = e.compressedSize;
      nums[k + 3] = e.uncompressedSize;
      nums[k + 4] = e.crc32 >>> 0;
      nums[k + 5] = e.method;
      nums[k + 6] = j.mode;
      nums[k + 8] = j.hash === true ? 1 : 0;
      if (paths === undefined) nums[k + 7] = j.index ?? -1;
      else paths[i] = j.path;
      if (links !== undefined) links[i] = j.from;
    }
    const run = worker.run({
      ctl: this.#ctl,
      done: this.#done,
      wheels,
      nums,
      paths,
      links,
      fillDir,
      roots: [...roots],
      linkMode,
      umask: this.#umask,
      digests: this.#digests,
      hashed: this.#hashed,
    });
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
    return Buffer.from(this.#digests!.buffer, i * 32, 32).toString("base64url");
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
