import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, rmSync, writev, writevSync } from "node:fs";
import { join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import { DEFLATED_BUCKET, writeFileAtomic } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type ZipInputEntry, zipChunks } from "@tspack/zip";
import { deflateSync } from "fflate";

/** The pinned compressor and level for bytes tspack deflates itself (generated files, project code). */
const LEVEL = 6;

/** A written zip and its identity. */
export interface ZipFileInfo {
  path: string;
  /** Size of the zip file. */
  bytes: number;
  /** Sum of the uncompressed sizes (what Lambda's 250 MB limit counts). */
  unzippedBytes: number;
  files: number;
  /** Hex sha256 of the file. */
  sha256: string;
  /** Base64 sha256: what Lambda reports as `CodeSha256`. */
  codeSha256: string;
}

/**
 * fflate output is a pure function of (bytes, level), so it is memoized in the cache by the sha256 of
 * the input: a warm build reads a few small files instead of running the compressor.
 */
class DeflateMemo {
  private readonly known = new WeakMap<Uint8Array, Uint8Array>();
  private readonly fresh: Array<{ path: string; data: Uint8Array }> = [];
  private readonly keys = new WeakMap<Uint8Array, string>();

  private readonly dir: string | undefined;

  constructor(private readonly cacheDir: string | undefined) {
    this.dir = cacheDir ? join(cacheDir, DEFLATED_BUCKET) : undefined;
  }

  private pathFor(data: Uint8Array): string | undefined {
    if (!this.dir) return undefined;
    let sha = this.keys.get(data);
    if (sha === undefined) {
      sha = createHash("sha256").update(data).digest("hex");
      this.keys.set(data, sha);
    }
    return join(this.dir, `L${LEVEL}`, sha.slice(0, 2), sha);
  }

  async prefetch(inputs: Uint8Array[]): Promise<void> {
    await Promise.all(
      inputs.map(async (data) => {
        const path = this.pathFor(data);
        if (path === undefined) return;
        try {
          this.known.set(data, readFileSync(path));
        } catch {
          // not memoized yet
        }
      }),
    );
  }

  compress = (data: Uint8Array, level: number): Uint8Array => {
    const hit = level === LEVEL ? this.known.get(data) : undefined;
    if (hit) return hit;
    const out = deflateSync(data, { level: level as 6 });
    const path = level === LEVEL ? this.pathFor(data) : undefined;
    if (path) this.fresh.push({ path, data: out });
    return out;
  };

  /** Stores new results; a failure only costs compressing again next time. */
  async persist(): Promise<void> {
    await Promise.all(
      this.fresh.map(async ({ path, data }) => {
        try {
          await writeFileAtomic(path, data, { temp: { cacheRoot: this.cacheDir! }, replace: false });
        } catch {
          // read-only or full cache
        }
      }),
    );
  }
}

/** Chunks up to this size are copied into a pool buffer instead of being written (and hashed) one by one. */
const SMALL_CHUNK = 4096;
const POOL_SIZE = 256 * 1024;

/** The chunks left after `written` bytes of them went out (writev may write less than asked). */
function dropWritten(chunks: Uint8Array[], written: number): Uint8Array[] {
  let i = 0;
  let left = written;
  while (i < chunks.length && left >= chunks[i]!.length) left -= chunks[i++]!.length;
  const rest = chunks.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

/** How a written zip was assembled: literal bytes and ranges of the source buffers (see zip-recipe.ts). */
export interface RecordedZip {
  /** Flat triples `[source, start, length]`: source -1 is `literals`, else an index into the sources. */
  segments: number[];
  literals: Uint8Array;
}

/** Chunks shorter than this are recorded as literal bytes even when they are views into a source. */
const MIN_SOURCE_RANGE = 256;

/** Records the chunks of a zip as literal bytes or ranges of `sources` (the wheels' bytes). */
class Recorder {
  private readonly byBuffer = new Map<ArrayBufferLike, number[]>();
  private readonly segments: number[] = [];
  /** The literal bytes so far: `literals[0, literalBytes)`, grown by doubling (no object per chunk). */
  private literals = new Uint8Array(64 * 1024);
  private literalBytes = 0;

  constructor(private readonly sources: readonly Uint8Array[]) {
    sources.forEach((s, i) => {
      const list = this.byBuffer.get(s.buffer);
      if (list) list.push(i);
      else this.byBuffer.set(s.buffer, [i]);
    });
  }

  add(chunk: Uint8Array): void {
    // Small chunks are copied as literals: cheaper to replay from one blob, and `.buffer` of a small
    // typed array (a header allocated on V8's heap) would have to be materialised.
    const sources = chunk.length >= MIN_SOURCE_RANGE ? this.byBuffer.get(chunk.buffer) : undefined;
    for (const i of sources ?? []) {
      const src = this.sources[i]!;
      const start = chunk.byteOffset - src.byteOffset;
      if (start >= 0 && start + chunk.length <= src.length) {
        this.segments.push(i, start, chunk.length);
        return;
      }
    }
    const n = this.segments.length;
    if (n > 0 && this.segments[n - 3] === -1) this.segments[n - 1]! += chunk.length;
    else this.segments.push(-1, this.literalBytes, chunk.length);
    if (this.literalBytes + chunk.length > this.literals.length) {
      const grown = new Uint8Array(Math.max(this.literals.length * 2, this.literalBytes + chunk.length));
      grown.set(this.literals.subarray(0, this.literalBytes));
      this.literals = grown;
    }
    this.literals.set(chunk, this.literalBytes); // a copy: the chunk's bytes may be reused after this
    this.literalBytes += chunk.length;
  }

  finish(): RecordedZip {
    return { segments: this.segments, literals: this.literals.subarray(0, this.literalBytes) };
  }
}

/**
 * Writes chunks to a new file, hashing as it goes: small chunks are copied into a pool and go out as
 * one (fewer objects, iovecs and hash updates); batches of up to 1,024 chunks or 8 MiB. A file that fits
 * in one batch is written with one synchronous writev; bigger ones send their batches to the thread pool
 * as positional writevs (up to 4 in flight), so that the kernel copies one batch while this thread hashes
 * and frames the next. `signal` is checked between batches (TSPACK_ABORTED; the caller removes the
 * partial file). Use: `add` chunks, after each await `maybeFlush()` when it returns a promise, then
 * `finish()`; `close()` always.
 */
class ChunkWriter {
  private readonly hash = createHash("sha256");
  private readonly fd: number;
  private bytes = 0;
  private position = 0;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private readonly inflight: Promise<void>[] = [];
  private failure: unknown;
  private pool = new Uint8Array(0);
  private poolStart = 0;
  private poolEnd = 0;

  constructor(
    private readonly path: string,
    private readonly signal: AbortSignal | undefined,
    private readonly recorder?: Recorder,
  ) {
    this.fd = openSync(path, "wx");
  }

  add(chunk: Uint8Array): void {
    this.recorder?.add(chunk);
    if (chunk.length <= SMALL_CHUNK) {
      if (this.poolEnd + chunk.length > this.pool.length) {
        this.drainPool();
        this.pool = new Uint8Array(POOL_SIZE); // the old one may still be in flight: never reused
        this.poolStart = this.poolEnd = 0;
      }
      this.pool.set(chunk, this.poolEnd);
      this.poolEnd += chunk.length;
    } else {
      this.drainPool();
      this.take(chunk);
    }
  }

  /** Sends a full batch to the thread pool (waits while 4 are in flight). */
  maybeFlush(): Promise<void> | undefined {
    // Undefined (nothing to await, no microtask) until a batch is full: most chunks end here.
    if (this.batch.length < 1024 && this.batchBytes < 8 * 1024 * 1024) return undefined;
    return this.flushFull();
  }

  private async flushFull(): Promise<void> {
    if (this.signal?.aborted) {
      throw new TspackError(ERROR_CODES.ABORTED, `Writing "${this.path}" was aborted`, { cause: this.signal.reason });
    }
    await this.flush(false);
  }

  async finish(): Promise<{ bytes: number; digest: Buffer }> {
    this.drainPool();
    await this.flush(true);
    return { bytes: this.bytes, digest: this.hash.digest() };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inflight);
    closeSync(this.fd);
  }

  private take(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
  }

  private drainPool(): void {
    if (this.poolEnd > this.poolStart) this.take(this.pool.subarray(this.poolStart, this.poolEnd));
    this.poolStart = this.poolEnd;
  }

  private async writeAt(list: Uint8Array[], at: number): Promise<void> {
    let left = list;
    let pos = at;
    while (left.length > 0) {
      const n = await new Promise<number>((resolve, reject) =>
        writev(this.fd, left, pos, (err, written) => (err ? reject(err) : resolve(written))),
      );
      pos += n;
      left = dropWritten(left, n);
    }
  }

  private async flush(final: boolean): Promise<void> {
    const list = this.batch;
    const size = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (list.length > 0) {
      if (final && this.inflight.length === 0) {
        let left = list;
        let pos = this.position;
        while (left.length > 0) {
          const n = writevSync(this.fd, left, pos);
          pos += n;
          left = dropWritten(left, n);
        }
      } else {
        const p = this.writeAt(list, this.position);
        p.catch((e: unknown) => {
          this.failure ??= e;
        });
        this.inflight.push(p);
        if (this.inflight.length >= 4) await this.inflight.shift();
      }
      this.position += size;
    }
    if (final) await Promise.all(this.inflight.splice(0));
    if (this.failure !== undefined) throw this.failure;
  }
}

function info(path: string, written: { bytes: number; digest: Buffer }, unzippedBytes: number, files: number) {
  return {
    path,
    bytes: written.bytes,
    unzippedBytes,
    files,
    sha256: written.digest.toString("hex"),
    codeSha256: written.digest.toString("base64"),
  };
}

/**
 * Streams a deterministic zip to `path` (entries sorted by the writer; fixed timestamp; fflate at a pinned
 * level for new data; raw-copied entries for wheel data), hashing as it writes. `signal` is checked between
 * batches (TSPACK_ABORTED; the caller removes the partial file). With `record`, the result also says how
 * the file was assembled from those source buffers (the wheels' bytes), for {@link writeRecordedZip}.
 */
export async function writeZipFile(
  path: string,
  entries: ZipInputEntry[],
  options: {
    mtime?: number | undefined;
    cacheDir?: string | undefined;
    signal?: AbortSignal | undefined;
    record?: readonly Uint8Array[] | undefined;
  } = {},
): Promise<ZipFileInfo & { recorded?: RecordedZip; stored: Promise<void> }> {
  const memo = new DeflateMemo(options.cacheDir);
  await memo.prefetch(entries.flatMap((e) => ("data" in e && e.data.length > 0 ? [e.data] : [])));
  const recorder = options.record ? new Recorder(options.record) : undefined;
  const chunks = zipChunks(entries, {
    ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
    level: LEVEL,
    compress: memo.compress,
    crc32: (d) => zlibCrc32(d),
  });
  const writer = new ChunkWriter(path, options.signal, recorder);
  let written: { bytes: number; digest: Buffer };
  try {
    for (const chunk of chunks) {
      writer.add(chunk);
      const full = writer.maybeFlush();
      if (full) await full;
    }
    written = await writer.finish();
  } finally {
    await writer.close();
  }
  // Storing new compressed bytes in the cache does not hold up the build: `stored` settles when done.
  const stored = memo.persist();
  let unzipped = 0;
  for (const e of entries) unzipped += "data" in e ? e.data.length : e.raw.uncompressedSize;
  const result = { ...info(path, written, unzipped, entries.length), stored };
  return recorder ? { ...result, recorded: recorder.finish() } : result;
}

/**
 * Writes a zip again from how it was assembled (same sources, same bytes): no framing, no compression.
 * `source(i)` gives source i's bytes, waiting for them if they are still being read, so that writing
 * starts with the first wheel in the zip while the others are read. Returns undefined, and removes the
 * file, when a range does not fit its source or the result is not the recorded zip (`bytes`, `sha256`):
 * the sources are not the ones it was recorded from.
 */
export async function writeRecordedZip(
  path: string,
  recorded: RecordedZip,
  source: (index: number) => Uint8Array | Promise<Uint8Array>,
  counts: { unzippedBytes: number; files: number; bytes: number; sha256: string },
  signal?: AbortSignal,
): Promise<ZipFileInfo | undefined> {
  const { segments } = recorded;
  if (segments.length % 3 !== 0) return undefined;
  // Plain Uint8Array views: Buffer#subarray builds a Buffer each time, several times slower.
  const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
  const literals = plain(recorded.literals);
  const views: Array<Uint8Array | undefined> = [];
  const viewOf = (i: number, b: Uint8Array): Uint8Array => (views[i] ??= plain(b));
  const writer = new ChunkWriter(path, signal);
  let fits = true;
  try {
    for (let i = 0; i < segments.length; i += 3) {
      const src = segments[i]!;
      const start = segments[i + 1]!;
      const end = start + segments[i + 2]!;
      let bytes = literals;
      if (src !== -1) {
        const got = views[src] ?? source(src);
        bytes = viewOf(src, got instanceof Uint8Array ? got : await got);
      }
      if (start < 0 || end > bytes.length) {
        fits = false;
        break;
      }
      writer.add(bytes.subarray(start, end));
      const full = writer.maybeFlush();
      if (full) await full;
    }
    if (fits) {
      const written = info(path, await writer.finish(), counts.unzippedBytes, counts.files);
      // The same bytes as when recorded, or the sources have changed under the same names.
      if (written.bytes === counts.bytes && written.sha256 === counts.sha256) return written;
    }
  } finally {
    await writer.close();
  }
  rmSync(path, { force: true });
  return undefined;
}
