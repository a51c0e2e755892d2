/**
 * The once-per-wheel CRC/size check of the zip path, off the main thread. The zip path copies wheel
 * entries without inflating them, so every entry of a newly downloaded wheel is inflated once to prove
 * its CRC-32 and size (a marker `checked-v1/ab/<sha256>` remembers it). That costs ~1 s per 250 MB
 * unzipped; a worker thread does it while the main thread plans and writes the artifacts, and the build
 * waits for it before publishing anything. The worker only says which entry failed: the main thread
 * then reports it with the same error as an inline check.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { CHECKED_BUCKET } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { getEntryData } from "@tspack/zip";
import { type LoadedWheel, readEntry } from "./wheels.js";

/** Inline source (no file to find after bundling): inflates [offset, csize, usize, crc, method] rows. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const zlib = require("node:zlib");
parentPort.on("message", ({ id, path, rows }) => {
  let bad = -1;
  let error;
  try {
    const bytes = readFileSync(path);
    for (let i = 0; i < rows.length; i += 5) {
      const [off, csize, usize, crc, method] = [rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4]];
      const raw = bytes.subarray(off, off + csize);
      let data;
      try {
        data = method === 0 ? raw : zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, usize) });
      } catch {
        bad = i / 5;
        break;
      }
      if (raw.length !== csize || data.length !== usize || zlib.crc32(data) >>> 0 !== crc) {
        bad = i / 5;
        break;
      }
    }
  } catch (e) {
    error = String(e && e.message);
  }
  parentPort.postMessage({ id, bad, error });
});
`;

/**
 * Below this much to inflate, checking inline beats a worker: on the FastAPI example (8 MB, 303 entries,
 * ~45 ms inline) a worker cost ~130 ms of wall time on two busy cores and ~100 ms more CPU (its start
 * included), and the build waited for it.
 */
const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Downloads of at least this many (compressed) bytes usually unzip to more than WORKER_MIN_BYTES. */
export const VERIFIER_PRESTART_BYTES = 6 * 1024 * 1024;

/** A checking worker and a promise that rejects as soon as it fails or exits (listened to from the start). */
interface WorkerThread {
  worker: Worker;
  dead: Promise<never>;
}

/** A worker started ahead of time by {@link startVerifier}, not yet taken by {@link verifyWheels}. */
let started: Promise<WorkerThread> | undefined;

async function newWorker(): Promise<WorkerThread> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  const dead = new Promise<never>((_, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the checking worker exited (code ${code})`)));
  });
  dead.catch(() => {}); // raced by verifyWheels; an unused worker's end is nobody's error
  return { worker, dead };
}

/**
 * Starts the checking worker now, so that it boots (~30–40 ms on Node 20) while wheels download: call it
 * when a build is about to download enough to need one. The next {@link verifyWheels} takes it; call
 * {@link stopVerifier} when the build ends either way.
 */
export function startVerifier(): void {
  started ??= newWorker();
  started.catch(() => {});
}

/** Terminates a worker started by {@link startVerifier} that no check took. */
export async function stopVerifier(): Promise<void> {
  const w = started;
  started = undefined;
  if (w) await (await w.catch(() => undefined))?.worker.terminate();
}

function markerOf(cacheDir: string | undefined, sha256: string): string | undefined {
  return cacheDir ? join(cacheDir, CHECKED_BUCKET, sha256.slice(0, 2), sha256) : undefined;
}

async function mark(marker: string | undefined): Promise<void> {
  if (!marker) return;
  try {
    await mkdir(join(marker, ".."), { recursive: true });
    await writeFile(marker, "");
  } catch {
    // a read-only cache only costs the check next time
  }
}

/** Inflates every entry of `wheel` in this thread (throws the entry's TSPACK_ZIP_INVALID error). */
function checkInline(wheel: LoadedWheel): void {
  for (const entry of wheel.entries) if (!entry.isDirectory) readEntry(wheel, entry);
}

/**
 * Checks every wheel not yet marked as checked (every wheel with `force`); resolves when all are (and
 * marked), rejects with the first failing wheel's error (in the order given). `paths` maps a wheel's
 * sha256 to its file. `onPosted` is called once the main thread's part is done (the jobs are with the
 * worker, or the inline checks ran): a caller about to run long synchronous work awaits it first, so
 * that the worker is not left waiting for its jobs.
 */
export async function verifyWheels(
  wheels: readonly LoadedWheel[],
  paths: ReadonlyMap<string, string>,
  cacheDir: string | undefined,
  options: { force?: boolean; onPosted?: () => void } = {},
): Promise<void> {
  try {
    await checkWheels(wheels, paths, cacheDir, options);
  } finally {
    options.onPosted?.(); // also when the check failed or had nothing to do
  }
}

async function checkWheels(
  wheels: readonly LoadedWheel[],
  paths: ReadonlyMap<string, string>,
  cacheDir: string | undefined,
  options: { force?: boolean; onPosted?: () => void },
): Promise<void> {
  const todo = wheels.filter((w) => {
    const marker = markerOf(cacheDir, w.sha256);
    return options.force || !(marker && existsSync(marker));
  });
  if (todo.length === 0) return;
  await Promise.all(todo.map((w) => w.load()));
  let total = 0;
  for (const w of todo) for (const e of w.entries) total += e.uncompressedSize;
  const withPath = todo.filter((w) => paths.has(w.sha256));
  if (total < WORKER_MIN_BYTES || withPath.length === 0) {
    for (const w of todo) {
      checkInline(w);
      await mark(markerOf(cacheDir, w.sha256));
    }
    return;
  }
  const pending = started ?? newWorker();
  started = undefined;
  const { worker, dead: failed } = await pending;
  try {
    const results = new Map<number, { bad: number; error?: string }>();
    const waiting = new Map<number, () => void>();
    worker.on("message", (m: { id: number; bad: number; error?: string }) => {
      results.set(m.id, m);
      waiting.get(m.id)?.();
    });
    const rowsOf = (w: LoadedWheel): Float64Array => {
      const files = w.entries.filter((e) => !e.isDirectory);
      const rows = new Float64Array(files.length * 5);
      files.forEach((e, i) => {
        const data = getEntryData(w.bytes, e, { name: w.filename });
        rows.set(
          [data.byteOffset - w.bytes.byteOffset, e.compressedSize, e.uncompressedSize, e.crc32 >>> 0, e.method],
          i * 5,
        );
      });
      return rows;
    };
    const ids = withPath.map((w, id) => {
      worker.postMessage({ id, path: paths.get(w.sha256)!, rows: rowsOf(w) });
      return id;
    });
    // Wheels without a file (built in memory) are checked here meanwhile.
    for (const w of todo) if (!paths.has(w.sha256)) checkInline(w);
    options.onPosted?.();
    let workerDied = false;
    for (const [i, id] of ids.entries()) {
      const w = withPath[i]!;
      if (!workerDied && !results.has(id)) {
        workerDied = await Promise.race([new Promise<void>((r) => waiting.set(id, r)), failed]).then(
          () => false,
          () => true,
        );
      }
      if (workerDied && !results.has(id)) {
        checkInline(w); // the worker could not start or died: check here instead
        continue;
      }
      const r = results.get(id)!;
      if (r.bad >= 0 || r.error !== undefined) {
        // Same error as the inline check: re-check the failing entry (or the whole wheel) here.
        const files = w.entries.filter((e) => !e.isDirectory);
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
    }
    for (const w of todo) await mark(markerOf(cacheDir, w.sha256));
  } finally {
    await worker.terminate();
  }
}
