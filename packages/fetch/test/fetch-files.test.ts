import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachePathFor, hasEntry, verifyCache } from "@tspack/cache";
import { isTspackError, type TspackError } from "@tspack/errors";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Fault,
  makeBytes,
  type RunningIndexServer,
  sha256Hex,
  startIndexServer,
} from "../../../test/helpers/index-server.js";
import { type FetchEvent, type FetchItem, fetchFiles } from "../src/index.js";

const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 20, random: () => 0.5 };
const roots: string[] = [];
const servers: RunningIndexServer[] = [];

function freshCache(): string {
  const dir = mkdtempSync(join(tmpdir(), "tspack-fetch-"));
  roots.push(dir);
  return join(dir, "cache");
}

async function server(...args: Parameters<typeof startIndexServer>): Promise<RunningIndexServer> {
  const s = await startIndexServer(...args);
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** n files `/files/pkgI-1.0-py3-none-any.whl` of the given size, as server files and fetch items. */
function corpus(n: number, size = 100_000, base = "") {
  const files: Record<string, Uint8Array> = {};
  const items: FetchItem[] = [];
  for (let i = 0; i < n; i++) {
    const filename = `pkg${i}-1.0-py3-none-any.whl`;
    const bytes = makeBytes(size + i, i + 7);
    files[`/files/${filename}`] = bytes;
    items.push({
      key: `pkg${i}==1.0`,
      url: `${base}/files/${filename}`,
      filename,
      sha256: sha256Hex(bytes),
      size: bytes.length,
    });
  }
  return { files, items };
}

const withBase = (items: FetchItem[], url: string): FetchItem[] => items.map((it) => ({ ...it, url: url + it.url }));

async function caught(p: Promise<unknown>): Promise<TspackError> {
  try {
    await p;
  } catch (e) {
    if (isTspackError(e)) return e;
    throw e;
  }
  throw new Error("expected a TspackError");
}

function tmpEntries(cacheDir: string): string[] {
  const dir = join(cacheDir, "tmp");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("fetchFiles: cold and warm", () => {
  let s: RunningIndexServer;
  let items: FetchItem[];
  let files: Record<string, Uint8Array>;
  beforeEach(async () => {
    ({ files, items } = corpus(5));
    s = await server({ files });
    items = withBase(items, s.url);
  });

  it("downloads into the content-addressed cache, then serves a warm run with zero requests", async () => {
    const cacheDir = freshCache();
    const events: FetchEvent[] = [];
    const cold = await fetchFiles(items, { cacheDir, onEvent: (e) => events.push(e) });
    expect(cold.requests).toBe(5);
    expect(s.totalRequests()).toBe(5);
    expect(cold.bytesDownloaded).toBe(items.reduce((n, it) => n + it.size!, 0));
    expect(cold.files.map((f) => f.from)).toEqual(Array(5).fill("network"));
    for (const [i, f] of cold.files.entries()) {
      expect(f.item).toBe(items[i]);
      expect(f.path).toBe(cachePathFor(cacheDir, items[i]!.sha256!));
      expect(f.path).toMatch(/wheels-v1\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}$/);
      expect(sha256Hex(readFileSync(f.path))).toBe(items[i]!.sha256);
    }
    expect(readFileSync(join(cacheDir, "CACHEDIR.TAG"), "utf8")).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55/,
    );
    expect(readFileSync(join(cacheDir, ".gitignore"), "utf8")).toBe("*\n");
    expect(tmpEntries(cacheDir)).toEqual([]);
    expect(events[0]).toMatchObject({ type: "fetch:start", files: 5, toDownload: 5 });
    expect(events.at(-1)).toMatchObject({ type: "fetch:done", files: 5, fromNetwork: 5, fromCache: 0, requests: 5 });
    expect(events.filter((e) => e.type === "fetch:file-done")).toHaveLength(5);
    expect(events.some((e) => e.type === "fetch:progress")).toBe(true);

    const warmEvents: FetchEvent[] = [];
    const warm = await fetchFiles(items, { cacheDir, onEvent: (e) => warmEvents.push(e) });
    expect(s.totalRequests()).toBe(5);
    expect(warm.requests).toBe(0);
    expect(warm.bytesDownloaded).toBe(0);
    expect(warm.files.map((f) => f.from)).toEqual(Array(5).fill("cache"));
    expect(warm.files.map((f) => f.path)).toEqual(cold.files.map((f) => f.path));
    expect(warmEvents[0]).toMatchObject({ type: "fetch:start", toDownload: 0 });
  });

  it("stores identical content once whatever its URL, with one request", async () => {
    const cacheDir = freshCache();
    const bytes = files["/files/pkg0-1.0-py3-none-any.whl"]!;
    s.addFile("/mirror/pkg0-1.0-py3-none-any.whl", bytes);
    const twin = { ...items[0]!, key: "twin==1.0", url: `${s.url}/mirror/pkg0-1.0-py3-none-any.whl` };
    const result = await fetchFiles([items[0]!, twin], { cacheDir });
    expect(result.files[0]!.path).toBe(result.files[1]!.path);
    expect(s.totalRequests()).toBe(1);
    expect(readdirSync(join(cacheDir, "wheels-v1", "sha256", items[0]!.sha256!.slice(0, 2)))).toHaveLength(1);
  });

  it("re-downloads an entry whose size does not match the lock (e.g. truncated by a crash)", async () => {
    const cacheDir = freshCache();
    await fetchFiles(items.slice(0, 1), { cacheDir });
    writeFileSync(cachePathFor(cacheDir, items[0]!.sha256!), "");
    const again = await fetchFiles(items.slice(0, 1), { cacheDir });
    expect(again.files[0]!.from).toBe("network");
    expect(sha256Hex(readFileSync(again.files[0]!.path))).toBe(items[0]!.sha256);
  });

  it("accepts `sha256:`-prefixed and upper-case hashes", async () => {
    const cacheDir = freshCache();
    const item = { ...items[0]!, sha256: `sha256:${items[0]!.sha256!.toUpperCase()}` };
    const r = await fetchFiles([item], { cacheDir });
    expect(r.files[0]!.sha256).toBe(items[0]!.sha256);
  });

  it("records the computed hash of items without one; requireHashes refuses them", async () => {
    const cacheDir = freshCache();
    const { sha256, size, ...noHash } = items[1]!;
    const r = await fetchFiles([noHash], { cacheDir });
    expect(r.files[0]).toMatchObject({ sha256, size, from: "network" });
    expect(await hasEntry(cacheDir, sha256!)).toBe(true);
    const e = await caught(fetchFiles([noHash], { cacheDir, requireHashes: true }));
    expect(e.code).toBe("TSPACK_HASH_REQUIRED");
    expect(e.message).toBe(
      `The file "pkg1-1.0-py3-none-any.whl" of "pkg1==1.0" has no sha256, but hashes are required`,
    );
  });
});

describe("fetchFiles: faults", () => {
  const FILE = "/files/a-1.0-py3-none-any.whl";
  const bytes = makeBytes(300_000, 42);
  const item = (url: string): FetchItem => ({
    key: "a==1.0",
    url: url + FILE,
    filename: "a-1.0-py3-none-any.whl",
    sha256: sha256Hex(bytes),
    size: bytes.length,
  });

  const recovering: Array<[string, Fault[], number]> = [
    ["500 then OK", [{ type: "status", status: 500 }], 2],
    [
      "503, 502 then OK",
      [
        { type: "status", status: 503 },
        { type: "status", status: 502 },
      ],
      3,
    ],
    ["408 then OK", [{ type: "status", status: 408 }], 2],
    ["429 with Retry-After seconds", [{ type: "retry-after", retryAfter: "0" }], 2],
    ["429 with Retry-After HTTP-date", [{ type: "retry-after", retryAfter: new Date(0).toUTCString() }], 2],
    ["connection reset mid-body", [{ type: "reset", afterBytes: 100_000 }], 2],
    ["truncated body", [{ type: "truncate", afterBytes: 150_000 }], 2],
    ["wrong bytes once (integrity retried as a fresh download)", [{ type: "wrong-bytes" }], 2],
    ["three failures (default 3 retries)", [1, 2, 3].map(() => ({ type: "status", status: 500 }) as Fault), 4],
    ["stalled body (read timeout)", [{ type: "stall", afterBytes: 1000 }], 2],
    ["slow body within the timeout", [{ type: "slow", chunkBytes: 100_000, delayMs: 20 }], 1],
  ];
  it.each(recovering)("recovers: %s", async (_name, faults, expectedRequests) => {
    const s = await server({ files: { [FILE]: bytes }, faults: { [FILE]: faults } });
    const cacheDir = freshCache();
    const events: FetchEvent[] = [];
    const r = await fetchFiles([item(s.url)], {
      cacheDir,
      retry: FAST_RETRY,
      timeoutMs: 300,
      onEvent: (e) => events.push(e),
    });
    expect(s.count(FILE)).toBe(expectedRequests);
    expect(r.requests).toBe(expectedRequests);
    expect(sha256Hex(readFileSync(r.files[0]!.path))).toBe(sha256Hex(bytes));
    expect(events.filter((e) => e.type === "fetch:retry")).toHaveLength(expectedRequests - 1);
    expect(tmpEntries(cacheDir)).toEqual([]);
  });

  it("honours Retry-After, capped at maxDelayMs", async () => {
    const s = await server({
      files: { [FILE]: bytes },
      faults: { [FILE]: [{ type: "retry-after", retryAfter: "3600" }] },
    });
    const events: FetchEvent[] = [];
    await fetchFiles([item(s.url)], { cacheDir: freshCache(), retry: FAST_RETRY, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.type === "fetch:retry")).toEqual({
      type: "fetch:retry",
      key: "a==1.0",
      url: `${s.url}${FILE}`,
      attempt: 1,
      reason: "HTTP 429 Too Many Requests",
      delayMs: 20,
    });
  });

  it("never retries a 404 and says so", async () => {
    const s = await server({ files: {} });
    const e = await caught(fetchFiles([item(s.url)], { cacheDir: freshCache(), retry: FAST_RETRY }));
    expect(s.count(FILE)).toBe(1);
    expect(e.code).toBe("TSPACK_HTTP_STATUS");
    expect(e.message).toBe(`The download of "a==1.0" from "${s.url}${FILE}" failed: HTTP 404 Not Found`);
    expect(e.hint).toMatch(/re-lock/);
    expect(e.details?.failures).toEqual([
      { key: "a==1.0", url: `${s.url}${FILE}`, code: "TSPACK_HTTP_STATUS", message: e.message, hint: e.hint },
    ]);
  });

  it("fails after bounded retries of a persistent 503", async () => {
    const faults = Array.from({ length: 10 }, () => ({ type: "status", status: 503 }) as Fault);
    const s = await server({ files: { [FILE]: bytes }, faults: { [FILE]: faults } });
    const e = await caught(fetchFiles([item(s.url)], { cacheDir: freshCache(), retry: { ...FAST_RETRY, retries: 2 } }));
    expect(s.count(FILE)).toBe(3);
    expect(e.message).toBe(
      `The download of "a==1.0" from "${s.url}${FILE}" failed after 3 attempts: HTTP 503 Service Unavailable`,
    );
  });

  it("fails a persistent connection reset with TSPACK_NETWORK", async () => {
    const faults = Array.from({ length: 4 }, () => ({ type: "reset", afterBytes: 10 }) as Fault);
    const s = await server({ files: { [FILE]: bytes }, faults: { [FILE]: faults } });
    const e = await caught(fetchFiles([item(s.url)], { cacheDir: freshCache(), retry: FAST_RETRY }));
    expect(e.code).toBe("TSPACK_NETWORK");
    expect(e.message).toMatch(new RegExp(`^The download of "a==1.0" from "${s.url}${FILE}" failed after 4 attempts: `));
  });

  it("fails a persistent hash mismatch, and wrong bytes never reach the cache", async () => {
    const s = await server({
      files: { [FILE]: bytes },
      faults: { [FILE]: [{ type: "wrong-bytes" }, { type: "wrong-bytes" }] },
    });
    const cacheDir = freshCache();
    const e = await caught(fetchFiles([item(s.url)], { cacheDir, retry: FAST_RETRY }));
    const wrong = sha256Hex(bytes.map((b) => b ^ 0xff));
    expect(s.count(FILE)).toBe(2);
    expect(e.code).toBe("TSPACK_INTEGRITY_MISMATCH");
    expect(e.message).toBe(
      `The download of "a==1.0" from "${s.url}${FILE}" does not match its hash: expected sha256:${sha256Hex(bytes)}, computed sha256:${wrong}`,
    );
    expect(e.details).toMatchObject({ key: "a==1.0", expected: sha256Hex(bytes), actual: wrong });
    expect(await hasEntry(cacheDir, wrong)).toBe(false);
    expect(await hasEntry(cacheDir, sha256Hex(bytes))).toBe(false);
    expect(tmpEntries(cacheDir)).toEqual([]);
    expect((await verifyCache(cacheDir)).checked).toBe(0);
  });

  it("rejects a body longer than the lock's size", async () => {
    const s = await server({ files: { [FILE]: bytes } });
    const e = await caught(
      fetchFiles([{ ...item(s.url), size: 1000 }], { cacheDir: freshCache(), retry: { ...FAST_RETRY, retries: 0 } }),
    );
    expect(e.code).toBe("TSPACK_INTEGRITY_MISMATCH");
    expect(e.message).toBe(
      `The download of "a==1.0" from "${s.url}${FILE}" does not match its size: expected 1000 bytes, downloaded more than 1000 bytes`,
    );
  });

  it("reports every failure of a run in one error, after finishing the rest", async () => {
    const { files, items } = corpus(4);
    const s = await server({
      files,
      faults: { "/files/pkg3-1.0-py3-none-any.whl": [{ type: "wrong-bytes" }, { type: "wrong-bytes" }] },
    });
    const list = withBase(items, s.url);
    list[1] = { ...list[1]!, url: `${s.url}/files/missing.whl` };
    const cacheDir = freshCache();
    const events: FetchEvent[] = [];
    const e = await caught(fetchFiles(list, { cacheDir, retry: FAST_RETRY, onEvent: (ev) => events.push(ev) }));
    expect(e.code).toBe("TSPACK_HTTP_STATUS");
    expect(e.message.split("\n")).toEqual([
      "2 files could not be fetched:",
      `  - The download of "pkg1==1.0" from "${s.url}/files/missing.whl" failed: HTTP 404 Not Found`,
      expect.stringMatching(/^ {2}- The download of "pkg3==1.0" from ".*" does not match its hash: expected sha256:/),
    ]);
    expect((e.details!.failures as Array<{ key: string; code: string }>).map((f) => [f.key, f.code])).toEqual([
      ["pkg1==1.0", "TSPACK_HTTP_STATUS"],
      ["pkg3==1.0", "TSPACK_INTEGRITY_MISMATCH"],
    ]);
    expect(await hasEntry(cacheDir, list[0]!.sha256!)).toBe(true);
    expect(await hasEntry(cacheDir, list[2]!.sha256!)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "fetch:done", failed: 2, fromNetwork: 2 });
  });
});

describe("fetchFiles: network and disk failures are classified (TSPACK_NETWORK / TSPACK_IO), retried like a 5xx", () => {
  const FILE = "/files/a-1.0-py3-none-any.whl";
  const bytes = makeBytes(1000, 3);
  const item = (base: string): FetchItem => ({
    key: "a==1.0",
    url: base + FILE,
    filename: "a-1.0-py3-none-any.whl",
    sha256: sha256Hex(bytes),
    size: bytes.length,
    name: "a",
  });
  /** A loopback port with nothing listening (bound, then closed). */
  async function closedPort(): Promise<number> {
    const { createServer } = await import("node:net");
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    return port;
  }
  const retries = (events: FetchEvent[]) => events.filter((e) => e.type === "fetch:retry");

  // `.invalid` never resolves (RFC 6761): one look-up at the local resolver, no traffic beyond it.
  it("a host that does not resolve (ENOTFOUND) is TSPACK_NETWORK after the configured retries", async () => {
    const cacheDir = freshCache();
    const events: FetchEvent[] = [];
    const e = await caught(
      fetchFiles([item("http://nonexistent.invalid")], {
        cacheDir,
        retry: { ...FAST_RETRY, retries: 2 },
        onEvent: (ev) => events.push(ev),
      }),
    );
    expect(e.code).toBe("TSPACK_NETWORK");
    expect(e.message).toMatch(
      /^The download of "a==1.0" from "http:\/\/nonexistent.invalid\/files\/a-1.0-py3-none-any.whl" failed after 3 attempts: the host name does not resolve \(getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent.invalid\)$/,
    );
    expect(e.hint).toMatch(/^The host name does not resolve/);
    expect(retries(events).map((r) => r.type === "fetch:retry" && r.attempt)).toEqual([1, 2]);
    expect(tmpEntries(cacheDir)).toEqual([]);
  });

  it("an index URL whose host does not resolve is TSPACK_NETWORK after the retries, with retry events", async () => {
    const events: FetchEvent[] = [];
    const e = await caught(
      fetchFiles([item("http://nonexistent.invalid")], {
        cacheDir: freshCache(),
        indexUrl: "http://nonexistent.invalid/simple",
        retry: { ...FAST_RETRY, retries: 1 },
        onEvent: (ev) => events.push(ev),
      }),
    );
    expect(e.code).toBe("TSPACK_NETWORK");
    expect(e.message).toMatch(
      /^The download of "a" from "http:\/\/nonexistent.invalid\/simple\/a\/" failed after 2 attempts: the host name does not resolve/,
    );
    expect(retries(events)).toEqual([
      expect.objectContaining({ key: "a", url: "http://nonexistent.invalid/simple/a/", attempt: 1 }),
    ]);
  });

  it("a refused connection (closed loopback port) is TSPACK_NETWORK after the retries", async () => {
    const port = await closedPort();
    const events: FetchEvent[] = [];
    const e = await caught(
      fetchFiles([item(`http://127.0.0.1:${port}`)], {
        cacheDir: freshCache(),
        retry: { ...FAST_RETRY, retries: 3 },
        onEvent: (ev) => events.push(ev),
      }),
    );
    expect(e.code).toBe("TSPACK_NETWORK");
    expect(e.message).toBe(
      `The download of "a==1.0" from "http://127.0.0.1:${port}${FILE}" failed after 4 attempts: the connection was refused (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(retries(events)).toHaveLength(3);
    expect(e.details?.failures).toEqual([expect.objectContaining({ code: "TSPACK_NETWORK" })]);
  });

  it("a cache that cannot be written is TSPACK_IO naming the cache (not TSPACK_CACHE_CORRUPT, no retries)", async () => {
    const s = await server({ files: { [FILE]: bytes } });
    const file = freshCache();
    writeFileSync(file, "not a folder");
    const dir = join(file, "cache"); // under a file: ENOTDIR
    const e = await caught(fetchFiles([item(s.url)], { cacheDir: dir, retry: FAST_RETRY }));
    expect(e.code).toBe("TSPACK_IO");
    expect(e.message).toBe(
      `The cache "${dir}" cannot be written: a part of the path is a file, not a folder (ENOTDIR)`,
    );
    expect(e.hint).toMatch(/choose another path with --cache-dir/);
    expect(s.count(FILE)).toBe(0);
  });
});

describe("fetchFiles: offline, abort", () => {
  it("offline fails at once naming every missing file, without requests", async () => {
    const { files, items } = corpus(3);
    const s = await server({ files });
    const list = withBase(items, s.url);
    const cacheDir = freshCache();
    await fetchFiles(list.slice(0, 1), { cacheDir });
    const e = await caught(fetchFiles(list, { cacheDir, offline: true }));
    expect(s.totalRequests()).toBe(1);
    expect(e.code).toBe("TSPACK_OFFLINE");
    expect(e.message).toBe(
      [
        "2 files are not in the cache and offline mode forbids downloading:",
        `  - pkg1==1.0 (${s.url}/files/pkg1-1.0-py3-none-any.whl)`,
        `  - pkg2==1.0 (${s.url}/files/pkg2-1.0-py3-none-any.whl)`,
      ].join("\n"),
    );
    const ok = await fetchFiles(list.slice(0, 1), { cacheDir, offline: true });
    expect(ok.files[0]!.from).toBe("cache");
  });

  it("abort rejects with TSPACK_ABORTED and leaves no temp files", async () => {
    const { files, items } = corpus(3, 400_000);
    const faults: Record<string, Fault[]> = {};
    for (const p of Object.keys(files)) faults[p] = [{ type: "slow", chunkBytes: 20_000, delayMs: 20 }];
    const s = await server({ files, faults });
    const cacheDir = freshCache();
    const controller = new AbortController();
    const p = fetchFiles(withBase(items, s.url), {
      cacheDir,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "fetch:progress") controller.abort();
      },
    });
    const e = await caught(p);
    expect(e.code).toBe("TSPACK_ABORTED");
    expect(e.message).toBe("The download was aborted");
    expect(tmpEntries(cacheDir)).toEqual([]);
    expect((await verifyCache(cacheDir)).checked).toBe(0);
  });
});

describe("fetchFiles: one signal, many requests", () => {
  it("32 parallel downloads on one AbortSignal print no MaxListenersExceededWarning", async () => {
    const { files, items } = corpus(32, 50_000);
    const s = await server({ files });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const r = await fetchFiles(withBase(items, s.url), {
        cacheDir: freshCache(),
        concurrency: 32,
        signal: new AbortController().signal,
      });
      expect(r.files).toHaveLength(32);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe("fetchFiles: sources and credentials", () => {
  const FILE = "/files/b-2.0-py3-none-any.whl";
  const bytes = makeBytes(50_000, 9);
  const base: Omit<FetchItem, "url"> = {
    key: "b==2.0",
    filename: "b-2.0-py3-none-any.whl",
    sha256: sha256Hex(bytes),
    size: bytes.length,
  };
  const auth = { username: "alice", password: "s3cr3t-pw" };
  const noSecret = (s: RunningIndexServer, e: unknown, events: FetchEvent[]): void => {
    expect(JSON.stringify(events)).not.toContain(auth.password);
    if (e !== undefined) {
      const err = e as TspackError;
      expect(`${err.message}\n${err.hint}\n${JSON.stringify(err.details)}`).not.toContain(auth.password);
    }
    expect(s.log.length).toBeGreaterThan(0);
  };

  it("sends URL userinfo as basic auth and never prints it", async () => {
    const s = await server({ files: { [FILE]: bytes }, auth, faults: { [FILE]: [{ type: "status", status: 500 }] } });
    const events: FetchEvent[] = [];
    const url = `http://alice:s3cr3t-pw@127.0.0.1:${s.port}${FILE}`;
    await fetchFiles([{ ...base, url }], { cacheDir: freshCache(), retry: FAST_RETRY, onEvent: (e) => events.push(e) });
    expect(s.count(FILE)).toBe(2);
    const retry = events.find((e) => e.type === "fetch:retry");
    expect(retry).toMatchObject({ url: `http://****@127.0.0.1:${s.port}${FILE}` });
    noSecret(s, undefined, events);
    // Wrong password: 401 is not retried and the message is redacted.
    const events2: FetchEvent[] = [];
    const e = await caught(
      fetchFiles([{ ...base, url: `http://alice:wrong-pw@127.0.0.1:${s.port}${FILE}` }], {
        cacheDir: freshCache(),
        retry: FAST_RETRY,
        onEvent: (ev) => events2.push(ev),
      }),
    );
    expect(e.message).toBe(
      `The download of "b==2.0" from "http://****@127.0.0.1:${s.port}${FILE}" failed: HTTP 401 Unauthorized`,
    );
    expect(e.message).not.toContain("wrong-pw");
  });

  it("reads credentials from the netrc file named by NETRC", async () => {
    const s = await server({ files: { [FILE]: bytes }, auth });
    const dir = mkdtempSync(join(tmpdir(), "tspack-netrc-"));
    roots.push(dir);
    writeFileSync(join(dir, "netrc"), `machine 127.0.0.1\n  login alice\n  password s3cr3t-pw\n`);
    const events: FetchEvent[] = [];
    const r = await fetchFiles([{ ...base, url: s.url + FILE }], {
      cacheDir: freshCache(),
      env: { NETRC: join(dir, "netrc") },
      onEvent: (e) => events.push(e),
    });
    expect(r.files[0]!.from).toBe("network");
    noSecret(s, undefined, events);
  });

  it("reads ~/.netrc from homedir", async () => {
    const s = await server({ files: { [FILE]: bytes }, auth });
    const home = mkdtempSync(join(tmpdir(), "tspack-home-"));
    roots.push(home);
    writeFileSync(join(home, ".netrc"), "default login alice password s3cr3t-pw\n");
    const r = await fetchFiles([{ ...base, url: s.url + FILE }], { cacheDir: freshCache(), env: {}, homedir: home });
    expect(r.files[0]!.from).toBe("network");
  });

  it("reads UV_INDEX_<NAME>_USERNAME / _PASSWORD for a named index", async () => {
    const s = await server({ files: { [FILE]: bytes }, auth });
    const r = await fetchFiles([{ ...base, url: s.url + FILE }], {
      cacheDir: freshCache(),
      indexes: [{ name: "my-corp.index", url: `${s.url}/simple` }],
      env: { UV_INDEX_MY_CORP_INDEX_USERNAME: "alice", UV_INDEX_MY_CORP_INDEX_PASSWORD: "s3cr3t-pw" },
    });
    expect(r.files[0]!.from).toBe("network");
    expect(s.log[0]!.headers.authorization).toBe(`Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}`);
  });

  it("follows redirects and drops credentials across origins", async () => {
    const target = await server({ files: { [FILE]: bytes } });
    const origin = await server({ files: {}, faults: { [FILE]: [{ type: "redirect", location: target.url + FILE }] } });
    await fetchFiles([{ ...base, url: `http://alice:s3cr3t-pw@127.0.0.1:${origin.port}${FILE}` }], {
      cacheDir: freshCache(),
    });
    expect(origin.log[0]!.headers.authorization).toBeDefined();
    expect(target.count(FILE)).toBe(1);
    expect(target.log[0]!.headers.authorization).toBeUndefined();
  });

  it("rewrites URLs through mirrors (longest prefix wins)", async () => {
    const mirror = await server({ files: { [`/pypi${FILE}`]: bytes } });
    const r = await fetchFiles([{ ...base, url: `https://files.example.invalid${FILE}` }], {
      cacheDir: freshCache(),
      mirrors: [
        { from: "https://files.example.invalid/", to: "http://127.0.0.1:1/never/" },
        { from: "https://files.example.invalid/files/", to: `${mirror.url}/pypi/files/` },
      ],
    });
    expect(r.files[0]!.from).toBe("network");
    expect(mirror.count(`/pypi${FILE}`)).toBe(1);
  });

  it.each(["json", "html"] as const)("finds files on indexUrl by filename (%s simple API)", async (format) => {
    const s = await server({ files: { [FILE]: bytes }, simpleFormats: [format] });
    const r = await fetchFiles([{ ...base, url: `https://files.example.invalid/x/${base.filename}` }], {
      cacheDir: freshCache(),
      indexUrl: `${s.url}/simple/`,
    });
    expect(r.files[0]!.from).toBe("network");
    expect(s.count("/simple/b/")).toBe(1);
    expect(s.count(FILE)).toBe(1);
    expect(r.requests).toBe(format === "json" ? 2 : 2);
  });

  it("uses HTTP_PROXY from the passed env (and NO_PROXY exempts hosts)", async () => {
    const proxy = await server({ files: { [FILE]: bytes } });
    const r = await fetchFiles([{ ...base, url: `http://files.example.invalid${FILE}` }], {
      cacheDir: freshCache(),
      env: { HTTP_PROXY: proxy.url },
    });
    expect(r.files[0]!.from).toBe("network");
    expect(proxy.connects).toEqual(["files.example.invalid:80"]);
    expect(proxy.count(FILE)).toBe(1);

    const direct = await server({ files: { [FILE]: bytes } });
    await fetchFiles([{ ...base, url: direct.url + FILE }], {
      cacheDir: freshCache(),
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
    });
    expect(direct.count(FILE)).toBe(1);
    expect(proxy.connects).toHaveLength(1);
  });
});
