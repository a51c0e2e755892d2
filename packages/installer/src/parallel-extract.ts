import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { getEntryData, type ZipEntry } from "@tspack/zip";
import { inflateWheelEntry, type WheelArchive } from "./archive.js";
import { type LinkMode, linkOnce } from "./link-mode.js";

/** One file to extract: inflate `entry` of `archives[archive]`, write it at `path` with `mode`, then link it to `link` (when not empty). */
export interface ExtractJob {
  archive: number;
  entry: ZipEntry;
  /** Absolute path of the new file (its parent directories are created as needed). */
  path: string;
  mode: number;
  /** Absolute path to link the written file to (the unpacked cache; parents created as needed), or `""`. */
  link: string;
}

/**
 * One file to link from the unpacked cache (a warm install): link `src` (a cache file) to `path` with
 * the decided link mode, or, with `copy`, copy it and chmod the copy to `mode` (the cached file has
 * another mode: `TreeWriter.linkFile`'s rule).
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
const NO_FAIL = 0x7fffffff;
/** Jobs per claim: small enough that the faster thread takes more, large enough to keep locking rare. */
const CHUNK = 8;
/**
 * Numbers per job in the worker's table: archive, data offset, compressed size, size, crc32, method,
 * mode. A link job has archive -1, and method 1 when it copies + chmods (paths: its dest, links: its source).
 */
const FIELDS = 7;

/**
 * The worker's loop (inline source: no file to find after bundling or under vitest). It mirrors
 * {@link ParallelExtract}'s main-thread loop and `inflateWheelEntry`'s checks (zip-bomb limit, size,
 * CRC-32); a failed check only reports the job index: the main thread re-runs that job to throw the
 * exact error the serial path throws.
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
parentPort.on("message", (m) => {
  if (m.prefetch) return prefetch(m.prefetch);
  parentPort.postMessage({ started: true });
  const { ctl, done, wheels, nums, paths, links, roots, linkMode, umask } = m;
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
          // a link job (TreeWriter.linkFile): link the cached file, or copy + chmod it to another mode
          const path = paths[i];
          const src = links[i];
          ensure(path.slice(0, path.lastIndexOf("/")));
          if (nums[k + 5] !== 0) {
            fs.copyFileSync(src, path);
            fs.chmodSync(path, nums[k + 6]);
          } else if (linkMode === "hardlink") fs.linkSync(src, path);
          else if (linkMode === "clone") fs.copyFileSync(src, path, fs.constants.COPYFILE_FICLONE_FORCE);
          else fs.copyFileSync(src, path);
          done[i] = 1;
          continue;
        }
        const off = nums[k + 1];
        if (off < 0) throw ZIP;
        const size = nums[k + 3];
        const raw = wheels[nums[k]].subarray(off, off + nums[k + 2]);
        let out = raw;
        if (nums[k + 5] !== 0) {
          try {
            out = zlib.inflateRawSync(raw, {
              maxOutputLength: Math.max(1, size),
              chunkSize: Math.max(64, Math.min(size + 1, 64 * 1024 * 1024)),
            });
          } catch {
            throw ZIP;
          }
        }
        if (out.length !== size || zlib.crc32(out) >>> 0 !== nums[k + 4]) throw ZIP;
        const path = paths[i];
        const mode = nums[k + 6];
        ensure(path.slice(0, path.lastIndexOf("/")));
        fs.writeFileSync(path, out, { mode, flag: "wx" });
        if ((mode & umask) !== 0) fs.chmodSync(path, mode);
        const link = links[i];
        if (link !== "") {
          ensure(link.slice(0, link.lastIndexOf("/")));
          if (linkMode === "hardlink") fs.linkSync(path, link);
          else if (linkMode === "clone") fs.copyFileSync(path, link, fs.constants.COPYFILE_FICLONE_FORCE);
          else fs.copyFileSync(path, link);
        }
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
  #pending: { started: () => void; resolve: (e: WorkerFailure | null) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.on("message", (m: { started?: true; error?: WorkerFailure | null }) => {
      if (m.started) {
        this.#pending?.started();
        return;
      }
      const p = this.#pending;
      this.#pending = undefined;
      p?.resolve(m.error ?? null);
    });
    const fail = (e: Error) => {
      this.#failure ??= e;
      const p = this.#pending;
      this.#pending = undefined;
      p?.reject(e);
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) => fail(new Error(`The extract worker stopped (exit code ${code})`)));
  }

  /**
   * Posts one run. `done` resolves with the worker's failure (or null) once it has claimed every
   * chunk it could; `started` resolves when the worker has begun (or failed).
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
      this.#pending = {
        started,
        resolve,
        reject: (e) => {
          started();
          reject(e);
        },
      };
      this.#worker.postMessage(message);
    });
    return { started: startedP, done };
  }

  /** Posts a prefetch of wheel files (see WheelPrefetch); it runs before the next run. */
  prefetch(message: object): void {
    if (this.#failure === undefined) this.#worker.postMessage({ prefetch: message });
  }

  /** Stops the thread (after its run, or to give up). */
  terminate(): void {
    this.#pending = undefined;
    this.#worker.removeAllListeners();
    this.#worker.on("error", () => {});
    void this.#worker.terminate();
  }
}

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
  #worker: Promise<WorkerFailure | null> | undefined;
  #started: Promise<void> | undefined;

  /**
   * Starts the worker's part at once (when `worker` is given): the caller may do other work before
   * calling {@link ParallelExtract.complete}. `roots` are existing directories (the staging root,
   * the cache's temp directories).
   */
  constructor(
    archives: ReadonlyArray<WheelArchive>,
    jobs: ReadonlyArray<ParallelJob>,
    linkMode: LinkMode,
    roots: ReadonlyArray<string>,
    worker: ExtractWorker | undefined,
  ) {
    this.#archives = archives;
    this.#jobs = jobs;
    this.#mode = linkMode;
    this.#made = new Set(roots);
    this.#ctl = new Int32Array(new SharedArrayBuffer(6 * 4));
    this.#ctl[HI] = jobs.length;
    this.#ctl[FAIL] = NO_FAIL;
    this.#done = new Uint8Array(new SharedArrayBuffer(Math.max(1, jobs.length)));
    if (worker === undefined || jobs.length === 0) return;
    const wheels = archives.map((a) => (a.bytes.buffer instanceof SharedArrayBuffer ? a.bytes : shared(a.bytes)));
    const nums = new Float64Array(jobs.length * FIELDS);
    const paths: string[] = new Array(jobs.length);
    const links: string[] = new Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i]!;
      const k = i * FIELDS;
      if (isLink(j)) {
        nums[k] = -1;
        nums[k + 5] = j.copy ? 1 : 0;
        nums[k + 6] = j.mode;
        paths[i] = j.path;
        links[i] = j.src;
        continue;
      }
      const e = j.entry;
      let off = -1; // a bad local header: the main thread throws its error when it re-runs the job
      try {
        const archive = archives[j.archive]!;
        off = getEntryData(archive.bytes, e, { name: archive.filename }).byteOffset - archive.bytes.byteOffset;
      } catch {
        off = -1;
      }
      nums[k] = j.archive;
      nums[k + 1] = off;
      nums[k + 2] = e.compressedSize;
      nums[k + 3] = e.uncompressedSize;
      nums[k + 4] = e.crc32 >>> 0;
      nums[k + 5] = e.method;
      nums[k + 6] = j.mode;
      paths[i] = j.path;
      links[i] = j.link;
    }
    const run = worker.run({
      ctl: this.#ctl,
      done: this.#done,
      wheels,
      nums,
      paths,
      links,
      roots: [...roots],
      linkMode,
      umask: this.#umask,
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

  #run(i: number): void {
    const j = this.#jobs[i]!;
    if (isLink(j)) {
      this.#ensure(j.path.slice(0, j.path.lastIndexOf("/")));
      if (j.copy) {
        copyFileSync(j.src, j.path);
        chmodSync(j.path, j.mode);
      } else linkOnce(this.#mode, j.src, j.path);
      return;
    }
    const data = inflateWheelEntry(this.#archives[j.archive]!, j.entry);
    this.#ensure(j.path.slice(0, j.path.lastIndexOf("/")));
    writeFileSync(j.path, data, { mode: j.mode, flag: "wx" });
    if ((j.mode & this.#umask) !== 0) chmodSync(j.path, j.mode);
    if (j.link !== "") {
      this.#ensure(j.link.slice(0, j.link.lastIndexOf("/")));
      linkOnce(this.#mode, j.path, j.link);
    }
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
   * failed (unstarted jobs before the first failure are run here, in order, to find it). With
   * `waitForWorker`, the main thread starts once the worker has (so that it surely takes part).
   */
  async complete(signal?: AbortSignal, waitForWorker = false): Promise<void> {
    if (waitForWorker) await this.#started;
    let mine: { index: number; error: unknown } | undefined;
    let exhausted = false;
    outer: for (;;) {
      if (signal?.aborted) {
        Atomics.store(this.#ctl, ABORT, 1);
        break;
      }
      const [start, end] = this.#claim();
      if (start >= end) {
        exhausted = true;
        break;
      }
      for (let i = start; i < end; i++) {
        if (Atomics.load(this.#ctl, ABORT) !== 0) break outer;
        if (this.#done[i] !== 0) continue;
        try {
          this.#run(i);
        } catch (error) {
          mine = { index: i, error };
          this.#fail(i);
          break outer;
        }
        this.#done[i] = 1;
      }
    }
    // Every job claimed, none in the worker's hands and no failure: done, even if the worker has not
    // booted yet (small installs do not wait for it).
    const finished = exhausted && Atomics.load(this.#ctl, INFLIGHT) === 0 && Atomics.load(this.#ctl, FAIL) === NO_FAIL;
    const theirs = this.#worker === undefined || finished ? null : await this.#worker;
    const failed = Atomics.load(this.#ctl, FAIL);
    if (failed === NO_FAIL) return; // complete, or aborted (the caller checks its signal)
    for (let i = 0; i < failed; i++) if (this.#done[i] === 0) this.#run(i);
    if (mine !== undefined && mine.index === failed) throw mine.error;
    if (theirs !== null && theirs.index === failed) {
      if (theirs.zip) {
        this.#run(failed); // throws the TSPACK_ZIP_INVALID error of inflateWheelEntry
      }
      throw Object.assign(new Error(theirs.message ?? "unknown error"), {
        code: theirs.code,
        errno: theirs.errno,
        syscall: theirs.syscall,
        path: theirs.path,
        dest: theirs.dest,
      });
    }
    throw new Error(`The extraction failed at file ${failed}`);
  }

  /** Stops the worker's share (after a failure elsewhere) and waits for it. */
  async cancel(): Promise<void> {
    Atomics.store(this.#ctl, ABORT, 1);
    await this.#worker?.catch(() => null);
  }
}

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}
