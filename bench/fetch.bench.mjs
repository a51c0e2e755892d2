#!/usr/bin/env node
// Cold-fetch benchmark of @tspack/fetch against a bare undici loop.
//   node bench/fetch.bench.mjs [--json] [--files 200] [--mib 1] [--runs 3] [--concurrency 4,8,16,32,50]
// Needs `tsc -b packages/fetch` first (imports packages/fetch/dist). The server runs in a CHILD
// process (a server in the same event loop would share the client's CPU: machine-limits.md §2).
// Every run writes into a fresh cache dir; all dirs are deleted at the end (delete-then-create trap).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1];
};

if (args.includes("--server")) {
  // Child: serve N random files from memory, print the manifest, run until stdin closes.
  const n = Number(flag("files", "200"));
  const size = Math.round(Number(flag("mib", "1")) * 1024 * 1024);
  const files = new Map();
  const manifest = [];
  for (let i = 0; i < n; i++) {
    const bytes = randomBytes(size);
    const filename = `pkg${i}-1.0-py3-none-any.whl`;
    files.set(`/files/${filename}`, bytes);
    manifest.push({ filename, sha256: createHash("sha256").update(bytes).digest("hex"), size });
  }
  const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    const body = files.get(req.url);
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port, manifest })}\n`);
  });
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
} else {
  await main();
}

async function startServer() {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [self, "--server", "--files", flag("files", "200"), "--mib", flag("mib", "1")],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  let buf = "";
  const info = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  return { ...info, stop: () => child.stdin.end() };
}

/** Bare loop: undici.request → sha256 + createWriteStream → rename (no verification bookkeeping). */
async function bareUndici(undici, pLimit, items, dir, concurrency) {
  const agent = new undici.Agent({ keepAliveTimeout: 4000 });
  const limit = pLimit(concurrency);
  await mkdir(join(dir, "tmp"), { recursive: true });
  await mkdir(join(dir, "out"), { recursive: true });
  await Promise.all(
    items.map((it, i) =>
      limit(async () => {
        const { body } = await agent.request({
          origin: new URL(it.url).origin,
          path: new URL(it.url).pathname,
          method: "GET",
        });
        const hash = createHash("sha256");
        const tmp = join(dir, "tmp", String(i));
        body.on("data", (c) => hash.update(c));
        await pipeline(body, createWriteStream(tmp));
        await rename(tmp, join(dir, "out", hash.digest("hex")));
      }),
    ),
  );
  await agent.close();
}

function cpuMs(u) {
  return (u.user + u.system) / 1000;
}

function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

async function main() {
  const json = args.includes("--json");
  const runs = Number(flag("runs", "3"));
  const concurrencies = String(flag("concurrency", "4,8,16,32,50")).split(",").map(Number);
  const repo = fileURLToPath(new URL("../", import.meta.url));
  const { fetchFiles } = await import(join(repo, "packages/fetch/dist/index.js"));
  const undici = await import("undici");
  const { default: pLimit } = await import("p-limit");
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  const items = server.manifest.map((m) => ({ key: m.filename, url: `${base}/files/${m.filename}`, ...m }));
  const totalMiB = items.reduce((n, it) => n + it.size, 0) / 1024 / 1024;
  const benchRoot = await mkdtemp(join(tmpdir(), "tspack-fetch-bench-"));
  let seq = 0;
  const fresh = () => join(benchRoot, `run-${seq++}`);
  // --delete-each: remove each run's dir right after it (recycles page-cache pages; costs a small
  // delete-then-create penalty for 200 inodes). Default: keep everything until the end.
  const deleteEach = args.includes("--delete-each");
  const done = async (dir) => {
    if (deleteEach) await rm(dir, { recursive: true, force: true });
  };
  const results = [];
  try {
    // Warm-up both paths once (JIT, connections, page cache).
    await fetchFiles(items, { cacheDir: fresh(), concurrency: 16 });
    await bareUndici(undici, pLimit, items, fresh(), 16);
    for (const c of concurrencies) {
      // CPU ms of this (client) process too: wall time is noisy when the 2 vCPUs are shared.
      const row = { concurrency: c, tspackMs: [], bareMs: [], tspackCpuMs: [], bareCpuMs: [], tspackPeakRssMiB: 0 };
      for (let r = 0; r < runs; r++) {
        // Alternate the two so that page-cache growth hits both alike.
        const stop = rssSampler();
        const d1 = fresh();
        let t = performance.now();
        let cpu = process.cpuUsage();
        const res = await fetchFiles(items, { cacheDir: d1, concurrency: c });
        row.tspackMs.push(performance.now() - t);
        row.tspackCpuMs.push(cpuMs(process.cpuUsage(cpu)));
        row.tspackPeakRssMiB = Math.max(row.tspackPeakRssMiB, stop() / 1024 / 1024);
        if (res.requests !== items.length) throw new Error(`expected ${items.length} requests, got ${res.requests}`);
        await done(d1);
        const d2 = fresh();
        t = performance.now();
        cpu = process.cpuUsage();
        await bareUndici(undici, pLimit, items, d2, c);
        row.bareMs.push(performance.now() - t);
        row.bareCpuMs.push(cpuMs(process.cpuUsage(cpu)));
        await done(d2);
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      row.tspackMedianMs = median(row.tspackMs);
      row.bareMedianMs = median(row.bareMs);
      row.tspackMiBps = totalMiB / (row.tspackMedianMs / 1000);
      row.bareMiBps = totalMiB / (row.bareMedianMs / 1000);
      row.ratio = row.tspackMedianMs / row.bareMedianMs;
      row.tspackCpuMedianMs = median(row.tspackCpuMs);
      row.bareCpuMedianMs = median(row.bareCpuMs);
      results.push(row);
    }
  } finally {
    server.stop();
    await rm(benchRoot, { recursive: true, force: true });
  }
  const report = {
    node: process.version,
    files: items.length,
    totalMiB,
    runs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    results,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const f = (x, d = 0) => x.toFixed(d).padStart(8);
  console.log(
    `cold fetch: ${items.length} files, ${totalMiB.toFixed(0)} MiB, loopback server in a child process, median of ${runs}`,
  );
  console.log("  conc tspack ms   MiB/s  bare ms   MiB/s    ratio  cpu tspack  cpu bare  peak RSS MiB");
  for (const r of results) {
    console.log(
      `${f(r.concurrency).slice(2)} ${f(r.tspackMedianMs)} ${f(r.tspackMiBps)} ${f(r.bareMedianMs)} ${f(r.bareMiBps)} ${f(r.ratio, 2)} ${f(r.tspackCpuMedianMs)}   ${f(r.bareCpuMedianMs)} ${f(r.tspackPeakRssMiB)}`,
    );
  }
  console.log(`process peak RSS ${report.peakRssMiB.toFixed(0)} MiB`);
}
