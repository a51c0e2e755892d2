import { createHash } from "node:crypto";
import { type FileHandle, open, rm, writeFile } from "node:fs/promises";
import { cachePathFor, createTempPath, publishFile } from "@tspack/cache";
import { integrityMismatchError, sizeMismatchError } from "./fetch-errors.js";
import { type HttpClient, HttpStatusFailure, headerValue, retryAfterOf } from "./http-client.js";

/** Bytes buffered before one write to the temp file (fewer, larger writes are 10–30 % faster). */
const FLUSH_BYTES = 1024 * 1024;
/** Bytes between two progress events of one file. */
const PROGRESS_BYTES = 64 * 1024;

/** What one download attempt is for. Internal. */
export interface DownloadRequest {
  cacheRoot: string;
  key: string;
  url: string;
  sha256: string | undefined;
  size: number | undefined;
  /** Called with the bytes received so far (every 64 KiB and at the end). */
  onProgress: (bytes: number) => void;
  /** Called with every received chunk's size (for totals, also on failed attempts). */
  onBytes: (n: number) => void;
}

/** A file published into the cache. */
export interface Published {
  path: string;
  sha256: string;
  size: number;
}

/** A body that ended before its Content-Length: undici's code for it, so it is retried and reported like undici's. */
class TruncatedBody extends Error {
  readonly code = "UND_ERR_RES_CONTENT_LENGTH_MISMATCH";
}

/**
 * One attempt: GET, stream the body to a unique temp file while hashing, check sha256 and size,
 * publish by rename. The temp file is removed on every failure.
 */
export async function downloadAttempt(client: HttpClient, req: DownloadRequest): Promise<Published> {
  const res = await client.get(req.url, { "accept-encoding": "identity" });
  if (res.statusCode < 200 || res.statusCode > 299) {
    await res.body.dump().catch(() => undefined);
    throw new HttpStatusFailure(res.statusCode, retryAfterOf(res), res.auth);
  }
  const contentLength = Number(headerValue(res.headers, "content-length") ?? Number.NaN);
  const tmp = await createTempPath(req.cacheRoot);
  const hash = createHash("sha256");
  let fh: FileHandle | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let received = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    fh ??= await open(tmp, "wx");
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    await fh.writev(chunks);
  };
  let reported = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      received += chunk.length;
      req.onBytes(chunk.length);
      if (req.size !== undefined && received > req.size) {
        throw sizeMismatchError(req, req.size, req.size, true);
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (received - reported >= PROGRESS_BYTES) {
        reported = received;
        req.onProgress(received);
      }
      if (pendingBytes >= FLUSH_BYTES) await flush();
    }
    if (!Number.isNaN(contentLength) && received !== contentLength) {
      throw new TruncatedBody(`the body ended after ${received} of ${contentLength} bytes`);
    }
    if (fh === undefined) {
      await writeFile(tmp, pending.length === 1 ? pending[0]! : Buffer.concat(pending), { flag: "wx" });
    } else {
      await flush();
      await fh.close();
      fh = undefined;
    }
    if (reported !== received) req.onProgress(received);
    const actual = hash.digest("hex");
    if (req.sha256 !== undefined && actual !== req.sha256) throw integrityMismatchError(req, req.sha256, actual);
    if (req.size !== undefined && received !== req.size) throw sizeMismatchError(req, req.size, received, false);
    const path = cachePathFor(req.cacheRoot, actual);
    await publishFile(tmp, path);
    return { path, sha256: actual, size: received };
  } catch (error) {
    res.body.destroy();
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}
