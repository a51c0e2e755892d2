// Cross-process behaviour of the BUILT package (packages/fetch/dist): kill mid-download, two
// processes on one cache, and a warm run that never imports undici.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasEntry, pruneCache, verifyCache } from "@tspack/cache";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBytes, type RunningIndexServer, sha256Hex, startIndexServer } from "../../../test/helpers/index-server.js";
import { type FetchItem, fetchFiles } from "../src/index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/fetch-child.mjs", import.meta.url));
const noUndici = fileURLToPath(new URL("./fixtures/no-undici.mjs", import.meta.url));
const roots: string[] = [];

beforeAll(() => {
  // The children import packages/fetch/dist: build it (incremental, fast when up to date).
  execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-b", join(repo, "packages/fetch")], {
    stdio: "inherit",
  });
}, 120_000);
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function freshCache(): string {
  const dir = mkdtempSync(join(tmpdir(), "tspack-proc-"));
  roots.push(dir);
  return join(dir, "cache");
}

interface ChildOutcome {
  ok: boolean;
  result?: { requests: number; files: Array<{ from: string }> };
  error?: { code: string; message: string };
}

function runChild(
  payload: unknown,
  nodeArgs: string[] = [],
): { proc: ReturnType<typeof spawn>; done: Promise<ChildOutcome> } {
  const proc = spawn(process.execPath, [...nodeArgs, child, JSON.stringify(payload)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const done = new Promise<ChildOutcome>((resolve, reject) => {
    proc.on("close", (code, signal) => {
      if (signal !== null) resolve({ ok: false, error: { code: "SIGNAL", message: signal } });
      else if (code !== 0 || out === "") reject(new Error(`child exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ChildOutcome);
    });
  });
  return { proc, done };
}

function corpus(server: RunningIndexServer, n: number, size: number): FetchItem[] {
  const items: FetchItem[] = [];
  for (let i = 0; i < n; i++) {
    const filename = `p${i}-1.0-py3-none-any.whl`;
    const bytes = makeBytes(size, 100 + i);
    server.addFile(`/files/${filename}`, bytes);
    items.push({ key: `p${i}==1.0`, url: `${server.url}/files/${filename}`, filename, sha256: sha256Hex(bytes), size });
  }
  return items;
}

describe("fetchFiles across processes", () => {
  it("a process killed mid-download leaves nothing that reads as valid; a later fetch succeeds", async () => {
    const server = await startIndexServer();
    try {
      const [item] = corpus(server, 1, 8 * 1024 * 1024);
      server.addFaults(new URL(item!.url).pathname, { type: "slow", chunkBytes: 128 * 1024, delayMs: 10 });
      const cacheDir = freshCache();
      const { proc, done } = runChild({ items: [item], options: { cacheDir } });
      // Wait until the child has written part of the file into its temp file.
      const tmp = join(cacheDir, "tmp");
      const deadline = Date.now() + 20_000;
      for (;;) {
        const parts = existsSync(tmp) ? readdirSync(tmp) : [];
        if (parts.length > 0 && statSync(join(tmp, parts[0]!)).size > 0) break;
        if (Date.now() > deadline) throw new Error("the child never started writing");
        await new Promise((r) => setTimeout(r, 20));
      }
      proc.kill("SIGKILL");
      expect((await done).error?.code).toBe("SIGNAL");
      expect(await hasEntry(cacheDir, item!.sha256!)).toBe(false);
      expect(await verifyCache(cacheDir)).toEqual({ checked: 0, bytes: 0, bad: [] });
      expect(readdirSync(tmp)).toHaveLength(1); // the partial temp file, ignored by readers
      expect((await pruneCache(cacheDir, { tempOlderThanMinutes: 0, now: Date.now() + 1000 })).removed).toHaveLength(1);
      const later = await fetchFiles([item!], { cacheDir });
      expect(later.files[0]!.from).toBe("network");
      expect(await verifyCache(cacheDir)).toMatchObject({ checked: 1, bad: [] });
    } finally {
      await server.close();
    }
  }, 60_000);

  it("two processes fetching the same items into one cache both succeed and the cache verifies", async () => {
    const server = await startIndexServer();
    try {
      const items = corpus(server, 12, 400_000);
      for (const it of items)
        server.addFaults(new URL(it.url).pathname, { type: "slow", chunkBytes: 100_000, delayMs: 5 });
      const cacheDir = freshCache();
      const a = runChild({ items, options: { cacheDir, concurrency: 4 } });
      const b = runChild({ items, options: { cacheDir, concurrency: 4 } });
      const [ra, rb] = await Promise.all([a.done, b.done]);
      expect(ra.ok && rb.ok).toBe(true);
      expect(await verifyCache(cacheDir)).toMatchObject({ checked: 12, bad: [] });
      expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("a warm run makes zero requests and never imports undici", async () => {
    const server = await startIndexServer();
    try {
      const items = corpus(server, 3, 10_000);
      const cacheDir = freshCache();
      const cold = await runChild({ items, options: { cacheDir } }).done;
      expect(cold.result?.requests).toBe(3);
      const before = server.totalRequests();
      const warm = await runChild({ items, options: { cacheDir } }, ["--import", noUndici]).done;
      expect(warm.ok).toBe(true);
      expect(warm.result?.files.map((f) => f.from)).toEqual(["cache", "cache", "cache"]);
      expect(warm.result?.requests).toBe(0);
      expect(server.totalRequests()).toBe(before);
      // Control: the hook does catch an undici import (a cold run under it fails).
      const control = await runChild({ items, options: { cacheDir: freshCache() } }, ["--import", noUndici]).done;
      expect(control.ok).toBe(false);
      expect(control.error?.message).toContain("undici was imported");
    } finally {
      await server.close();
    }
  }, 60_000);
});
