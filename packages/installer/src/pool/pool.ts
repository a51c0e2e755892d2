/**
 * The worker pool: the one worker thread (at most one kept idle between jobs) that runs the installer's
 * and the build's parallel jobs (extract, verify, prefetch: see pool/protocol.ts). Lazy: no thread
 * until a job, or {@link prestartWorker}, asks for one (it boots in ~30–50 ms on the other core while
 * the main thread plans or downloads). A worker taken with {@link acquireWorker} is given back with
 * {@link releaseWorker}: it is kept (booted, its code compiled) for the next job, without holding
 * the process, for IDLE_MS.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type {
  ExtractFailure,
  ExtractMessage,
  PrefetchMessage,
  Reply,
  VerifyMessage,
  VerifyResult,
} from "./protocol.js";

/** Set by scripts/build.mjs in the bundles: "cjs" (dist/*.cjs) or "esm" (dist/index.js and its chunks). */
declare const __TSPACK_BUNDLE__: "cjs" | "esm" | undefined;

let checkedFile: string | undefined;

/**
 * The worker's file: dist/pool-worker.cjs beside the bundles, or the installer's compiled
 * dist/pool/worker.js. A missing file is a broken package (or a workspace not built), never silently
 * worked around: TSPACK_INTERNAL.
 */
export function workerFile(): string {
  if (checkedFile !== undefined) return checkedFile;
  const file = locateWorkerFile();
  if (!existsSync(file)) {
    throw new TspackError(ERROR_CODES.INTERNAL, `The worker thread's file "${file}" is missing`, {
      hint: "The tspack package is incomplete: reinstall it (in the tspack repository: run `node scripts/build.mjs`).",
    });
  }
  checkedFile = file;
  return file;
}

function locateWorkerFile(): string {
  if (typeof __TSPACK_BUNDLE__ !== "undefined") {
    if (__TSPACK_BUNDLE__ === "cjs") return join(__dirname, "pool-worker.cjs");
    const dir = dirname(fileURLToPath(import.meta.url)); // dist/ or dist/chunks/
    return join(dir.endsWith("/chunks") ? dirname(dir) : dir, "pool-worker.cjs");
  }
  const here = fileURLToPath(import.meta.url);
  // From source (tests import the TypeScript): the compiled worker (`tsc -b` builds it).
  if (here.endsWith(".ts")) return join(dirname(here), "..", "..", "dist", "pool", "worker.js");
  return join(dirname(here), "worker.js");
}

/** How long a released worker waits for the next job. */
const IDLE_MS = 10_000;

interface Pending {
  /** What the job was doing, for the error when the worker dies: `extracting "a.whl"`. */
  label: string;
  onReply: (r: Reply) => void;
  onDeath: (e: TspackError) => void;
}

/** One worker thread of the pool. */
export class PoolWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #death: Error | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.#worker = new Worker(workerFile());
    this.#worker.on("message", (r: Reply) => this.#pending.get(r.id)?.onReply(r));
    this.#worker.on("error", (e) => this.#die(e));
    this.#worker.on("exit", (code) => this.#die(new Error(`the worker thread exited (code ${code})`)));
  }

  #die(e: Error): void {
    this.#death ??= e;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.onDeath(crashed(p.label, this.#death));
  }

  /** True once the thread has failed or exited. */
  get dead(): boolean {
    return this.#death !== undefined;
  }

  #post(label: string, build: (id: number) => ExtractMessage | VerifyMessage, handlers: Omit<Pending, "label">): void {
    if (this.#death !== undefined) {
      handlers.onDeath(crashed(label, this.#death));
      return;
    }
    const id = this.#nextId++;
    this.#pending.set(id, { label, ...handlers });
    this.#worker.postMessage(build(id));
  }

  /**
   * Posts an extract run (runs queue up: the worker takes the next when it has finished one). `done`
   * resolves with the worker's failure (or null) once it has claimed every chunk it could; `started`
   * resolves when the worker has begun (or died). `label` names the wheels, for a crash's error.
   */
  extract(
    message: Omit<ExtractMessage, "kind" | "id">,
    label: string,
  ): { started: Promise<void>; done: Promise<ExtractFailure | null> } {
    let started!: () => void;
    const startedP = new Promise<void>((r) => {
      started = r;
    });
    const done = new Promise<ExtractFailure | null>((resolve, reject) => {
      this.#post(label, (id) => ({ kind: "extract", id, ...message }), {
        onReply: (r) => {
          if (r.kind === "started") started();
          else if (r.kind === "extracted") {
            this.#pending.delete(r.id);
            resolve(r.failure);
          }
        },
        onDeath: (e) => {
          started();
          reject(e);
        },
      });
    });
    return { started: startedP, done };
  }

  /** Posts a verify job (see VerifyMessage); rejects with a TspackError naming the wheel if the worker dies. */
  verify(message: Omit<VerifyMessage, "kind" | "id">): Promise<VerifyResult> {
    return new Promise((resolve, reject) => {
      this.#post(`checking "${message.filename}"`, (id) => ({ kind: "verify", id, ...message }), {
        onReply: (r) => {
          if (r.kind !== "verified") return;
          this.#pending.delete(r.id);
          resolve({ bad: r.bad, digests: r.digests, ...(r.error === undefined ? {} : { error: r.error }) });
        },
        onDeath: reject,
      });
    });
  }

  /** Posts a prefetch of wheel files (see WheelPrefetch); it runs before the next job. No reply. */
  prefetch(message: Omit<PrefetchMessage, "kind">): void {
    if (this.#death === undefined) this.#worker.postMessage({ kind: "prefetch", ...message });
  }

  /** Stops the thread (after its jobs, or to give up); jobs still pending are not answered. */
  terminate(): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#pending.clear();
    this.#death ??= new Error("the worker thread was terminated");
    this.#worker.removeAllListeners();
    this.#worker.on("error", () => {});
    return this.#worker.terminate().then(() => {});
  }

  /** Keeps (or stops) the process alive while this worker runs jobs. */
  hold(on: boolean): void {
    if (on) this.#worker.ref();
    else this.#worker.unref();
  }

  /** Parks the worker as the pool's idle one for IDLE_MS. */
  park(onExpire: () => void): void {
    this.hold(false);
    this.#idleTimer = setTimeout(onExpire, IDLE_MS);
    this.#idleTimer.unref();
  }

  /** Takes the worker out of the idle slot. */
  unpark(): void {
    clearTimeout(this.#idleTimer);
    this.hold(true);
  }
}

function crashed(label: string, cause: Error): TspackError {
  return new TspackError(ERROR_CODES.INTERNAL, `The worker thread ${label} stopped: ${cause.message}`, {
    cause,
    hint: "This is a bug in tspack (or the machine ran out of memory): run again, and report it if it persists.",
  });
}

/** The worker kept between jobs (booted, its code compiled by V8), and whether a pre-start made it. */
let idle: PoolWorker | undefined;
let prestarted = false;

function setIdle(w: PoolWorker): void {
  idle = w;
  w.park(() => {
    if (idle !== w) return;
    idle = undefined;
    prestarted = false;
    void w.terminate();
  });
}

/**
 * Starts a worker now (if none is idle), so that it boots while the caller does other work (e.g. wheels
 * download); the next {@link acquireWorker} takes it. It does not keep the process alive.
 */
export function prestartWorker(): void {
  if (idle !== undefined && !idle.dead) return;
  setIdle(new PoolWorker());
  prestarted = true;
}

/** Terminates a worker made by {@link prestartWorker} that no job took. */
export async function stopPrestartedWorker(): Promise<void> {
  if (!prestarted || idle === undefined) return;
  const w = idle;
  idle = undefined;
  prestarted = false;
  await w.terminate();
}

/** A worker for a job: the idle one (booted, compiled) or a new one. Give it back with {@link releaseWorker}. */
export function acquireWorker(): PoolWorker {
  const w = idle;
  idle = undefined;
  prestarted = false;
  if (w !== undefined) {
    if (!w.dead) {
      w.unpark();
      return w;
    }
    void w.terminate();
  }
  return new PoolWorker();
}

/**
 * Gives a worker back after its jobs (some may still be draining: they run before the next job's). It is
 * kept idle unless it died or another is already kept (then it is terminated).
 */
export function releaseWorker(w: PoolWorker): void {
  if (w.dead || (idle !== undefined && idle !== w)) {
    void w.terminate();
    return;
  }
  setIdle(w);
}
