import { Worker } from "node:worker_threads";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { CompileJob, CompileOutcome, PyCompiler } from "./compiler.js";
import { PYODIDE_RELEASES, type PyodideRelease } from "./compilers.js";
import { PYC_MAGIC } from "./pyc.js";
import { compileWorkerUrl } from "./worker-location.js";

/** After this many interpreter crashes in one build, the remaining files ship as source only. */
const MAX_CRASHES = 3;

interface Pending {
  id: number;
  job: CompileJob;
  resolve: (o: CompileOutcome) => void;
}

/** Settings of a {@link PyodideCompiler}. */
export interface PyodideCompilerOptions {
  /** The worker module (tests; default: this package's `worker/compile-worker.mjs`). */
  workerUrl?: URL;
  /** Called each time the compiler thread starts (Pyodide loads): the warm path must never see it. */
  onStart?: () => void;
}

/** Whether tspack ships a Pyodide for Python 3.`minor`. */
export function hasPyodide(minor: number): boolean {
  return PYODIDE_RELEASES[minor] !== undefined;
}

/**
 * CPython in WebAssembly, in one worker thread started on the first {@link compile} (so a build that finds
 * every pyc in its cache never loads it) and kept until {@link close}. The main thread only posts sources
 * and receives code objects; it keeps writing the artifact meanwhile. A file that crashes the interpreter
 * (very deep expressions overflow the wasm stack) is reported as a crash, the thread is replaced and the
 * files after it go to the new one.
 */
export class PyodideCompiler implements PyCompiler {
  readonly minor: number;
  readonly release: PyodideRelease;
  readonly #options: PyodideCompilerOptions;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #pending: Pending[] = [];
  #nextId = 0;
  #crashes = 0;

  constructor(minor: number, options: PyodideCompilerOptions = {}) {
    const release = PYODIDE_RELEASES[minor];
    if (!release) {
      throw new TspackError(ERROR_CODES.USAGE, `No Pyodide compiles bytecode for Python 3.${minor}`, {
        hint: `tspack ships Pyodide for Python ${Object.keys(PYODIDE_RELEASES)
          .map((m) => `3.${m}`)
          .join(
            ", ",
          )}; for 3.${minor}, pass --python-interpreter with a CPython 3.${minor}, or turn bytecode off (--no-compile-bytecode)`,
        details: { python: `3.${minor}` },
      });
    }
    this.minor = minor;
    this.release = release;
    this.#options = options;
  }

  async identity(): Promise<string> {
    return `pyodide ${this.release.pyodide} cpython ${this.release.python}`;
  }

  #start(): Promise<void> {
    if (this.#ready) return this.#ready;
    this.#options.onStart?.();
    const worker = new Worker(this.#options.workerUrl ?? compileWorkerUrl(), {
      workerData: { pyodide: this.release.package },
      stdout: true,
      stderr: true,
    });
    // Pyodide's own output stays inside; drain it so the streams never fill.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on("message", (m: Record<string, unknown>) => {
        if (m.type === "ready") {
          const magic = PYC_MAGIC[this.minor];
          if (m.magic !== magic || m.pyodide !== this.release.pyodide) {
            reject(
              new TspackError(
                ERROR_CODES.TOOL_FAILED,
                `The bytecode compiler "${this.release.package}" is Pyodide ${String(m.pyodide)} (Python ${String(m.python)}, magic ${String(m.magic)}), but tspack expects Pyodide ${this.release.pyodide} (magic ${magic})`,
                { hint: "Reinstall tspack so its pinned Pyodide versions are installed" },
              ),
            );
            void this.#stop();
            return;
          }
          ready = true;
          worker.ref();
          resolve();
        } else if (m.type === "failed") {
          reject(
            new TspackError(
              ERROR_CODES.TOOL_FAILED,
              `The bytecode compiler "${this.release.package}" (Pyodide ${this.release.pyodide}) cannot start: ${String(m.message)}`,
              {
                hint: `Reinstall tspack (its dependency ${this.release.package} holds the compiler), pass --python-interpreter with a CPython 3.${this.minor}, or turn bytecode off (--no-compile-bytecode)`,
              },
            ),
          );
          void this.#stop();
        } else if (typeof m.id === "number") this.#settle(m);
      });
      const died = (reason: string) => {
        if (this.#worker !== worker) return;
        if (!ready) {
          reject(
            new TspackError(
              ERROR_CODES.TOOL_FAILED,
              `The bytecode compiler "${this.release.package}" (Pyodide ${this.release.pyodide}) stopped while loading: ${reason}`,
              { hint: "Pass --python-interpreter with a CPython of the target's version, or turn bytecode off" },
            ),
          );
          this.#worker = undefined;
          this.#ready = undefined;
          return;
        }
        // The thread died under a file (out of memory, an uncaught error): the oldest pending file did it.
        const first = this.#pending[0];
        if (first) this.#settle({ id: first.id, crash: reason });
        else this.#restart();
      };
      worker.on("error", (e) => died(e.message));
      worker.on("exit", (code) => died(`the thread exited (${code})`));
    });
    this.#ready.catch(() => {});
    return this.#ready;
  }

  #settle(m: Record<string, unknown>): void {
    const i = this.#pending.findIndex((p) => p.id === m.id);
    if (i < 0) return;
    const [p] = this.#pending.splice(i, 1) as [Pending];
    if (m.code instanceof Uint8Array) p.resolve({ code: m.code });
    else if (typeof m.error === "string") p.resolve({ error: m.error });
    else {
      p.resolve({ crash: String(m.crash) });
      this.#crashes++;
      this.#restart();
    }
  }

  /** Replaces a dead thread and re-posts the files it had not answered. */
  #restart(): void {
    void this.#stop();
    if (this.#pending.length === 0) return;
    if (this.#crashes >= MAX_CRASHES) {
      for (const p of this.#pending.splice(0))
        p.resolve({ crash: `skipped: the compiler crashed ${this.#crashes} times in this build` });
      return;
    }
    const again = this.#pending.splice(0);
    for (const p of again) this.#post(p);
  }

  #post(p: Pending): void {
    this.#pending.push(p);
    this.#start().then(
      () => {
        // Posted after the thread is ready; a thread replaced meanwhile gets it from #restart.
        if (this.#pending.includes(p))
          this.#worker?.postMessage({ id: p.id, source: p.job.source, dfile: p.job.dfile });
      },
      (e: Error) => {
        const i = this.#pending.indexOf(p);
        if (i < 0) return;
        this.#pending.splice(i, 1);
        p.resolve({ crash: `the compiler cannot start: ${e.message}` });
      },
    );
  }

  async compile(jobs: ReadonlyArray<CompileJob>): Promise<CompileOutcome[]> {
    if (jobs.length === 0) return [];
    await this.#start();
    return Promise.all(
      jobs.map(
        (job) =>
          new Promise<CompileOutcome>((resolve) => {
            this.#post({ id: this.#nextId++, job, resolve });
          }),
      ),
    );
  }

  async #stop(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    if (w) await w.terminate();
  }

  async close(): Promise<void> {
    await this.#stop();
  }
}
