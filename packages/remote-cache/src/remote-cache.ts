import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { cachePathFor, createTempPath, hasEntry, isSha256Hex, publishFile } from "@tspack/cache";
import { networkErrorInfo, redactSecrets, TspackError } from "@tspack/errors";
import pLimit from "p-limit";
import { createS3Client, loadS3, resolveClientSettings, type S3ClientInstance, type S3Module } from "./client.js";
import { decodeMemoEntry, encodeMemoEntry } from "./envelope.js";
import { remoteMemoKey, remoteWheelKey } from "./layout.js";
import type { MemoStore } from "./memo-store.js";
import { parseRemoteCacheUrl, type RemoteCacheLocation } from "./s3-url.js";

/** `read`: only reads (for untrusted pull requests); `readwrite`: also uploads what a build downloads or computes. */
export type RemoteCacheMode = "read" | "readwrite";

/** Options of {@link openRemoteCache}. */
export interface RemoteCacheOptions {
  /** `s3://BUCKET[/PREFIX]`. */
  url: string;
  /** Custom S3 endpoint (else `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, then AWS S3). */
  endpoint?: string | undefined;
  /** Path-style addressing; default: when the endpoint's host is an IP address or localhost. */
  pathStyle?: boolean | undefined;
  /** Default `readwrite`. */
  mode?: RemoteCacheMode | undefined;
  /** Failures are errors (TSPACK_REMOTE_CACHE) instead of a warning and a miss. Default false. */
  required?: boolean | undefined;
  /** Region (else `AWS_REGION`, `AWS_DEFAULT_REGION`, the SDK's config file, us-east-1). */
  region?: string | undefined;
  /**
   * Environment to read the endpoint and region variables from (default process.env). When it is not
   * process.env and holds `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, those keys are used; otherwise the
   * AWS SDK's default credential chain runs (it reads process.env and the shared files itself).
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Connect timeout per request in ms (default 3000). */
  connectTimeoutMs?: number | undefined;
  /** Time without data on a request before it fails, in ms (default 15000). */
  requestTimeoutMs?: number | undefined;
  /** Attempts per request, the first included (default 3: the SDK's standard retries). */
  maxAttempts?: number | undefined;
  /** Uploads at once (default 8). */
  uploadConcurrency?: number | undefined;
  /** Receives each warning (failures, corrupt objects); default: none are shown. */
  warn?: ((message: string) => void) | undefined;
}

/** Counters of one run, for tests, `--json` and the stage breakdown. */
export interface RemoteCacheStats {
  hits: number;
  misses: number;
  corrupt: number;
  uploads: number;
  /** Uploads the server refused because the object exists (a racing or earlier writer). */
  existing: number;
  failures: number;
}

/** How a failed request is treated. */
type Failure = { kind: "missing" } | { kind: "exists" } | { kind: "unavailable"; reason: string };

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
  cause?: unknown;
}

/**
 * What went wrong, in words that never include a credential: only the error's class, HTTP status and
 * network code are used, never the server's message (it may echo a key id).
 */
function classify(error: unknown, endpoint: string): Failure {
  const e = (error ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const name = typeof e.name === "string" ? e.name : "Error";
  const attempts = e.$metadata?.attempts;
  const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
  if (status === 404 || name === "NoSuchKey" || name === "NotFound") return { kind: "missing" };
  if (status === 412 || name === "PreconditionFailed" || status === 409) return { kind: "exists" };
  if (status === 403 || status === 401) {
    return {
      kind: "unavailable",
      reason: `access denied (HTTP ${status} ${name}): check the credentials and the bucket's policy`,
    };
  }
  if (status === 429 || name === "SlowDown" || name === "ThrottlingException") {
    return { kind: "unavailable", reason: `throttled (HTTP ${status ?? "?"} ${name})${tries}` };
  }
  if (status !== undefined && status >= 500) return { kind: "unavailable", reason: `HTTP ${status} ${name}${tries}` };
  if (status !== undefined && status >= 300) return { kind: "unavailable", reason: `HTTP ${status} ${name}` };
  if (name === "CredentialsProviderError" || /credential/i.test(name)) {
    return { kind: "unavailable", reason: "no AWS credentials found (the SDK's default chain found none)" };
  }
  if (name === "TimeoutError" || name === "AbortError" || name === "RequestTimeout") {
    return { kind: "unavailable", reason: `no answer from ${endpoint} in time (${name})` };
  }
  let cur: unknown = error;
  for (let depth = 0; depth < 4 && cur !== undefined && cur !== null; depth++) {
    const code = (cur as SdkErrorLike).code;
    if (typeof code === "string") {
      const info = networkErrorInfo(code);
      return {
        kind: "unavailable",
        reason: `cannot reach ${endpoint} (${code}${info !== undefined ? `: ${info.reason}` : ""})`,
      };
    }
    cur = (cur as SdkErrorLike).cause;
  }
  return { kind: "unavailable", reason: `${name}` };
}

/**
 * The remote cache of one run: wheels by sha256 and derived entries by (kind, key) in an S3 bucket, every
 * object verified on read. It is an accelerator: every failure is a warning naming the cache and a miss,
 * and after the first one the remote is not asked again in this run (so an unreachable server costs one
 * timeout, not one per file); with `required`, failures are TSPACK_REMOTE_CACHE errors instead. A corrupt
 * object is always a miss with a warning (it is never used). Writes are conditional creates
 * (`If-None-Match: *`): an existing object is never overwritten, so racing runners leave one intact object.
 */
export class RemoteCache implements MemoStore {
  readonly location: RemoteCacheLocation;
  readonly mode: RemoteCacheMode;
  readonly required: boolean;
  readonly stats: RemoteCacheStats = { hits: 0, misses: 0, corrupt: 0, uploads: 0, existing: 0, failures: 0 };
  /** Why the remote was given up on in this run, or undefined while it works. */
  down: string | undefined;
  private readonly endpointLabel: string;
  private readonly warnFn: (message: string) => void;
  private readonly secrets: string[];
  private readonly limitUploads: ReturnType<typeof pLimit>;
  private readonly pending = new Set<Promise<void>>();
  private backgroundError: TspackError | undefined;
  private readonly client: S3ClientInstance;
  private readonly sdk: S3Module;

  constructor(args: {
    location: RemoteCacheLocation;
    mode: RemoteCacheMode;
    required: boolean;
    client: S3ClientInstance;
    sdk: S3Module;
    endpointLabel: string;
    warn: (message: string) => void;
    secrets: string[];
    uploadConcurrency: number;
  }) {
    this.location = args.location;
    this.mode = args.mode;
    this.required = args.required;
    this.client = args.client;
    this.sdk = args.sdk;
    this.endpointLabel = args.endpointLabel;
    this.warnFn = args.warn;
    this.secrets = args.secrets.filter((s) => s.length >= 4);
    this.limitUploads = pLimit(Math.max(1, args.uploadConcurrency));
  }

  /** A message with credentials hidden: URL userinfo, and the keys of the environment if they appear. */
  private scrub(text: string): string {
    let out = redactSecrets(text);
    for (const s of this.secrets) out = out.split(s).join("****");
    return out;
  }

  private warn(message: string): void {
    try {
      this.warnFn(this.scrub(`remote cache ${this.location.url}: ${message}`));
    } catch {
      // a renderer bug must not break the build
    }
  }

  /** Records a failure: a warning and the remote given up on, or (required) the error to throw. */
  private fail(reason: string, what: string): TspackError | undefined {
    this.stats.failures++;
    if (this.required) {
      return new TspackError(
        "TSPACK_REMOTE_CACHE",
        this.scrub(`The remote cache ${this.location.url} failed (${what}): ${reason}`),
        {
          hint: "Check the endpoint, credentials and bucket policy (docs/remote-cache.md), or drop --remote-cache-required to go on without the remote cache when it fails.",
          details: { remoteCache: this.location.url, reason: this.scrub(reason) },
        },
      );
    }
    if (this.down === undefined) {
      this.down = reason;
      this.warn(`${reason}; going on without it (local cache and index)`);
    }
    return undefined;
  }

  /** The derived entry (kind, key), verified, or undefined. */
  async get(kind: string, key: string): Promise<Uint8Array | undefined> {
    if (this.down !== undefined) return undefined;
    const objectKey = remoteMemoKey(this.location.prefix, kind, key);
    let body: Uint8Array;
    try {
      const res = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }),
      );
      const stream = res.Body as { transformToByteArray(): Promise<Uint8Array> } | undefined;
      body = stream === undefined ? new Uint8Array() : await stream.transformToByteArray();
    } catch (e) {
      const f = classify(e, this.endpointLabel);
      if (f.kind === "missing") {
        this.stats.misses++;
        return undefined;
      }
      const err = this.fail(f.kind === "exists" ? `unexpected answer ${String(e)}` : f.reason, `reading ${objectKey}`);
      if (err !== undefined) throw err;
      return undefined;
    }
    const decoded = decodeMemoEntry(kind, key, body);
    if ("problem" in decoded) {
      this.stats.corrupt++;
      this.warn(
        `the object "${objectKey}" is not a valid entry (${decoded.problem}); ignored it (delete it, or let the bucket's lifecycle rule expire it)`,
      );
      return undefined;
    }
    this.stats.hits++;
    return decoded.bytes;
  }

  /** Uploads the derived entry unless it exists (conditional create). Read mode: nothing. */
  async put(kind: string, key: string, bytes: Uint8Array): Promise<void> {
    if (this.mode === "read" || this.down !== undefined) return;
    const objectKey = remoteMemoKey(this.location.prefix, kind, key);
    const body = encodeMemoEntry(kind, key, bytes);
    await this.putObject(objectKey, body, body.length);
  }

  private async putObject(objectKey: string, body: Uint8Array | (() => Readable), length: number): Promise<void> {
    try {
      await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.location.bucket,
          Key: objectKey,
          Body: typeof body === "function" ? body() : body,
          ContentLength: length,
          ContentType: "application/octet-stream",
          IfNoneMatch: "*",
        }),
      );
      this.stats.uploads++;
    } catch (e) {
      const f = classify(e, this.endpointLabel);
      if (f.kind === "exists") {
        this.stats.existing++;
        return;
      }
      const err = this.fail(
        f.kind === "missing" ? "the bucket does not exist (HTTP 404)" : f.reason,
        `writing ${objectKey}`,
      );
      if (err !== undefined) throw err;
    }
  }

  /**
   * Brings the wheel with this sha256 from the bucket into the local cache at `cacheRoot`: streamed to a temp
   * file while hashing, published only when its sha256 (and `size`, when known) match. True when the local
   * cache holds it afterwards.
   */
  async fetchWheel(cacheRoot: string, sha256hex: string, size?: number): Promise<boolean> {
    if (!isSha256Hex(sha256hex)) return false;
    if (await hasEntry(cacheRoot, sha256hex, size)) return true;
    if (this.down !== undefined) return false;
    const objectKey = remoteWheelKey(this.location.prefix, sha256hex);
    let tmp: string | undefined;
    try {
      const res = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }),
      );
      const body = res.Body as Readable | undefined;
      if (body === undefined) throw Object.assign(new Error("empty body"), { name: "EmptyBody" });
      if (size !== undefined && res.ContentLength !== undefined && res.ContentLength !== size) {
        body.destroy();
        this.stats.corrupt++;
        this.warn(`the object "${objectKey}" has ${res.ContentLength} bytes, not the wheel's ${size}; ignored it`);
        return false;
      }
      tmp = await createTempPath(cacheRoot, ".remote.part");
      const hash = createHash("sha256");
      let got = 0;
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            got += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp, { flags: "wx" }),
      );
      const actual = hash.digest("hex");
      if (actual !== sha256hex || (size !== undefined && got !== size)) {
        this.stats.corrupt++;
        this.warn(`the object "${objectKey}" does not hash to its name (sha256 ${actual}); ignored it`);
        await rm(tmp, { force: true });
        return false;
      }
      await publishFile(tmp, cachePathFor(cacheRoot, sha256hex));
      tmp = undefined;
      this.stats.hits++;
      return true;
    } catch (e) {
      if (tmp !== undefined) await rm(tmp, { force: true }).catch(() => undefined);
      if (e instanceof TspackError) throw e; // the local cache's own errors (ownership, disk)
      const f = classify(e, this.endpointLabel);
      if (f.kind === "missing") {
        this.stats.misses++;
        return false;
      }
      const err = this.fail(f.kind === "exists" ? "unexpected HTTP 412" : f.reason, `reading ${objectKey}`);
      if (err !== undefined) throw err;
      return false;
    }
  }

  /** Uploads the local cache's wheel with this sha256 unless the bucket has it. Read mode: nothing. */
  async uploadWheel(cacheRoot: string, sha256hex: string): Promise<void> {
    if (this.mode === "read" || this.down !== undefined || !isSha256Hex(sha256hex)) return;
    const path = cachePathFor(cacheRoot, sha256hex);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return; // not in the local cache: nothing to share
    }
    await this.putObject(remoteWheelKey(this.location.prefix, sha256hex), () => createReadStream(path), size);
  }

  /** Runs an upload in the background (bounded concurrency); {@link flush} waits for all of them. */
  background(task: () => Promise<void>): void {
    if (this.mode === "read") return;
    const p: Promise<void> = this.limitUploads(task)
      .catch((e: unknown) => {
        this.backgroundError ??=
          e instanceof TspackError
            ? e
            : new TspackError(
                "TSPACK_REMOTE_CACHE",
                this.scrub(`The remote cache ${this.location.url} failed: ${String(e)}`),
              );
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Puts the entry in the background. */
  putInBackground(kind: string, key: string, bytes: Uint8Array): void {
    this.background(() => this.put(kind, key, bytes));
  }

  /** Uploads the wheel in the background. */
  uploadWheelInBackground(cacheRoot: string, sha256hex: string): void {
    this.background(() => this.uploadWheel(cacheRoot, sha256hex));
  }

  /**
   * Waits for every background upload. With `required`, rejects with the first upload's error; otherwise
   * never rejects (failures were warnings).
   */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const err = this.backgroundError;
    this.backgroundError = undefined;
    if (err !== undefined) throw err;
  }

  /** Closes the client's connections (after {@link flush}). */
  close(): void {
    this.client.destroy();
  }
}

/**
 * Opens the remote cache: parses the URL, resolves endpoint, addressing, region and credentials, and loads
 * the AWS SDK (only now: a build without a remote cache never loads it). No request is made yet.
 * @throws TSPACK_USAGE for a bad URL or endpoint
 */
export async function openRemoteCache(options: RemoteCacheOptions): Promise<RemoteCache> {
  const location = parseRemoteCacheUrl(options.url);
  const env = options.env ?? process.env;
  const settings = resolveClientSettings({
    endpoint: options.endpoint,
    pathStyle: options.pathStyle,
    region: options.region,
    env,
    envIsProcessEnv: env === process.env,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    maxAttempts: options.maxAttempts,
  });
  const mode = options.mode ?? "readwrite";
  if (mode !== "read" && mode !== "readwrite") {
    throw new TspackError("TSPACK_USAGE", `The remote cache mode "${String(mode)}" is invalid`, {
      hint: "Use read (only read; for untrusted pull requests) or readwrite.",
    });
  }
  const sdk = await loadS3();
  const client = await createS3Client(settings);
  const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_ACCESS_KEY_ID].filter(
    (s): s is string => typeof s === "string" && s !== "",
  );
  return new RemoteCache({
    location,
    mode,
    required: options.required === true,
    client,
    sdk,
    endpointLabel: settings.endpoint !== undefined ? redactSecrets(settings.endpoint) : "AWS S3",
    warn: options.warn ?? (() => undefined),
    secrets,
    uploadConcurrency: options.uploadConcurrency ?? 8,
  });
}
