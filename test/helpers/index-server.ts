// A loopback package index for tests: serves files from memory, a PEP 503/691 simple API generated
// from them, counts requests per path, and injects faults per path (a queue consumed one per request).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect as netConnect, type Socket } from "node:net";

/** One injected fault, consumed by one request to its path. */
export type Fault =
  /** Answer with this status (and optional headers/body) instead of the file. */
  | { type: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** 429 (or 503) with a Retry-After header (seconds or an HTTP-date). */
  | { type: "retry-after"; status?: number; retryAfter: string }
  /** Send the headers and `afterBytes` of the body, then reset the connection (RST). */
  | { type: "reset"; afterBytes: number }
  /** Announce the full Content-Length, send `afterBytes`, then close the connection. */
  | { type: "truncate"; afterBytes: number }
  /** Send `afterBytes`, then stall forever (for read timeouts and kills). */
  | { type: "stall"; afterBytes: number }
  /** Send the right body slowly: `chunkBytes` every `delayMs`. */
  | { type: "slow"; chunkBytes: number; delayMs: number }
  /** Send the same number of bytes, but different ones (every byte inverted). */
  | { type: "wrong-bytes" }
  /** Redirect to `location` (absolute or relative). */
  | { type: "redirect"; location: string; status?: number };

/** Per-filename metadata for the simple API. */
export interface SimpleFileMeta {
  requiresPython?: string;
  yanked?: boolean | string;
}

/** Options of {@link startIndexServer}. */
export interface IndexServerOptions {
  /** URL path → bytes, e.g. `{ "/files/anyio-4.4.0-py3-none-any.whl": bytes }`. */
  files?: Record<string, Uint8Array>;
  /** URL path → faults, consumed in order, one per request. */
  faults?: Record<string, Fault[]>;
  /** Require HTTP basic auth on every request. */
  auth?: { username: string; password: string };
  /** Simple-API formats offered (default both; `["html"]` tests the PEP 503 fallback). */
  simpleFormats?: ReadonlyArray<"json" | "html">;
  /** Per filename: requires-python / yanked for the simple API. */
  fileMeta?: Record<string, SimpleFileMeta>;
  /** Also serve the Debian wheels of /usr/share/python-wheels under `/files/` when present. */
  debianWheels?: boolean;
}

/** One received request. */
export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** True when the request came in absolute form, i.e. through this server acting as an HTTP proxy. */
  proxied: boolean;
}

/** A running server. */
export interface RunningIndexServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  /** Requests per path (query stripped). */
  requests: Map<string, number>;
  /** Every request in arrival order. */
  log: LoggedRequest[];
  /** `CONNECT host:port` targets received: this server also acts as a tunnelling HTTP proxy (to itself). */
  connects: string[];
  /** Sum of all requests. */
  totalRequests(): number;
  /** Requests to `path` (0 when none). */
  count(path: string): number;
  /** Adds or replaces a file. */
  addFile(path: string, bytes: Uint8Array): void;
  /** Appends faults to a path's queue. */
  addFaults(path: string, ...faults: Fault[]): void;
  /** Served files (path → bytes). */
  files: Map<string, Uint8Array>;
  /** Closes the server and destroys open connections. */
  close(): Promise<void>;
}

/** Lowercase hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Deterministic pseudo-random bytes (xorshift32), incompressible enough for transfer tests. */
export function makeBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The Debian-shipped wheels (`/usr/share/python-wheels`), by filename; empty when absent. */
export function debianWheels(dir = "/usr/share/python-wheels"): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".whl")) out.set(name, new Uint8Array(readFileSync(`${dir}/${name}`)));
  }
  return out;
}

const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

function projectOf(filename: string): string | undefined {
  if (filename.endsWith(".whl")) return normalize(filename.split("-")[0]!);
  const sdist = /^(.*)-[^-]+\.(tar\.gz|zip)$/.exec(filename);
  return sdist === null ? undefined : normalize(sdist[1]!);
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startIndexServer(options: IndexServerOptions = {}): Promise<RunningIndexServer> {
  const files = new Map<string, Uint8Array>(Object.entries(options.files ?? {}));
  if (options.debianWheels === true) for (const [name, bytes] of debianWheels()) files.set(`/files/${name}`, bytes);
  const faults = new Map<string, Fault[]>(Object.entries(options.faults ?? {}).map(([k, v]) => [k, [...v]]));
  const requests = new Map<string, number>();
  const log: LoggedRequest[] = [];
  const formats = options.simpleFormats ?? ["json", "html"];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const projectFiles = (project: string): Array<{ path: string; filename: string; bytes: Uint8Array }> =>
    [...files.entries()]
      .map(([path, bytes]) => ({ path, filename: decodeURIComponent(path.split("/").pop()!), bytes }))
      .filter((f) => projectOf(f.filename) === project)
      .sort((a, b) => (a.filename < b.filename ? -1 : 1));

  const serveSimple = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const m = /^\/simple\/(?:([^/]+)\/?)?$/.exec(path);
    if (m === null) return false;
    const accept = req.headers.accept ?? "";
    const wantsJson = accept.includes("application/vnd.pypi.simple.v1+json") && formats.includes("json");
    const htmlOk = formats.includes("html") && (accept === "" || /text\/html|\+html|\*\/\*/.test(accept));
    if (!wantsJson && !htmlOk) {
      res.writeHead(406).end();
      return true;
    }
    let body: string;
    if (m[1] === undefined) {
      const projects = [...new Set([...files.keys()].map((p) => projectOf(p.split("/").pop()!)))].filter(
        (p): p is string => p !== undefined,
      );
      projects.sort();
      body = wantsJson
        ? JSON.stringify({ meta: { "api-version": "1.1" }, projects: projects.map((name) => ({ name })) })
        : `<!DOCTYPE html><html><body>\n${projects.map((p) => `<a href="/simple/${p}/">${p}</a>`).join("\n")}\n</body></html>\n`;
    } else {
      const project = normalize(decodeURIComponent(m[1]));
      const list = projectFiles(project);
      if (list.length === 0) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return true;
      }
      if (wantsJson) {
        body = JSON.stringify({
          meta: { "api-version": "1.1" },
          name: project,
          files: list.map((f) => {
            const meta = options.fileMeta?.[f.filename] ?? {};
            return {
              filename: f.filename,
              url: f.path,
              hashes: { sha256: sha256Hex(f.bytes) },
              ...(meta.requiresPython === undefined ? {} : { "requires-python": meta.requiresPython }),
              yanked: meta.yanked ?? false,
              size: f.bytes.length,
            };
          }),
        });
      } else {
        const anchors = list.map((f) => {
          const meta = options.fileMeta?.[f.filename] ?? {};
          const rp =
            meta.requiresPython === undefined ? "" : ` data-requires-python="${escapeHtml(meta.requiresPython)}"`;
          const yanked =
            meta.yanked === undefined || meta.yanked === false
              ? ""
              : meta.yanked === true
                ? " data-yanked"
                : ` data-yanked="${escapeHtml(meta.yanked)}"`;
          return `<a href="../..${f.path}#sha256=${sha256Hex(f.bytes)}"${rp}${yanked}>${escapeHtml(f.filename)}</a><br/>`;
        });
        body = `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"></head><body>\n<h1>Links for ${project}</h1>\n${anchors.join("\n")}\n</body></html>\n`;
      }
    }
    const type = wantsJson ? "application/vnd.pypi.simple.v1+json" : "text/html; charset=utf-8";
    res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
    return true;
  };

  const server = createServer({ noDelay: true, keepAliveTimeout: 5_000 }, (req, res) => {
    // Absolute-form targets (`GET http://host/path`) arrive when the client uses this server as its proxy.
    const target = req.url ?? "/";
    const proxied = /^https?:\/\//i.test(target);
    const path = (proxied ? new URL(target).pathname : target).split("?")[0]!;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    log.push({ method: req.method ?? "GET", path, headers: req.headers, proxied });
    if (options.auth !== undefined) {
      const expected = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="index"', "content-length": 0 }).end();
        return;
      }
    }
    const fault = faults.get(path)?.shift();
    const bytes = files.get(path);
    if (fault?.type === "status") {
      const body = fault.body ?? "";
      res.writeHead(fault.status, { ...fault.headers, "content-length": Buffer.byteLength(body) }).end(body);
      return;
    }
    if (fault?.type === "retry-after") {
      res.writeHead(fault.status ?? 429, { "retry-after": fault.retryAfter, "content-length": 0 }).end();
      return;
    }
    if (fault?.type === "redirect") {
      res.writeHead(fault.status ?? 302, { location: fault.location, "content-length": 0 }).end();
      return;
    }
    if (bytes === undefined) {
      if (serveSimple(req, res, path)) return;
      res.writeHead(404, { "content-type": "text/plain", "content-length": 9 }).end("not found");
      return;
    }
    const headers = { "content-type": "application/octet-stream", "content-length": bytes.length };
    const socket = res.socket!;
    switch (fault?.type) {
      case undefined:
        res.writeHead(200, headers).end(bytes);
        return;
      case "wrong-bytes":
        res.writeHead(200, headers).end(bytes.map((b) => b ^ 0xff));
        return;
      case "reset":
        res.writeHead(200, headers);
        res.write(bytes.subarray(0, fault.afterBytes), () => {
          const s = socket as Socket & { resetAndDestroy?: () => void };
          if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
          else s.destroy();
        });
        return;
      case "truncate":
        res.writeHead(200, headers);
        res.write(bytes.subarray(0, fault.afterBytes), () => socket.end());
        return;
      case "stall":
        res.writeHead(200, headers);
        res.write(bytes.subarray(0, fault.afterBytes));
        return;
      case "slow": {
        res.writeHead(200, headers);
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          const next = Math.min(bytes.length, at + fault.chunkBytes);
          res.write(bytes.subarray(at, next));
          at = next;
          if (at >= bytes.length) {
            clearInterval(timer);
            timers.delete(timer);
            res.end();
          }
        }, fault.delayMs);
        timers.add(timer);
        return;
      }
    }
  });
  // As a proxy: tunnel every CONNECT to this same server, so tests need no real upstream.
  const connects: string[] = [];
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? "");
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    const upstream = netConnect((server.address() as AddressInfo).port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    log,
    connects,
    files,
    totalRequests: () => [...requests.values()].reduce((a, b) => a + b, 0),
    count: (path) => requests.get(path) ?? 0,
    addFile: (path, b) => {
      files.set(path, b);
    },
    addFaults: (path, ...more) => {
      faults.set(path, [...(faults.get(path) ?? []), ...more]);
    },
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
