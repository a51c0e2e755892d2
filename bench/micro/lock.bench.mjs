// Micro-benchmark of reading and planning a large uv.lock (plain Node script, no vitest):
//   ./node_modules/.bin/tsc -b packages/plan packages/uv-lock && node bench/micro/lock.bench.mjs [--json]
// Generates a 1,000-package lock in uv's canonical layout with the test generator
// (packages/uv-lock/test/helpers/make-lock.ts, bundled with esbuild) and times, from the built packages:
//   (a) parseUvLock                                    — canonical fast path
//   (b) parseUvLock + selectPackages + planInstall     — target x86_64-manylinux2014, CPython 3.13,
//       selection as the tspack CLI does it (`--no-dev`)
// plus the parts of (b), and parseUvLock of the same lock reformatted (smol-toml fallback) for comparison.
// Warm: median (and min/max) of --runs calls after --warmup calls in this process. Cold: --cold-runs fresh
// processes, each timing its first call (modules already imported; time measured around the calls only).
// Options: --packages N (1000) --wheels N (4) --runs N (30) --warmup N (10) --cold-runs N (10) --json
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
    // Internal: run one cold measurement of this lock file and print JSON.
    child: { type: "string" },
  },
});

const PROJECT = { name: "project", dependencyGroups: ["dev"], optionalDependencies: [] };
const SELECT = { noDev: true };

async function loadPackages() {
  const [{ parseUvLock }, { selectPackages, planInstall }, { targetFromPlatform }] = await Promise.all([
    import(dist("uv-lock")),
    import(dist("plan")),
    import(dist("platform-tags")),
  ]);
  return { parseUvLock, selectPackages, planInstall, target: targetFromPlatform("x86_64-manylinux2014", "3.13") };
}

/** Runs the pipeline once, timing each step (ms). */
function pipeline(m, text) {
  const t0 = performance.now();
  const { lock } = m.parseUvLock(text);
  const t1 = performance.now();
  const selection = m.selectPackages(lock, PROJECT, SELECT);
  const t2 = performance.now();
  const plan = m.planInstall(selection, m.target);
  const t3 = performance.now();
  return { parse: t1 - t0, select: t2 - t1, plan: t3 - t2, total: t3 - t0, result: { lock, selection, plan } };
}

if (values.child !== undefined) {
  // Cold child: import first (not timed), then time the first calls.
  const m = await loadPackages();
  const text = readFileSync(values.child, "utf8");
  const parseOnly = (() => {
    const s = performance.now();
    m.parseUvLock(text);
    return performance.now() - s;
  })();
  process.stdout.write(JSON.stringify({ parseOnly }));
  process.exit(0);
}
if (process.env.LOCK_BENCH_CHILD_PIPELINE !== undefined) {
  // (unused; kept out of the option list)
}

// ---- generate the lock with the test generator
const { build } = await import("esbuild");
const bundled = await build({
  entryPoints: [join(root, "packages/uv-lock/test/helpers/make-lock.ts")],
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
});
const dir = mkdtempSync(join(tmpdir(), "tspack-lock-bench-"));
const genFile = join(dir, "make-lock.mjs");
writeFileSync(genFile, bundled.outputFiles[0].text);
const gen = await import(pathToFileURL(genFile).href);
const model = gen.makeLockModel({ packages: Number(values.packages), wheelsPerPackage: Number(values.wheels) });
const text = gen.renderCanonical(model);
const reformatted = gen.renderReformatted(model);
const lockFile = join(dir, "uv.lock");
writeFileSync(lockFile, text);
