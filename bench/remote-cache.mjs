// The remote cache's benchmark: a cold `tspack build` (empty local cache) served by the remote cache, by the
// index, and a warm local build, on the suite's offline mirrors (bench/mirror) and a throw-away Ceph RADOS
// Gateway on 127.0.0.1 (test/helpers/ceph-rgw.ts). Both servers are on loopback, so this measures the
// remote cache's own cost against the index's; on a real network the index is far and the bucket near.
// See docs/benchmarks.md, "Remote cache".
//
//   node bench/remote-cache.mjs                      fastapi and api scenarios, 5 runs each
//   node bench/remote-cache.mjs --scenario data --runs 3
//
// Needs radosgw, ceph-mon and ceph-osd (apt-get install radosgw ceph-mon ceph-osd) and a built CLI
// (node scripts/build.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { machineInfo } from "./lib/measure.mjs";
import { summary } from "./lib/stats.mjs";
import { buildMirror, DEFAULT_SEED, ROOT } from "./mirror/build-mirror.mjs";
import { startMirrorServer } from "./mirror/start-server.mjs";
import { SCENARIOS } from "./scenarios/catalog.mjs";

const { values: opts } = parseArgs({
  options: {
    scenario: { type: "string", default: "fastapi,api" },
    runs: { type: "string", default: "5" },
  },
});
const runs = Number(opts.runs);
const log = (m) => process.stderr.write(`${m}\n`);

/** The test harness is TypeScript: bundled once (with the AWS SDK it uses to create the bucket) to run here. */
async function loadHarness(work) {
  const esbuild = await import("esbuild");
  const out = join(work, "ceph-rgw.mjs");
  await esbuild.build({
    entryPoints: [join(ROOT, "test", "helpers", "ceph-rgw.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile: out,
    logLevel: "warning",
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  });
  return await import(out);
}

const TSPACK = join(ROOT, "packages", "tspack", "bin", "tspack.js");

function build(projectDir, { cacheDir, outDir, mirrorRules, remote, env }) {
  const args = [TSPACK, "build", projectDir, "--out", outDir, "--cache-dir", cacheDir, "-q"];
  for (const r of mirrorRules) args.push("--mirror", r);
  if (remote) args.push("--remote-cache", remote);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tspack build failed (${r.status}): ${r.stderr}`);
  if (r.stderr !== "") throw new Error(`tspack build warned: ${r.stderr}`);
  return ms;
}

const work = mkdtempSync(join(tmpdir(), "tspack-bench-remote-"));
const harness = await loadHarness(work);
const missing = harness.cephMissing();
if (missing !== undefined) {
  log(missing);
  process.exit(0);
}
const rgw = await harness.startRgw();
const results = [];
const loadBefore = loadavg();
try {
  const env = {
    ...rgw.env(),
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    TSPACK_REMOTE_CACHE: "",
    SOURCE_DATE_EPOCH: "",
    TSPACK_CACHE_DIR: "",
  };
  for (const id of opts.scenario.split(",")) {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (!scenario) throw new Error(`unknown scenario ${id}`);
    const mirror = await buildMirror(scenario, { seed: DEFAULT_SEED, log: () => {} });
    const server = await startMirrorServer(join(mirror.dir, "www"));
    try {
      const projectDir = join(mirror.dir, "project");
      const mirrorRules = mirror.origins.map((o) => `${o}/=${server.url}/`);
      const remote = `s3://${rgw.bucket}/${id}`;
      const dir = join(work, id);
      const fresh = (name) => {
        const d = join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
        mkdirSync(d, { recursive: true });
        return { cacheDir: join(d, "cache"), outDir: join(d, "out") };
      };
      // Fill the bucket (the first runner), and a warm local cache; both also warm the code caches.
      build(projectDir, { ...fresh("fill"), mirrorRules, remote, env });
      const warm = fresh("warm");
      build(projectDir, { ...warm, mirrorRules, env });
      const times = { index: [], remote: [], warm: [] };
      for (let i = 0; i < runs; i++) {
        // Interleaved, so the machine's load spreads over the three alike.
        times.index.push(build(projectDir, { ...fresh("index"), mirrorRules, env }));
        times.remote.push(build(projectDir, { ...fresh("remote"), mirrorRules, remote, env }));
        times.warm.push(build(projectDir, { ...warm, outDir: fresh("warm-out").outDir, mirrorRules, env }));
        log(
          `${id} run ${i + 1}/${runs}: index ${times.index[i].toFixed(0)} ms, remote ${times.remote[i].toFixed(0)} ms, warm ${times.warm[i].toFixed(0)} ms`,
        );
      }
      const stats = await server.stats();
      results.push({
        scenario: id,
        wheels: mirror.totals.wheels,
        bytes: mirror.totals.bytes,
        index: summary(times.index),
        remote: summary(times.remote),
        warm: summary(times.warm),
        indexRequests: stats.requests,
      });
    } finally {
      await server.stop();
      rmSync(join(work, id), { recursive: true, force: true });
    }
  }
} finally {
  await rgw.stop();
  rmSync(work, { recursive: true, force: true });
}
const loadAfter = loadavg();
const info = machineInfo({});
const rows = results.map((r) => {
  const ratio = r.remote.median / r.index.median;
  return `| ${r.scenario} | ${r.wheels} (${(r.bytes / 1e6).toFixed(1)} MB) | ${r.index.median.toFixed(0)} ms | ${r.remote.median.toFixed(0)} ms | ${ratio.toFixed(2)}× | ${r.warm.median.toFixed(0)} ms |`;
});
process.stdout.write(
  [
    `Machine: ${info.machine.cpu}, ${info.machine.cores} cores, Node ${process.version}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after. Medians of ${runs} runs.`,
    "",
    "| scenario | wheels | cold, from the index | cold, from the remote cache | remote / index | warm local |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    JSON.stringify(results),
    "",
  ].join("\n"),
);
