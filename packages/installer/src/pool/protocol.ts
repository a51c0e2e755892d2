/**
 * The messages between the main thread and the pool's worker (pool/worker.ts): one message type per
 * job (extract, verify, prefetch), each with its reply. Everything here crosses a thread boundary by
 * structured clone, or lives in shared memory (SharedArrayBuffer views) both threads work on.
 */
import type { LinkMode } from "../link-mode.js";

// Shared control words of an extract run: a spin lock guarding [lo, hi) (the main thread claims from the
// front, the worker from the back, so the two rarely write into the same directory), an abort flag, the
// smallest failed job index and the worker's chunks in flight.
export const LOCK = 0;
export const LO = 1;
export const HI = 2;
export const ABORT = 3;
export const FAIL = 4;
/** Chunks the worker has claimed and not finished (so the main thread knows whether to wait for it). */
export const INFLIGHT = 5;
/** A gated list: the worker starts on it once the main thread has opened the gate (1). */
export const GATE = 6;
/**
 * Jobs left undone by the two loops: deflated entries above ONE_CALL_MAX_BYTES, which the main thread
 * streams (on the thread pool). The loops inflate in one call only, so their memory stays bounded.
 */
export const SKIPPED = 7;
export const CTL_WORDS = 8;
export const NO_FAIL = 0x7fffffff;
/** Jobs per claim: small enough that the faster thread takes more, large enough to keep locking rare. */
export const CHUNK = 8;

/**
 * Numbers per job in an extract run's table (`nums`), at these offsets: the archive (-1: a link job),
 * the local header offset, compressed size, size, crc32, method (a link job: 1 to copy with another
 * mode), mode, the file's index in the run's cache directory (or -1: its path is in `paths`), and 1 to
 * hash the content.
 */
export const F_ARCHIVE = 0;
export const F_OFFSET = 1;
export const F_CSIZE = 2;
export const F_SIZE = 3;
export const F_CRC = 4;
export const F_METHOD = 5;
export const F_MODE = 6;
export const F_INDEX = 7;
export const F_HASH = 8;
export const FIELDS = 9;

/** Extract (and link) the jobs of one run, sharing the list with the main thread (see ParallelExtract). */
export interface ExtractMessage {
  kind: "extract";
  id: number;
  ctl: Int32Array;
  done: Uint8Array;
  /** The wheels' bytes (SharedArrayBuffer views) and filenames. */
  wheels: Uint8Array[];
  names: string[];
  nums: Float64Array;
  paths: string[] | undefined;
  links: string[] | undefined;
  fillDir: string | undefined;
  roots: string[];
  linkMode: LinkMode;
  umask: number;
  digests: Uint8Array | undefined;
  hashed: Uint8Array | undefined;
}

/** What the worker reports for a failed extract job (`zip`: a check failed; the main thread re-runs it). */
export interface ExtractFailure {
  index: number;
  zip: boolean;
  message?: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** Numbers per entry of a verify job (`rows`): local header offset, compressed size, size, crc32, method. */
export const VERIFY_FIELDS = 5;

/**
 * Read the wheel at `path`, inflate every row's entry (size and CRC-32 checked) and hash it (sha256),
 * skipping deflated entries above ONE_CALL_MAX_BYTES (the main thread streams those).
 */
export interface VerifyMessage {
  kind: "verify";
  id: number;
  path: string;
  filename: string;
  rows: Float64Array;
}

/** A verify job's result: the first bad row (or -1), an error reading the file, the rows' digests. */
export interface VerifyResult {
  bad: number;
  error?: string;
  /** 32 bytes per row (zeros for skipped rows). */
  digests: Uint8Array;
}

/**
 * Read and check (sha256) wheel files from the last backwards until meeting the main thread (see
 * WheelPrefetch): `state[k]` is 0 free, 1 worker reading, 2 read and sha256 ok, 3 failed, 4 main's.
 */
export interface PrefetchMessage {
  kind: "prefetch";
  state: Int32Array;
  bufs: Uint8Array[];
  paths: string[];
  shas: string[];
}

export type JobMessage = ExtractMessage | VerifyMessage | PrefetchMessage;

/** The worker's replies: an extract run has begun / has claimed all it could; a verify job is done. */
export type Reply =
  | { kind: "started"; id: number }
  | { kind: "extracted"; id: number; failure: ExtractFailure | null }
  | ({ kind: "verified"; id: number } & VerifyResult);
