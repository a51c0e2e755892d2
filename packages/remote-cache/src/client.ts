import { TspackError } from "@tspack/errors";

/**
 * What tspack uses of the AWS SDK's S3 module, typed here so that no declaration of tspack names the SDK
 * (it is bundled, not a dependency: a user's TypeScript could not resolve its types).
 */
export interface S3Module {
  S3Client: new (config: Record<string, unknown>) => S3ClientInstance;
  GetObjectCommand: new (input: { Bucket: string; Key: string }) => S3Command;
  PutObjectCommand: new (input: {
    Bucket: string;
    Key: string;
    Body: unknown;
    ContentLength: number;
    ContentType: string;
    IfNoneMatch: string;
  }) => S3Command;
}
/** An SDK command (opaque). */
export interface S3Command {
  readonly input: object;
}
/** The fields of a GetObject/PutObject response tspack reads. */
export interface S3Output {
  Body?: unknown;
  ContentLength?: number;
}
/** What tspack uses of an `S3Client`. */
export interface S3ClientInstance {
  send(command: S3Command): Promise<S3Output>;
  destroy(): void;
  config: { region(): Promise<string> };
}

let s3Module: Promise<S3Module> | undefined;

/**
 * Loads the AWS SDK's S3 client on first use. Nothing imports it statically, so a build without a remote
 * cache never reads or compiles it (docs/decisions.md, "The remote cache's S3 client"). In tspack's
 * bundles this import is dist/s3.cjs (the CLI through bin/tspack.js, the library through `#s3`).
 */
export function loadS3(): Promise<S3Module> {
  s3Module ??= import("@aws-sdk/client-s3") as unknown as Promise<S3Module>;
  return s3Module;
}

/** Settings of the S3 client, resolved from options and the environment ({@link resolveClientSettings}). */
export interface ClientSettings {
  /** Custom endpoint (MinIO, R2, Ceph…), or undefined for AWS S3 (the SDK then also reads its config file). */
  endpoint: string | undefined;
  /** Path-style addressing (`http://host/bucket/key`) instead of virtual-hosted (`http://bucket.host/key`). */
  pathStyle: boolean;
  /** Region, or undefined for the SDK's own chain (config file, instance metadata), else us-east-1. */
  region: string | undefined;
  /** Static keys, only when the caller gave tspack an environment of its own that holds them. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
}

/** True when the host is an IP address or localhost: such endpoints cannot serve virtual-hosted buckets. */
export function isIpOrLocalhost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(h) ||
    (h.includes(":") && /^[0-9a-f:.]+$/.test(h))
  );
}

export interface ClientSettingsInput {
  endpoint?: string | undefined;
  pathStyle?: boolean | undefined;
  region?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** True when `env` is process.env: the SDK reads it itself (profiles, SSO, web identity…). */
  envIsProcessEnv: boolean;
  connectTimeoutMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
}

const nonEmpty = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === "" ? undefined : v.trim();

/**
 * The endpoint is `--remote-cache-endpoint`, else the SDK's standard variables `AWS_ENDPOINT_URL_S3` and
 * `AWS_ENDPOINT_URL`; path-style when asked or when the endpoint's host is an IP address or localhost.
 * @throws TSPACK_USAGE for an endpoint that is not an http(s) URL
 */
export function resolveClientSettings(input: ClientSettingsInput): ClientSettings {
  const { env } = input;
  const endpoint =
    nonEmpty(input.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL) ?? undefined;
  let host: string | undefined;
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "") {
      throw new TspackError(
        "TSPACK_USAGE",
        `The remote cache endpoint "${endpoint.replace(/\/\/[^@/]*@/, "//****@")}" is not an http(s) URL without credentials`,
        {
          hint: "Give the S3 server's base URL, e.g. --remote-cache-endpoint https://minio.example.com:9000 (credentials come from the AWS credential chain).",
        },
      );
    }
    host = url.hostname;
  }
  const pathStyle = input.pathStyle ?? (host !== undefined && isIpOrLocalhost(host));
  const region = nonEmpty(input.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const credentials =
    !input.envIsProcessEnv &&
    accessKeyId !== undefined &&
    secretAccessKey !== undefined &&
    env.AWS_PROFILE === undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) }
      : undefined;
  return {
    endpoint,
    pathStyle,
    region,
    credentials,
    connectTimeoutMs: input.connectTimeoutMs ?? 3_000,
    requestTimeoutMs: input.requestTimeoutMs ?? 15_000,
    maxAttempts: Math.max(1, input.maxAttempts ?? 3),
  };
}

/**
 * An S3 client for these settings. The SDK's newer default checksums (CRC32 on every upload, checked on
 * every download) are turned down to "when required": Ceph RGW and older MinIO answer 411 to the
 * streamed uploads they need, and some servers ignore the checksum headers anyway; tspack verifies every
 * object itself (sha256). Retries are the SDK's standard mode (5xx, throttling, transient network errors)
 * with `maxAttempts`; every request has bounded connect and idle timeouts.
 */
export async function createS3Client(settings: ClientSettings): Promise<S3ClientInstance> {
  const { S3Client } = await loadS3();
  const make = (region: string | undefined): S3ClientInstance =>
    new S3Client({
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(region !== undefined ? { region } : {}),
      ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
      forcePathStyle: settings.pathStyle,
      followRegionRedirects: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: settings.maxAttempts,
      retryMode: "standard",
      requestHandler: {
        connectionTimeout: settings.connectTimeoutMs,
        requestTimeout: settings.requestTimeoutMs,
      },
    });
  // The SDK warns on Node 20 that its releases after January 2027 need Node 22: tspack ships a pinned copy,
  // so the warning says nothing a tspack user can act on. The variable is the SDK's own switch, read once.
  const quiet = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  try {
    return await makeClient(make, settings.region);
  } finally {
    if (quiet === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = quiet;
  }
}

async function makeClient(
  make: (region: string | undefined) => S3ClientInstance,
  region: string | undefined,
): Promise<S3ClientInstance> {
  if (region !== undefined) return make(region);
  // No region in the environment: the SDK's chain (shared config file, instance metadata), else
  // us-east-1 (what S3-compatible servers accept; AWS S3 redirects to the bucket's region).
  const client = make(undefined);
  const found = await client.config.region().catch(() => undefined);
  if (found !== undefined && found !== "") return client;
  client.destroy();
  return make("us-east-1");
}
