import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, writev, writevSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import { DEFLATED_BUCKET } from "@tspack/cache";
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

  constructor(private readonly dir: string | undefined) {}

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
          await mkdir(dirname(path), { recursive: true });
          const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
          await writeFile(tmp, data);
          await rename(tmp, path);
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

/** Records the chunks of a zip as literal bytes or ranges of `sources` (the wheels' bytes). */
class Recorder {
  private readonly byBuffer = new Map<ArrayBufferLike, number[]>();
  private readonly segments: number[] = [];
  private readonly literals: Uint8Array[] = [];
  private literalBytes = 0;

  constructor(private readonly sources: readonly Uint8Array[]) {
    sources.forEach((s, i) => {
      const list = this.byBuffer.get(s.buffer);
      if (list) list.push(i);
      else this.byBuffer.set(s.buffer, [i]);
    });
  }

  add(chunk: Uint8Array): void {
    for (const i of this.byBuffer.get(chunk.buffer) ?? []) {
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
    this.literals.push(chunk.slice());
    this.literalBytes += chunk.length;
  }

  finish(): RecordedZip {
    return { segments: this.segments, literals: Buffer.concat(this.literals, this.literalBytes) };
  }
}

/** The chunks of a recorded zip, or undefined when a range does not fit its source (never the same inputs). */
export function replayChunks(recorded: RecordedZip, sources: readonly Uint8Array[]): Uint8Array[] | undefined {
  const { segments, literals } = recorded;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i + 2 < segments.length; i += 3) {
    const src = segments[i]!;
    const bytes = src === -1 ? literals : sources[src];
    const start = segments[i + 1]!;
    const end = start + segments[i + 2]!;
    if (bytes === undefined || start < 0 || end > bytes.length) return undefined;
    chunks.push(bytes.subarray(start, end));
  }
  return segments.length % 3 === 0 ? chunks : undefined;
}

/**
 * Writes `chunks` to a new file `path`, hashing as it goes: small chunks are copied into a pool and go
 * out as one; batches of up to 1,024 chunks or 8 MiB. A file that fits in one batch is written with one
 * synchronous writev; bigger ones send their batches to the thread pool as positional writevs (up to 4
 * in flight), so that the kernel copies one batch while this thread hashes and frames the next. `signal`
 * is checked between batches (TSPACK_ABORTED; the caller removes the partial file).
 */
async function writeChunks(
  path: string,
  chunks: Iterable<Uint8Array>,
  signal: AbortSignal | undefined,
  recorder: Recorder | undefined,
): Promise<{ bytes: number; digest: Buffer }> {
  const hash = createHash("sha256");
  const fd = openSync(path, "wx");
  let bytes = 0;
  let position = 0;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const inflight: Promise<void>[] = [];
  let failure: unknown;
  const writeAt = async (list: Uint8Array[], at: number): Promise<void> => {
    let left = list;
    let pos = at;
    while (left.length > 0) {
      const n = await new Promise<number>((resolve, reject) =>
        writev(fd, left, pos, (err, written) => (err ? reject(err) : resolve(written))),
      );
      pos += n;
      left = dropWritten(left, n);
    }
  };
  const flush = async (final: boolean): Promise<void> => {
    const list = batch;
    const size = batchBytes;
    batch = [];
    batchBytes = 0;
    if (list.length > 0) {
      if (final && inflight.length === 0) {
        let left = list;
        let pos = position;
        while (left.length > 0) {
          const n = writevSync(fd, left, pos);
          pos += n;
          left = dropWritten(left, n);
        }
      } else {
        const p = writeAt(list, position);
        p.catch((e: unknown) => {
          failure ??= e;
        });
        inflight.push(p);
        if (inflight.length >= 4) await inflight.shift();
      }
      position += size;
    }
    if (final) await Promise.all(inflight.splice(0));
    if (failure !== undefined) throw failure;
  };
  try {
    // Small chunks (headers, small files) are copied into a pool and go out as one: fewer objects, fewer
    // iovecs and far fewer hash updates than one per chunk.
    let pool = new Uint8Array(0);
    let poolStart = 0;
    let poolEnd = 0;
    const take = (chunk: Uint8Array): void => {
      hash.update(chunk);
      bytes += chunk.length;
      batch.push(chunk);
      batchBytes += chunk.length;
    };
    const drainPool = (): void => {
      if (poolEnd > poolStart) take(pool.subarray(poolStart, poolEnd));
      poolStart = poolEnd;
    };
    for (const chunk of chunks) {
      recorder?.add(chunk);
      if (chunk.length <= SMALL_CHUNK) {
        if (poolEnd + chunk.length > pool.length) {
          drainPool();
          pool = new Uint8Array(POOL_SIZE); // the old one may still be in flight: never reused
          poolStart = poolEnd = 0;
        }
        pool.set(chunk, poolEnd);
        poolEnd += chunk.length;
      } else {
        drainPool();
        take(chunk);
      }
      if (batch.length >= 1024 || batchBytes >= 8 * 1024 * 1024) {
        if (signal?.aborted) {
          throw new TspackError(ERROR_CODES.ABORTED, `Writing "${path}" was aborted`, { cause: signal.reason });
        }
        await flush(false);
      }
    }
    drainPool();
    await flush(true);
  } finally {
    await Promise.allSettled(inflight);
    closeSync(fd);
  }
  return { bytes, digest: hash.digest() };
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
): Promise<ZipFileInfo & { recorded?: RecordedZip }> {
  const memo = new DeflateMemo(options.cacheDir ? join(options.cacheDir, DEFLATED_BUCKET) : undefined);
  await memo.prefetch(entries.flatMap((e) => ("data" in e && e.data.length > 0 ? [e.data] : [])));
  const recorder = options.record ? new Recorder(options.record) : undefined;
  const chunks = zipChunks(entries, {
    ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
    level: LEVEL,
    compress: memo.compress,
    crc32: (d) => zlibCrc32(d),
  });
  const written = await writeChunks(path, chunks, options.signal, recorder);
  await memo.persist();
  let unzipped = 0;
  for (const e of entries) unzipped += "data" in e ? e.data.length : e.raw.uncompressedSize;
  const result = info(path, written, unzipped, entries.length);
  return recorder ? { ...result, recorded: recorder.finish() } : result;
}

/** Writes a zip again from how it was assembled (same sources, same bytes): no framing, no compression. */
export async function writeRecordedZip(
  path: string,
  chunks: Uint8Array[],
  counts: { unzippedBytes: number; files: number },
  signal?: AbortSignal,
): Promise<ZipFileInfo> {
  return info(path, await writeChunks(path, chunks, signal, undefined), counts.unzippedBytes, counts.files);
}
