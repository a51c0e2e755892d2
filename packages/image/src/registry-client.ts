/**
 * A container registry client on undici (OCI distribution spec): the `/v2/` ping and its `WWW-Authenticate`
 * challenge, Basic and Bearer token flows (anonymous tokens when no credentials are stored; an empty token is
 * never sent), manifests and blobs read with their digests checked, blobs checked with HEAD, mounted across
 * repositories, or uploaded as one POST and one PUT (chunked PATCH uploads are broken on ECR), and manifests
 * PUT as the exact bytes given. Transient failures (connection errors, 5xx, 429) are retried with backoff.
 * Plain http only for loopback hosts. Credentials are never part of a message, an event or an error.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ERROR_CODES, isTransientNetworkError, isTspackError, TspackError } from "@tspack/errors";
import {
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  resolveRetryOptions,
  retryDelayMs,
} from "@tspack/fetch";
import type { Dispatcher } from "undici";
import { type Challenge, parseChallenges, repositoryScope, type StoredCredentials } from "./core/auth.js";
import { MANIFEST_ACCEPT } from "./core/media-types.js";
import { apiHost, registryOrigin } from "./core/reference.js";

/** Where a request body comes from: bytes, or a file (re-opened on each attempt). */
export type BlobSource = { bytes: Uint8Array } | { path: string; size: number };

export interface RegistryClientOptions {
  dispatcher?: Dispatcher | undefined;
  /** Credentials of a registry (host as named in references), resolved lazily once per registry. */
  credentials: (registry: string) => Promise<StoredCredentials | undefined>;
  /** Runs a credential helper's `get` for a registry (docker-credential-<helper>). */
  runHelper?: ((helper: string, registry: string) => Promise<StoredCredentials | undefined>) | undefined;
  retry?: RetryOptions | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onRetry?: ((message: string) => void) | undefined;
}

interface Auth {
  /** The Authorization header value, or undefined for anonymous requests. */
  header: string | undefined;
  /** What authenticated (for messages): "no credentials", "credentials from ~/.docker/config.json", … */
  describe: string;
}

class StatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function statusText(status: number): string {
  return `HTTP ${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ""}`;
}

function header(res: Dispatcher.ResponseData, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** The registry client shared by one build (pulls and pushes). */
export class RegistryClient {
  private dispatcherPromise: Promise<Dispatcher> | undefined;
  private ownDispatcher: Dispatcher | undefined;
  private readonly challenges = new Map<string, Promise<Challenge | undefined>>();
  private readonly tokens = new Map<string, Promise<Auth>>();
  private readonly creds = new Map<string, Promise<StoredCredentials | undefined>>();
  private readonly retry;
  private readonly timeoutMs: number;
  /** Requests sent (every attempt). */
  requests = 0;

  constructor(private readonly options: RegistryClientOptions) {
    this.retry = resolveRetryOptions(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private dispatcher(): Promise<Dispatcher> {
    this.dispatcherPromise ??= (async () => {
      if (this.options.dispatcher) return this.options.dispatcher;
      const undici = await import("undici");
      const agent = new undici.Agent({ keepAliveTimeout: 4_000, connectTimeout: Math.min(10_000, this.timeoutMs) });
      this.ownDispatcher = agent;
      return agent;
    })();
    return this.dispatcherPromise;
  }

  async close(): Promise<void> {
    const own = this.ownDispatcher;
    this.ownDispatcher = undefined;
    if (own) await own.close().catch(() => undefined);
  }

  private credentialsOf(registry: string): Promise<StoredCredentials | undefined> {
    let p = this.creds.get(registry);
    if (!p) {
      p = (async () => {
        const c = await this.options.credentials(registry);
        if (c?.kind === "helper") return (await this.options.runHelper?.(c.helper, registry)) ?? undefined;
        return c;
      })();
      this.creds.set(registry, p);
    }
    return p;
  }

  /** One HTTP exchange, retried when transient. `handle` reads the response (and must consume its body). */
  private async send<T>(
    registry: string,
    what: string,
    request: () => Promise<Dispatcher.DispatchOptions & { origin: string }>,
    handle: (res: Dispatcher.ResponseData) => Promise<T>,
  ): Promise<T> {
    const dispatcher = await this.dispatcher();
    for (let n = 1; ; n++) {
      if (this.options.signal?.aborted) throw aborted(this.options.signal);
      try {
        const opts = await request();
        this.requests++;
        const res = await dispatcher.request({
          ...opts,
          signal: this.options.signal ?? null,
          headersTimeout: opts.method === "PUT" ? 10 * 60_000 : this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        return await handle(res);
      } catch (error) {
        if (this.options.signal?.aborted) throw aborted(this.options.signal);
        if (isTspackError(error)) throw error;
        const status = error instanceof StatusError ? error : undefined;
        const retryable = status ? isRetryableStatus(status.status) : isTransientNetworkError(error);
        if (!retryable || n > this.retry.retries) throw this.failure(registry, what, error, n);
        const delay = retryDelayMs(n, this.retry, status?.retryAfterMs);
        this.options.onRetry?.(
          `${what}: ${status ? statusText(status.status) : describe(error)}; retrying in ${Math.round(delay / 100) / 10} s`,
        );
        try {
          await sleep(delay, undefined, this.options.signal ? { signal: this.options.signal } : {});
        } catch {
          throw aborted(this.options.signal);
        }
      }
    }
  }

  private failure(registry: string, what: string, error: unknown, attempts: number): TspackError {
    if (error instanceof StatusError) {
      return new TspackError(
        ERROR_CODES.HTTP_STATUS,
        `${what} failed: the registry "${registry}" answered ${statusText(error.status)}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}${error.body ? `: ${error.body.slice(0, 300)}` : ""}`,
        {
          hint: "Check the reference and the registry's status; 5xx and 429 are retried",
          details: { registry, status: error.status },
        },
      );
    }
    return new TspackError(
      ERROR_CODES.NETWORK,
      `The registry "${registry}" cannot be reached (${what}): ${describe(error)}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`,
      {
        hint: "Check the registry host and port, DNS and the network; plain http is used only for localhost/127.0.0.1 ([::1]), https for every other host",
        details: { registry },
        cause: error,
      },
    );
  }

  /** The registry's challenge (GET /v2/), asked once per registry; undefined when it needs no auth. */
  private challenge(registry: string): Promise<Challenge | undefined> {
    let p = this.challenges.get(registry);
    if (!p) {
      const origin = registryOrigin(registry);
      p = this.send(
        registry,
        `Contacting ${registry}`,
        async () => ({ origin, path: "/v2/", method: "GET", headers: { "user-agent": "tspack" } }),
        async (res) => {
          await res.body.dump();
          if (res.statusCode === 401) {
            const cs = parseChallenges(header(res, "www-authenticate") ?? "");
            return (
              cs.find((c) => c.scheme === "bearer") ??
              cs.find((c) => c.scheme === "basic") ?? { scheme: "basic", params: {} }
            );
          }
          if (res.statusCode >= 200 && res.statusCode < 300) return undefined;
          // Some registries answer 404 on /v2/ but serve the API: treat as no auth
          if (res.statusCode === 404) return undefined;
          throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), "");
        },
      );
      this.challenges.set(registry, p);
      p.catch(() => this.challenges.delete(registry));
    }
    return p;
  }

  /** The Authorization for `scopes` on `registry` (a token per scope set, fetched once). */
  private async auth(registry: string, scopes: readonly string[], fresh = false): Promise<Auth> {
    const key = `${registry}\0${scopes.join(" ")}`;
    if (fresh) this.tokens.delete(key);
    let p = this.tokens.get(key);
    if (!p) {
      p = this.fetchAuth(registry, scopes);
      this.tokens.set(key, p);
      p.catch(() => this.tokens.delete(key));
    }
    return p;
  }

  private async fetchAuth(registry: string, scopes: readonly string[]): Promise<Auth> {
    const challenge = await this.challenge(registry);
    if (!challenge) return { header: undefined, describe: "no credentials (the registry asks for none)" };
    const creds = await this.credentialsOf(registry);
    const describeCreds = creds ? `the credentials from ${creds.source}` : "no credentials";
    if (challenge.scheme === "basic") {
      if (!creds) return { header: undefined, describe: describeCreds };
      if (creds.kind === "basic") return { header: basic(creds.username, creds.password), describe: describeCreds };
      return { header: undefined, describe: `${describeCreds} (an identity token, which Basic auth cannot use)` };
    }
    const realm = challenge.params.realm;
    if (!realm) throw new StatusError(401, undefined, "the registry's Bearer challenge has no realm");
    const url = new URL(realm);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && registryOrigin(url.host).startsWith("http:"))) {
      throw new TspackError(
        ERROR_CODES.REGISTRY_AUTH,
        `The registry "${registry}" sends tokens from "${url.origin}", over plain http to a host that is not local`,
        {
          hint: "tspack uses plain http only for localhost and 127.0.0.1; use the registry over https",
        },
      );
    }
    const service = challenge.params.service;
    const form = new URLSearchParams();
    if (service) url.searchParams.set("service", service);
    for (const s of scopes) url.searchParams.append("scope", s);
    let method: "GET" | "POST" = "GET";
    const headers: Record<string, string> = { "user-agent": "tspack" };
    if (creds?.kind === "basic") headers.authorization = basic(creds.username, creds.password);
    if (creds?.kind === "identity-token") {
      // OAuth2 refresh-token grant (Docker's identity tokens)
      method = "POST";
      form.set("grant_type", "refresh_token");
      form.set("refresh_token", creds.token);
      form.set("client_id", "tspack");
      if (service) form.set("service", service);
      form.set("scope", scopes.join(" "));
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const token = await this.send(
      registry,
      `Getting a token from ${url.host} for ${registry}`,
      async () => ({
        origin: url.origin,
        path: method === "GET" ? `${url.pathname}${url.search}` : url.pathname,
        method,
        headers,
        ...(method === "POST" ? { body: form.toString() } : {}),
      }),
      async (res) => {
        const text = await res.body.text();
        if (res.statusCode === 401 || res.statusCode === 403)
          throw authError(registry, scopes, res.statusCode, describeCreds);
        if (res.statusCode < 200 || res.statusCode >= 300)
          throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), "");
        try {
          const json = JSON.parse(text) as { token?: unknown; access_token?: unknown };
          const t =
            typeof json.token === "string"
              ? json.token
              : typeof json.access_token === "string"
                ? json.access_token
                : "";
          return t;
        } catch {
          return "";
        }
      },
    );
    // Never `Authorization: Bearer ` with an empty token (ECR answers 400): anonymous instead.
    return { header: token === "" ? undefined : `Bearer ${token}`, describe: describeCreds };
  }

  /**
   * A request to the registry's API with the authorization of `scopes`; on 401 the token is fetched once
   * more (it may have expired), then the 401/403 is a TSPACK_REGISTRY_AUTH error.
   */
  private async api<T>(
    registry: string,
    scopes: readonly string[],
    what: string,
    req: {
      method: Dispatcher.HttpMethod;
      path: string;
      headers?: Record<string, string>;
      body?: () => Uint8Array | NodeJS.ReadableStream | string | undefined;
    },
    handle: (res: Dispatcher.ResponseData) => Promise<T>,
  ): Promise<T> {
    const origin = registryOrigin(registry);
    for (let round = 0; ; round++) {
      const auth = await this.auth(registry, scopes, round > 0);
      const result: { value: T } | { denied: number } = await this.send<{ value: T } | { denied: number }>(
        registry,
        what,
        async () => ({
          origin,
          path: req.path,
          method: req.method,
          headers: {
            "user-agent": "tspack",
            ...(req.headers ?? {}),
            ...(auth.header ? { authorization: auth.header } : {}),
          },
          ...(req.body ? { body: req.body() as Dispatcher.DispatchOptions["body"] } : {}),
        }),
        async (res) => {
          if (res.statusCode === 401 || res.statusCode === 403) {
            await res.body.dump();
            return { denied: res.statusCode };
          }
          return { value: await handle(res) };
        },
      );
      if ("value" in result) return result.value;
      if (round === 0 && result.denied === 401 && auth.header !== undefined) continue;
      throw authError(registry, scopes, result.denied, auth.describe);
    }
  }

  /** A manifest (or index) by tag or digest: its bytes, media type and digest (checked when asked by digest). */
  async getManifest(
    registry: string,
    repository: string,
    reference: string,
  ): Promise<{ bytes: Uint8Array; mediaType: string | undefined; digest: string }> {
    const what = `Reading the manifest of ${registry}/${repository}:${reference}`;
    const bytes = await this.api(
      registry,
      [repositoryScope(repository, ["pull"])],
      what,
      { method: "GET", path: `/v2/${repository}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT } },
      async (res) => {
        const body = new Uint8Array(await res.body.arrayBuffer());
        if (res.statusCode === 404)
          throw new TspackError(
            ERROR_CODES.IMAGE_INVALID,
            `The image "${registry}/${repository}${reference.startsWith("sha256:") ? "@" : ":"}${reference}" does not exist on the registry (HTTP 404)`,
            {
              hint: "Check the repository name and the tag or digest",
            },
          );
        if (res.statusCode !== 200)
          throw new StatusError(
            res.statusCode,
            parseRetryAfter(header(res, "retry-after"), Date.now()),
            Buffer.from(body).toString("utf8"),
          );
        return { body, type: header(res, "content-type") };
      },
    );
    const digest = `sha256:${createHash("sha256").update(bytes.body).digest("hex")}`;
    if (reference.startsWith("sha256:") && reference !== digest) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The manifest of ${registry}/${repository}@${reference} has the digest ${digest}`,
        {
          hint: "The registry sent other bytes than asked for; try again, or report it to the registry's operator",
        },
      );
    }
    return { bytes: bytes.body, mediaType: bytes.type, digest };
  }

  /**
   * Streams a blob to `write` (chunks), following redirects (to object storage) without the registry's
   * Authorization on other origins; the caller checks the digest.
   */
  async getBlob(
    registry: string,
    repository: string,
    digest: string,
    write: (chunk: Uint8Array) => void,
    reset: () => void,
  ): Promise<void> {
    const what = `Downloading ${registry}/${repository}@${digest}`;
    const location = await this.api(
      registry,
      [repositoryScope(repository, ["pull"])],
      what,
      { method: "GET", path: `/v2/${repository}/blobs/${digest}` },
      async (res) => {
        if ([301, 302, 303, 307, 308].includes(res.statusCode)) {
          await res.body.dump();
          return header(res, "location");
        }
        if (res.statusCode !== 200) {
          const text = await res.body.text();
          throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), text);
        }
        reset();
        for await (const chunk of res.body) write(chunk as Uint8Array);
        return undefined;
      },
    );
    if (location === undefined) return;
    let url = new URL(location, registryOrigin(registry));
    for (let hop = 0; hop < 5; hop++) {
      const u = url;
      const next = await this.send(
        registry,
        what,
        async () => ({
          origin: u.origin,
          path: `${u.pathname}${u.search}`,
          method: "GET",
          headers: { "user-agent": "tspack" },
        }),
        async (res) => {
          if ([301, 302, 303, 307, 308].includes(res.statusCode)) {
            await res.body.dump();
            return header(res, "location");
          }
          if (res.statusCode !== 200) throw new StatusError(res.statusCode, undefined, "");
          reset();
          for await (const chunk of res.body) write(chunk as Uint8Array);
          return undefined;
        },
      );
      if (next === undefined) return;
      url = new URL(next, url);
    }
    throw new StatusError(310, undefined, "too many redirects");
  }

  /** True when the repository has the blob (HEAD). */
  async hasBlob(registry: string, repository: string, digest: string, scopes: readonly string[]): Promise<boolean> {
    return this.api(
      registry,
      scopes,
      `Checking ${registry}/${repository}@${digest}`,
      { method: "HEAD", path: `/v2/${repository}/blobs/${digest}` },
      async (res) => {
        await res.body.dump();
        if (res.statusCode === 200) return true;
        if (res.statusCode === 404) return false;
        throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), "");
      },
    );
  }

  /**
   * Puts a blob in the repository: a cross-repository mount from `mountFrom` (same registry) when given and
   * the registry does it, else POST for an upload session and one PUT of the whole blob.
   * @returns "mounted" or "uploaded"
   */
  async pushBlob(
    registry: string,
    repository: string,
    digest: string,
    source: BlobSource,
    scopes: readonly string[],
    mountFrom?: string,
  ): Promise<"mounted" | "uploaded"> {
    const what = `Uploading ${digest} to ${registry}/${repository}`;
    const query = mountFrom ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}` : "";
    const start = await this.api(
      registry,
      scopes,
      what,
      { method: "POST", path: `/v2/${repository}/blobs/uploads/${query}`, headers: { "content-length": "0" } },
      async (res) => {
        await res.body.dump();
        if (res.statusCode === 201 && mountFrom) return { mounted: true as const };
        if (res.statusCode !== 202)
          throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), "");
        const loc = header(res, "location");
        if (!loc) throw new StatusError(502, undefined, "the upload session has no Location");
        return { location: loc };
      },
    );
    if ("mounted" in start) return "mounted";
    const url = new URL(start.location, registryOrigin(registry));
    url.searchParams.set("digest", digest);
    const size = "bytes" in source ? source.bytes.length : source.size;
    const headers = { "content-type": "application/octet-stream", "content-length": String(size) };
    const body = () => ("bytes" in source ? source.bytes : createReadStream(source.path));
    const check = async (res: Dispatcher.ResponseData): Promise<void> => {
      const text = await res.body.text();
      if (res.statusCode !== 201 && res.statusCode !== 204)
        throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), text);
    };
    if (url.origin === registryOrigin(registry)) {
      await this.api(
        registry,
        scopes,
        what,
        { method: "PUT", path: `${url.pathname}${url.search}`, headers, body },
        check,
      );
    } else {
      // An upload location on another origin (object storage) never gets the registry's Authorization.
      await this.send(
        registry,
        what,
        async () => ({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: "PUT",
          headers: { "user-agent": "tspack", ...headers },
          body: body() as Dispatcher.DispatchOptions["body"],
        }),
        async (res) => {
          if (res.statusCode === 401 || res.statusCode === 403) {
            await res.body.dump();
            throw authError(registry, scopes, res.statusCode, "the upload location's own authorization");
          }
          await check(res);
        },
      );
    }
    return "uploaded";
  }

  /** PUTs the exact manifest bytes at `reference` (tag or digest); returns the digest the registry reports. */
  async putManifest(
    registry: string,
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    scopes: readonly string[],
  ): Promise<string | undefined> {
    return this.api(
      registry,
      scopes,
      `Writing the manifest ${registry}/${repository}:${reference}`,
      {
        method: "PUT",
        path: `/v2/${repository}/manifests/${reference}`,
        headers: { "content-type": mediaType, "content-length": String(bytes.length) },
        body: () => bytes,
      },
      async (res) => {
        const text = await res.body.text();
        if (res.statusCode !== 201 && res.statusCode !== 200)
          throw new StatusError(res.statusCode, parseRetryAfter(header(res, "retry-after"), Date.now()), text);
        return header(res, "docker-content-digest");
      },
    );
  }
}

function authError(registry: string, scopes: readonly string[], status: number, describeCreds: string): TspackError {
  const pushing = scopes.some((s) => s.endsWith(",push") || s.endsWith(":push"));
  const repo = scopes[0]?.split(":")[1] ?? "";
  return new TspackError(
    ERROR_CODES.REGISTRY_AUTH,
    `The registry "${registry}" refused to let tspack ${pushing ? "push to" : "pull from"} "${repo}" (${statusText(status)}) with ${describeCreds}`,
    {
      hint:
        status === 403
          ? `The credentials are valid but may not ${pushing ? "push to" : "pull from"} this repository: check its permissions (for ECR, the repository must exist and the role needs ecr:*Layer* and ecr:PutImage)`
          : `Log in to ${apiHost(registry)}: \`podman login ${registry}\` or \`docker login ${registry}\`, or in CI pipe the password: \`aws ecr get-login-password | tspack build … --registry-username AWS --registry-password-stdin\``,
      details: { registry, status },
    },
  );
}

function aborted(signal: AbortSignal | undefined): TspackError {
  return new TspackError(ERROR_CODES.ABORTED, "The build was aborted", { cause: signal?.reason });
}

function describe(error: unknown): string {
  if (error instanceof StatusError) return statusText(error.status);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? ` (${cause.message})` : "";
    return typeof code === "string" && !error.message.includes(code)
      ? `${error.message} (${code})${inner}`
      : `${error.message}${inner}`;
  }
  return String(error);
}
