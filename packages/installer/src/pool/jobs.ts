/**
 * The pool's jobs, as plain functions of a message: the worker (pool/worker.ts) runs them on its
 * thread, and tests run them on this one to compare. Every inflate goes through the one wheel reader
 * (one call, size and CRC-32 checked); a failed check only reports where it failed: the main thread
 * re-runs that entry to throw the exact error the serial path throws.
 */
import { createHash } from "node:crypto";
import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { isStreamedEntry, type ZipEntry } from "@tspack/zip";
import { copyInto, linkOnce } from "../link-mode.js";
import { BUCKET_BITS } from "../unpacked-cache.js";
import { readEntry } from "../wheel-reader.js";
import type { ExtractFailure, ExtractMessage, PrefetchMessage, VerifyMessage, VerifyResult } from "./protocol.js";
import * as wire from "./protocol.js";

/** An entry as the reader needs it, from a row of numbers (names stay on the main thread). */
function rowEntry(
  offset: number,
  compressedSize: number,
  uncompressedSize: number,
  crc32: number,
  method: number,
): ZipEntry {
  return {
    name: "",
    method,
    flags: 0,
    crc32,
    compressedSize,
    uncompressedSize,
    localHeaderOffset: offset,
    externalAttributes: 0,
    versionMadeBy: 0,
    isDirectory: false,
    unixMode: undefined,
    isSymlink: false,
  };
}

const isZipError = (e: unknown): boolean => e instanceof TspackError && e.code === ERROR_CODES.ZIP_INVALID;

/** Reads a whole file into the given (shared) buffer; true when it filled it exactly. */
function readInto(path: string, buf: Uint8Array): boolean {
  const fd = openSync(path, "r");
  try {
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === buf.length && fstatSync(fd).size === off;
  } finally {
    closeSync(fd);
  }
}

/** Prefetch: reads and checks wheels from the last backwards until it meets the main thread. */
export function runPrefetch({ state, bufs, paths, shas }: PrefetchMessage): void {
  for (let k = paths.length - 1; k >= 0; k--) {
    if (Atomics.compareExchange(state, k, 0, 1) !== 0) break;
    let ok = false;
    try {
      const buf = bufs[k]!;
      ok = readInto(paths[k]!, buf) && createHash("sha256").update(buf).digest("hex") === shas[k];
    } catch {
      ok = false;
    }
    Atomics.store(state, k, ok ? 2 : 3);
    Atomics.notify(state, k);
  }
}

/** Verify: every row's entry inflated and checked once, and its sha256 (for the RECORD comparison). */
export function runVerify({ path, filename, rows }: VerifyMessage): VerifyResult {
  const count = rows.length / wire.VERIFY_FIELDS;
  const digests = new Uint8Array(count * 32);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { bad: -1, error: String((e as Error).message), digests };
  }
  const wheel = { filename, bytes };
  for (let r = 0; r < count; r++) {
    const k = r * wire.VERIFY_FIELDS;
    const entry = rowEntry(rows[k]!, rows[k + 1]!, rows[k + 2]!, rows[k + 3]!, rows[k + 4]!);
    if (isStreamedEntry(entry)) continue;
    let data: Uint8Array;
    try {
      data = readEntry(wheel, entry);
    } catch (e) {
      if (isZipError(e)) return { bad: r, digests };
      return { bad: -1, error: String((e as Error).message), digests };
    }
    digests.set(createHash("sha256").update(data).digest(), r * 32);
  }
  return { bad: -1, digests };
}

function claimFromBack(ctl: Int32Array, size: number): [number, number] {
  while (Atomics.compareExchange(ctl, wire.LOCK, 0, 1) !== 0);
  const lo = Atomics.load(ctl, wire.LO);
  const hi = Atomics.load(ctl, wire.HI);
  const start = Math.max(lo, hi - size);
  Atomics.store(ctl, wire.HI, start);
  if (start < hi) Atomics.add(ctl, wire.INFLIGHT, 1);
  Atomics.store(ctl, wire.LOCK, 0);
  return [start, hi];
}

function failAt(ctl: Int32Array, i: number): void {
  let cur = Atomics.load(ctl, wire.FAIL);
  while (i < cur) {
    const prev = Atomics.compareExchange(ctl, wire.FAIL, cur, i);
    if (prev === cur) break;
    cur = prev;
  }
  Atomics.store(ctl, wire.ABORT, 1);
}

/**
 * Extract: the worker's share of one run (ParallelExtract's list, claimed from the back). Mirrors the
 * main thread's loop; a deflated entry above ONE_CALL_MAX_BYTES is left to the main thread, which
 * streams it. `onStarted` is called before waiting at the gate.
 */
export function runExtract(m: ExtractMessage, onStarted: () => void = () => {}): ExtractFailure | null {
  onStarted();
  const { ctl, done, wheels, names, nums, paths, links, fillDir, roots, linkMode, umask, digests, hashed } = m;
  while (Atomics.load(ctl, wire.GATE) === 0) Atomics.wait(ctl, wire.GATE, 0, 1000);
  const made = new Set(roots);
  const ensure = (dir: string): void => {
    if (dir === "" || made.has(dir)) return;
    ensure(dir.slice(0, dir.lastIndexOf("/")));
    try {
      mkdirSync(dir, 0o755);
      if ((0o755 & umask) !== 0) chmodSync(dir, 0o755);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    made.add(dir);
  };
  for (;;) {
    const [start, end] = claimFromBack(ctl, wire.CHUNK);
    if (start >= end) return null;
    for (let i = start; i < end; i++) {
      if (Atomics.load(ctl, wire.ABORT) !== 0) {
        Atomics.sub(ctl, wire.INFLIGHT, 1);
        return null;
      }
      if (done[i] !== 0) continue;
      try {
        extractOne(i);
      } catch (e) {
        const error = e as NodeJS.ErrnoException & { dest?: string };
        failAt(ctl, i);
        Atomics.sub(ctl, wire.INFLIGHT, 1);
        return isZipError(e)
          ? { index: i, zip: true }
          : {
              index: i,
              zip: false,
              message: String(error?.message),
              ...(error?.code === undefined ? {} : { code: error.code }),
              ...(error?.errno === undefined ? {} : { errno: error.errno }),
              ...(error?.syscall === undefined ? {} : { syscall: error.syscall }),
              ...(error?.path === undefined ? {} : { path: error.path }),
              ...(error?.dest === undefined ? {} : { dest: error.dest }),
            };
      }
    }
    Atomics.sub(ctl, wire.INFLIGHT, 1);
  }

  /** One job: marks it done, or leaves it (an entry to stream) counted in wire.SKIPPED; throws on failure. */
  function extractOne(i: number): void {
    const k = i * wire.FIELDS;
    const mode = nums[k + wire.F_MODE]!;
    if (nums[k + wire.F_ARCHIVE]! < 0) {
      // a link job (TreeWriter.linkFile): link the cached file, or copy it with another mode
      const path = paths![i]!;
      ensure(path.slice(0, path.lastIndexOf("/")));
      if (nums[k + wire.F_METHOD] !== 0) copyInto(links![i]!, path, mode, umask);
      else linkOnce(linkMode, links![i]!, path, mode, umask);
      done[i] = 1;
      return;
    }
    const index = nums[k + wire.F_INDEX]!;
    const path = index < 0 ? paths![i]! : `${fillDir}/${index >> BUCKET_BITS}/${index}`;
    const dir = path.slice(0, path.lastIndexOf("/"));
    const from = links === undefined ? "" : links[i]!;
    if (from !== "") {
      try {
        ensure(dir);
        linkOnce(linkMode, from, path, mode, umask);
        done[i] = 1;
        return;
      } catch {
        // written below: its errors are the extraction's
      }
    }
    const archive = nums[k + wire.F_ARCHIVE]!;
    const entry = rowEntry(
      nums[k + wire.F_OFFSET]!,
      nums[k + wire.F_CSIZE]!,
      nums[k + wire.F_SIZE]!,
      nums[k + wire.F_CRC]!,
      nums[k + wire.F_METHOD]!,
    );
    if (isStreamedEntry(entry)) {
      Atomics.add(ctl, wire.SKIPPED, 1); // streamed by the main thread (ParallelExtract.finish)
      return;
    }
    const data = readEntry({ filename: names[archive]!, bytes: wheels[archive]! }, entry);
    if (nums[k + wire.F_HASH] !== 0) {
      digests!.set(createHash("sha256").update(data).digest(), i * 32);
      hashed![i] = 1;
    }
    ensure(dir);
    writeFileSync(path, data, { mode, flag: "wx" });
    if ((mode & umask) !== 0) chmodSync(path, mode);
    done[i] = 1;
  }
}
