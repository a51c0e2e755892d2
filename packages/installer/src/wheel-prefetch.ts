import { statSync } from "node:fs";
import type { PoolWorker } from "./pool/pool.js";

const FREE = 0;
const READING = 1;
const READY = 2;
const MAIN = 4;
/** How long the main thread waits for a wheel the worker is reading before reading it itself. */
const WAIT_MS = 30_000;

/**
 * Reads and checks (sha256) wheel files in the worker thread while the main thread plans: the worker
 * takes wheels from the last one backwards, the main thread from the first, each claiming a wheel
 * with a compare-and-swap on shared memory, so every file is read once. The bytes land in
 * SharedArrayBuffers that the extraction then shares with the worker. A wheel the worker could not
 * read or verify is read again by the main thread, which throws the usual errors in the usual order.
 */
export class WheelPrefetch {
  readonly #state: Int32Array;
  readonly #bufs: Uint8Array[];

  /** Starts prefetching `files` (absolute paths, lowercase hex sha256) in `worker`. */
  constructor(files: ReadonlyArray<{ path: string; sha256: string }>, worker: PoolWorker) {
    this.#state = new Int32Array(new SharedArrayBuffer(Math.max(1, files.length) * 4));
    this.#bufs = files.map((f, k) => {
      let size = -1;
      try {
        size = statSync(f.path).size;
      } catch {
        size = -1;
      }
      if (size < 0) this.#state[k] = MAIN; // the main thread reports the error
      return new Uint8Array(new SharedArrayBuffer(Math.max(0, size)));
    });
    worker.prefetch({
      state: this.#state,
      bufs: this.#bufs,
      paths: files.map((f) => f.path),
      shas: files.map((f) => f.sha256.toLowerCase()),
    });
  }

  /** The verified bytes of file `k`, or undefined when the caller must read (and check) it itself. */
  take(k: number): Uint8Array | undefined {
    const state = this.#state;
    if (Atomics.compareExchange(state, k, FREE, MAIN) === FREE) return undefined;
    if (Atomics.load(state, k) === READING) Atomics.wait(state, k, READING, WAIT_MS);
    return Atomics.load(state, k) === READY ? this.#bufs[k] : undefined;
  }
}
