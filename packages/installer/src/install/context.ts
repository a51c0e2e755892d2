/**
 * What the steps of one install share: the options, the events (the link mode's held back until the
 * tree is written, where the serial order emits them), the staging folder, the link mode's decision
 * and the cache fill, and the pool's worker with the runs it takes part in. {@link InstallRun.abandon}
 * undoes everything when a step fails.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cacheUserPath } from "@tspack/cache";
import { ERROR_CODES, TspackError, type UserPath } from "@tspack/errors";
import { CacheFiller } from "../cache-filler.js";
import type { InstallEvent, InstallOptions } from "../install-wheels.js";
import { Linker, type LinkFallback, type LinkMode } from "../link-mode.js";
import type { ParallelExtract } from "../parallel-extract.js";
import { acquireWorker, type PoolWorker, releaseWorker } from "../pool/pool.js";
import { TreeWriter } from "../tree-writer.js";

/**
 * Below these sizes a worker thread costs more than it saves (it boots in ~50 ms and the extraction
 * itself takes about as long): measured with bench/install.bench.mjs (see docs/benchmarks.md). The
 * worker starts before planning when the cold wheels' compressed size × 2 reaches the byte limit.
 */
export const PARALLEL_MIN_FILES = 1000;
export const PARALLEL_MIN_BYTES = 24 * 1024 * 1024;

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
export const minWarmFiles = (mode: LinkMode): number =>
  mode === "hardlink" ? PARALLEL_MIN_LINKS : PARALLEL_MIN_COPIES;

export function wantWorker(parallel: boolean | undefined, files: number, bytes: number): boolean {
  if (parallel !== undefined) return parallel;
  return files >= PARALLEL_MIN_FILES || bytes >= PARALLEL_MIN_BYTES;
}

export function abortError(signal: AbortSignal): TspackError {
  return new TspackError(ERROR_CODES.ABORTED, "The install was aborted", { cause: signal.reason });
}

/**
 * The user's paths of an install, for error messages: the target folder (its staging folder and real
 * path report as it), then the cache.
 */
export function installPaths(options: InstallOptions, userDest: string, internal: string[]): UserPath[] {
  const target = options.layout === "prefix" ? "prefix" : "target";
  return [
    { path: userDest, what: `the ${target} folder`, option: `--${target}`, internal },
    ...(options.cacheDir === undefined ? [] : [cacheUserPath(resolve(options.cacheDir))]),
  ];
}

/** One install's shared state (see the module comment). */
export class InstallRun {
  readonly options: InstallOptions;
  readonly staging: string;
  readonly warnings: string[] = [];
  readonly linker: Linker;
  /** The cache fill (cold wheels unpacked into the cache), once decided; undefined without one. */
  filler: CacheFiller | undefined;
  worker: PoolWorker | undefined;
  /** The extraction in progress (cancelled on failure). */
  extract: ParallelExtract | undefined;
  /** Per cold wheel: the extraction of all its files into its temp directory of the cache. */
  readonly fillRuns: ParallelExtract[] = [];
  #held: InstallEvent[] | undefined = [];
  #stagingMade = false;
  #cacheDecided = false;
  #probeError: unknown;

  constructor(options: InstallOptions, staging: string, requestedMode: LinkMode) {
    this.options = options;
    this.staging = staging;
    // The link mode is decided by the first link, here a probe made before the first cold wheel
    // fills the cache (clone → copy, hardlink → copy). Its events are held back until the tree is
    // written, where the serial order emits them. A clone that falls back is silent (copying is what
    // the default promises where reflinks are unsupported); a hard link that falls back warns, like uv.
    this.linker = new Linker(requestedMode, (f: LinkFallback) => {
      this.#emitLink({ type: "link-fallback", ...f });
      if (f.from === "hardlink") {
        this.#emitLink({
          type: "warning",
          message: `Failed to hardlink files (${f.reason}); falling back to full copy. This may lead to degraded performance. Set the link mode to "copy" to suppress this warning.`,
        });
      }
    });
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Throws TSPACK_ABORTED when the install's signal has aborted. */
  checkAborted(): void {
    if (this.signal?.aborted) throw abortError(this.signal);
  }

  emit(e: InstallEvent): void {
    if (e.type === "warning") this.warnings.push(e.message);
    this.options.onEvent?.(e);
  }

  #emitLink(e: InstallEvent): void {
    if (this.#held === undefined) this.emit(e);
    else this.#held.push(e);
  }

  /** The pool's worker, acquired now if the install has none yet. */
  useWorker(): PoolWorker {
    this.worker ??= acquireWorker();
    return this.worker;
  }

  /** Gives the worker back to the pool (the install's parallel work is done). */
  releaseWorker(): void {
    if (this.worker !== undefined) releaseWorker(this.worker);
    this.worker = undefined;
  }

  /**
   * Before the first cold wheel fills the cache: makes the staging folder and the cache fill, and
   * decides the link mode with a probe (a failed probe drops the cache; its error is thrown when the
   * tree is written, in the serial order).
   */
  async decideCache(cacheDir: string): Promise<void> {
    if (this.#cacheDecided) return;
    this.#cacheDecided = true;
    mkdirSync(this.staging);
    this.#stagingMade = true;
    const fill = await CacheFiller.create(cacheDir);
    this.filler = fill;
    const probe = `${fill.root}/probe`;
    const probeLink = `${this.staging}/.tspack-link-probe`;
    writeFileSync(probe, "tspack", { flag: "wx", mode: 0o644 });
    try {
      this.linker.link(probe, probeLink, 0o644);
    } catch (e) {
      fill.abandon();
      this.filler = undefined;
      this.#probeError = e;
    } finally {
      rmSync(probeLink, { force: true });
      rmSync(probe, { force: true });
    }
  }

  /** Starts writing the staged tree: emits the held link events (and throws the probe's error). */
  startTree(): TreeWriter {
    if (!this.#stagingMade) mkdirSync(this.staging);
    const writer = new TreeWriter(this.staging);
    const events = this.#held ?? [];
    this.#held = undefined;
    for (const e of events) this.emit(e);
    if (this.#probeError !== undefined) throw this.#probeError;
    return writer;
  }

  /** After a failure: stops the extractions and the worker, drops the cache fill and the staging folder. */
  async abandon(): Promise<void> {
    await Promise.all(this.fillRuns.map((r) => r.cancel()));
    await this.extract?.cancel();
    void this.worker?.terminate();
    this.filler?.abandon();
    rmSync(this.staging, { recursive: true, force: true });
  }
}
