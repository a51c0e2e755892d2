// Micro-benchmark of reading and planning a large uv.lock (plain Node script, no vitest):
//   ./node_modules/.bin/tsc -b packages/plan packages/uv-lock && node bench/micro/lock.bench.mjs [--json]
// Generates a 1,000-package lock in uv's canonical layout with the test generator
// (packages/uv-lock/test/helpers/make-lock.ts, bundled with esbuild) and times, on the built packages
// (packages/*/dist):
//   (a) parseUvLock                                  canonical layout (fast path)
//   (b) parseUvLock + selectPackages + planInstall   target x86_64-manylinux2014, CPython 3.13,
//       selection as the tspack CLI makes it (`--no-dev`); its steps are reported too
//   (c) parseUvLock of the same lock reformatted     smol-toml fallback, for comparison
// Warm: median/min/max of --runs calls after --warmup calls in this process. Cold: --cold-runs fresh
// processes per case, each timing its first call (modules imported and the file read before timing).
// Options: --packages N (1000) --wheels N (4) --runs N (30) --warmup N (10) --cold-runs N (10) --json
//   --baseline FILE.mjs   also time (a) and (b) with another build of @tspack/uv-lock (e.g. an older
//                         commit bundled with esbuild), warm calls interleaved with the current build's
//                         so that both see the same machine load.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = (name) => pathToFileURL(join(root, "packages", name, "dist", "index.js")).href;

const { values } = parseArgs({
  options: {
    packages: { type: "string", default: "1000" },
    wheels: { type: "string", default: "4" },
    runs: { type: "string", default: "30" },
    warmup: { type: "string", default: "10" },
    "cold-runs": { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    baseline: { type: "string" },
    // Internal (cold runs): measure case --child-case on the lock file --child and print JSON.
    child: { type: "string" },
    "child-case": { type: "string" },
  },
});

/** The generated project: root `project` with a `dev` group (left out, like `tspack plan`). */
const PROJECT = { name: "project", dependencyGroups: ["dev"], optionalDependencies: [] };
const SELECT = { noDev: true };

/** The functions under test; `uvLock` replaces the built @tspack/uv-lock (baseline runs). */
async function loadPackages(uvLock) {
  const [{ parseUvLock }, { planInstall, selectPackages }, { targetFromPlatform }] = await Promise.all([
    import(uvLock === undefined ? dist("uv-lock") : pathToFileURL(uvLock).href),
    import(dist("plan")),
    import(dist("platform-tags")),
  ]);
  return { parseUvLock, selectPackages, planInstall, target: targetFromPlatform("x86_64-manylinux2014", "3.13") };
}

/** CPU time of this process (all threads: the main thread, GC and compiler helpers) in ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Parse only: wall and CPU ms. */
function parseCase(m, text) {
  const c0 = cpuMs();
  const t0 = performance.now();
  m.parseUvLock(text);
  const t1 = performance.now();
  const c1 = cpuMs();
  return { wall: { total: t1 - t0 }, cpu: { total: c1 - c0 } };
}

/** The pipeline once, with the wall and CPU time of each step (ms). */
function pipelineCase(m, text) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const { lock } = m.parseUvLock(text);
  const t1 = performance.now();
  const c1 = cpuMs();
  const selection = m.selectPackages(lock, PROJECT, SELECT);
  const t2 = performance.now();
  const c2 = cpuMs();
  const plan = m.planInstall(selection, m.target);
  const t3 = performance.now();
  const c3 = cpuMs();
  return {
    wall: { total: t3 - t0, parse: t1 - t0, select: t2 - t1, plan: t3 - t2 },
    cpu: { total: c3 - c0, parse: c1 - c0, select: c2 - c1, plan: c3 - c2 },
    out: { lock, selection, plan },
  };
}

const CASES = {
  a: { label: "(a) parseUvLock", run: parseCase, file: "canonical" },
  b: { label: "(b) parse + select + plan", run: pipelineCase, file: "canonical" },
  c: { label: "(c) parseUvLock, reformatted (smol-toml)", run: parseCase, file: "reformatted" },
};
if (values.baseline !== undefined) {
  CASES.a0 = { label: "(a) parseUvLock, baseline build", run: parseCase, file: "canonical", baseline: true, with: "a" };
  CASES.b0 = {
    label: "(b) parse + select + plan, baseline",
    run: pipelineCase,
    file: "canonical",
    baseline: true,
    with: "b",
  };
}

if (values.child !== undefined) {
  const c = CASES[values["child-case"]];
  const m = await loadPackages(c.baseline ? values.baseline : undefined);
  const text = readFileSync(values.child, "utf8");
  const r = c.run(m, text);
  delete r.out;
  process.stdout.write(JSON.stringify(r));
  process.exit(0);
}

// ---- the lock, from the test generator
const { build } = await import("esbuild");
const bundled = await build({
  entryPoints: [join(root, "packages/uv-lock/test/helpers/make-lock.ts")],
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  logLevel: "silent",
});
const dir = mkdtempSync(join(tmpdir(), "tspack-lock-bench-"));
try {
  writeFileSync(join(dir, "make-lock.mjs"), bundled.outputFiles[0].text);
  const gen = await import(pathToFileURL(join(dir, "make-lock.mjs")).href);
  const model = gen.makeLockModel({ packages: Number(values.packages), wheelsPerPackage: Number(values.wheels) });
  const texts = { canonical: gen.renderCanonical(model), reformatted: gen.renderReformatted(model) };
  const files = {};
  for (const [k, t] of Object.entries(texts)) writeFileSync((files[k] = join(dir, `${k}.uv.lock`)), t);

  const m = await loadPackages();
  const base = values.baseline === undefined ? undefined : await loadPackages(values.baseline);
  const first = pipelineCase(m, texts.canonical).out;
  const info = {
    node: process.version,
    cpus: availableParallelism(),
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    lock: {
      bytes: Buffer.byteLength(texts.canonical),
      packages: first.lock.packages.length,
      selected: first.selection.packages.length,
      planned: first.plan.packages.length,
      missing: first.plan.missing.length,
      skipped: first.plan.skipped.length,
    },
  };

  const stats = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    const r = (v) => Number(v.toFixed(2));
    return { median: r(s[s.length >> 1]), min: r(s[0]), max: r(s[s.length - 1]), n: s.length };
  };
  /** { wall: { step: stats }, cpu: { step: stats } } over the samples. */
  const collect = (samples) => {
    const out = { wall: {}, cpu: {} };
    for (const kind of ["wall", "cpu"]) {
      for (const key of Object.keys(samples[0][kind])) out[kind][key] = stats(samples.map((x) => x[kind][key]));
    }
    return out;
  };

  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const coldRuns = Number(values["cold-runs"]);
  const coldRun = (id, c) => {
    const args = [fileURLToPath(import.meta.url), "--child", files[c.file], "--child-case", id];
    if (values.baseline !== undefined) args.push("--baseline", values.baseline);
    const p = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (p.status !== 0) throw new Error(`cold run of ${id} failed: ${p.stderr}`);
    return JSON.parse(p.stdout);
  };
  // A case and its baseline twin (if any) alternate call by call, warm and cold.
  const raw = {};
  for (const [id, c] of Object.entries(CASES)) {
    if (c.baseline) continue;
    const twinId = Object.keys(CASES).find((k) => CASES[k].with === id);
    const group = [[id, c, m], ...(twinId === undefined ? [] : [[twinId, CASES[twinId], base]])];
    for (const [k] of group) raw[k] = { warm: [], cold: [] };
    const text = texts[c.file];
    for (let i = 0; i < warmup; i++) for (const [, cc, mm] of group) cc.run(mm, text);
    for (let i = 0; i < runs; i++) {
      for (const [k, cc, mm] of group) {
        const r = cc.run(mm, text);
        delete r.out;
        raw[k].warm.push(r);
      }
    }
    for (let i = 0; i < coldRuns; i++) for (const [k, cc] of group) raw[k].cold.push(coldRun(k, cc));
  }
  const results = {};
  for (const [id, c] of Object.entries(CASES)) {
    results[id] = { label: c.label, warm: collect(raw[id].warm), cold: collect(raw[id].cold) };
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...info, runs, warmup, coldRuns, results }, null, 2)}\n`);
  } else {
    const l = info.lock;
    console.log(
      `lock: ${(l.bytes / 1e6).toFixed(2)} MB, ${l.packages} packages; selected ${l.selected}, planned ${l.planned} (${l.missing} without a wheel), skipped ${l.skipped} by marker`,
    );
    console.log(`node ${info.node}, ${info.cpus} cpus, load ${info.loadavg.join(" ")}`);
    console.log(`warm: ${runs} calls after ${warmup} warm-up calls; cold: ${coldRuns} fresh processes (ms).`);
    console.log("wall = performance.now(); cpu = process.cpuUsage() (all threads; steadier on a busy machine)\n");
    const rows = [["case", "warm wall med", "min", "cpu med", "cold wall med", "min", "max", "cpu med"]];
    const fmt = (x) => x.toFixed(1);
    for (const r of Object.values(results)) {
      for (const key of Object.keys(r.warm.wall)) {
        const name = key === "total" ? r.label : `    ${key}`;
        const w = r.warm.wall[key];
        const c = r.cold.wall[key];
        rows.push([
          name,
          fmt(w.median),
          fmt(w.min),
          fmt(r.warm.cpu[key].median),
          fmt(c.median),
          fmt(c.min),
          fmt(c.max),
          fmt(r.cold.cpu[key].median),
        ]);
      }
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows)
      console.log(row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  "));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
