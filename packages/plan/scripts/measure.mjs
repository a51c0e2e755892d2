// Measures parseUvLock / selectPackages / planInstall separately: warm (--runs pipelines in one process after
// 5 untimed ones, each on a fresh parse of the same text) and cold (the first call in --cold-runs fresh
// processes; module evaluation timed separately; wall and CPU time, because the machine is shared).
// Usage (from /work/main; bundles the TypeScript sources with esbuild, no build needed):
//   node packages/plan/scripts/measure.mjs [--packages 1000] [--runs 20] [--cold-runs 7] [path/to/uv.lock]
// Without a path it measures a generated lock (packages/plan/test/helpers/big-lock.ts; `--gen uv-lock` uses
// packages/uv-lock/test/helpers/make-lock.ts) and the real 37-package example lock.
// Before/after: `--sources DIR` takes packages/{pep508,plan}/src from another checkout, e.g. the commit before the
// node-level marker algebra:
//   mkdir -p /tmp/base && git archive 2feb53c packages/pep508/src packages/plan/src | tar -x -C /tmp/base
//   node packages/plan/scripts/measure.mjs --sources /tmp/base
// `--cpu-prof-dir DIR` also writes a `node --cpu-prof` profile of --runs warm pipelines per lock.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    packages: { type: "string", default: "1000" },
    gen: { type: "string", default: "plan" },
    runs: { type: "string", default: "20" },
    "cold-runs": { type: "string", default: "7" },
    // Internal: run one cold measurement of `--child LOCKFILE` with the bundle given by `--bundle`.
    child: { type: "string" },
    bundle: { type: "string" },
    "warm-only": { type: "boolean", default: false },
    "cpu-prof-dir": { type: "string" },
    // Take packages/{pep508,plan}/src from this checkout instead (e.g. `git archive HEAD` extracted there).
    sources: { type: "string" },
  },
});

const PROJECT_DEV = { name: "zz-project", dependencyGroups: ["dev"], optionalDependencies: [] };

/** The project info of a lock: its virtual/editable root package. */
function projectOf(lock) {
  const root = lock.packages.find(
    (p) =>
      (p.source.kind === "virtual" || p.source.kind === "editable") && (p.source.path === "." || p.source.path === ""),
  );
  if (root?.name === "zz-project") return PROJECT_DEV;
  return { name: root?.name, dependencyGroups: Object.keys(root?.devDependencies ?? {}), optionalDependencies: [] };
}

if (values.child !== undefined) {
  // Cold child: time module evaluation, then one call of each step (wall and CPU time).
  const w = [];
  const c = [];
  const mark = () => {
    const u = process.cpuUsage();
    w.push(performance.now());
    c.push((u.user + u.system) / 1000);
  };
  mark();
  const mod = await import(pathToFileURL(values.bundle).href);
  mark();
  const text = readFileSync(values.child, "utf8");
  mark();
  const { lock } = mod.parseUvLock(text, { path: "uv.lock" });
  mark();
  const selection = mod.selectPackages(lock, projectOf(lock));
  mark();
  mod.planInstall(selection, mod.DEFAULT_TARGET);
  mark();
  const step = (a, i) => a[i + 1] - a[i];
  const out = {};
  for (const [k, i] of [
    ["import", 0],
    ["parse", 2],
    ["select", 3],
    ["plan", 4],
  ]) {
    out[k] = step(w, i);
    out[`${k}Cpu`] = step(c, i);
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { build } = await import("esbuild");
const pkgs = ["errors", "pep440", "pep508", "platform-tags", "dist-filename", "uv-lock", "plan"];
const bundle = await build({
  stdin: {
    contents: `export { parseUvLock } from "@tspack/uv-lock";
      export { selectPackages, planInstall } from "@tspack/plan";
      export { DEFAULT_TARGET } from "@tspack/platform-tags";
      export { bigLockText } from "./test/helpers/big-lock.ts";
      export { makeLock } from "../uv-lock/test/helpers/make-lock.ts";`,
    resolveDir: here(".."),
    loader: "ts",
  },
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  alias: Object.fromEntries(
    pkgs.map((p) => [
      `@tspack/${p}`,
      values.sources !== undefined && (p === "pep508" || p === "plan")
        ? join(values.sources, "packages", p, "src", "index.ts")
        : here(`../../${p}/src/index.ts`),
    ]),
  ),
});
const dir = mkdtempSync(join(tmpdir(), "plan-measure-"));
const bundlePath = join(dir, "bundle.mjs");
writeFileSync(bundlePath, bundle.outputFiles[0].text);
const mod = await import(pathToFileURL(bundlePath).href);

const n = Number(values.packages);
const locks = [];
if (positionals[0] !== undefined) locks.push({ name: positionals[0], text: readFileSync(positionals[0], "utf8") });
else {
  const text = values.gen === "uv-lock" ? mod.makeLock({ packages: n, wheelsPerPackage: 4 }) : mod.bigLockText(n);
  locks.push({ name: `generated (${values.gen}) ${n} packages`, text });
  const real = here("../../../test/fixtures/uv-aws-lambda-example/uv.lock");
  locks.push({ name: "uv-aws-lambda-example", text: readFileSync(real, "utf8") });
}

const runs = Number(values.runs);
const STEPS = ["import", "parse", "select", "plan", "total"];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const min = (xs) => Math.min(...xs);
const f = (x) => (x === undefined ? "" : x.toFixed(2)).padStart(8);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Warm: `runs` timed pipelines after 5 untimed ones, each on a fresh parse of the same text. */
function warm(text) {
  const t = { parse: [], select: [], plan: [], total: [], cpu: [] };
  let result;
  for (let i = 0; i < 5 + runs; i++) {
    const c0 = cpuMs();
    const a = performance.now();
    const { lock } = mod.parseUvLock(text, { path: "uv.lock" });
    const b = performance.now();
    const selection = mod.selectPackages(lock, projectOf(lock));
    const c = performance.now();
    result = mod.planInstall(selection, mod.DEFAULT_TARGET);
    const d = performance.now();
    const c1 = cpuMs();
    if (i < 5) continue;
    t.parse.push(b - a);
    t.select.push(c - b);
    t.plan.push(d - c);
    t.total.push(d - a);
    t.cpu.push(c1 - c0);
  }
  return { t, result };
}

const row = (label, o) => `${label.padEnd(40)}${STEPS.map((k) => f(o[k])).join("")}`;
console.log(
  `node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}; warm: ${runs} runs; cold: ${values["cold-runs"]} fresh processes; ms`,
);
console.log(`${"".padEnd(40)}${STEPS.map((k) => k.padStart(8)).join("")}`);
for (const { name, text } of locks) {
  const { t, result } = warm(text);
  console.log(`${name}: ${result.packages.length} packages planned`);
  const pick = (fn) => Object.fromEntries(["parse", "select", "plan", "total"].map((k) => [k, fn(t[k])]));
  console.log(row("  warm wall median", pick(median)));
  console.log(row("  warm wall min", pick(min)));
  console.log(row("  warm CPU median (whole pipeline)", { total: median(t.cpu) }));
  if (values["warm-only"]) continue;
  const lockPath = join(dir, "uv.lock");
  writeFileSync(lockPath, text);
  const cold = [];
  for (let i = 0; i < Number(values["cold-runs"]); i++) {
    const r = spawnSync(process.execPath, [here("measure.mjs"), "--child", lockPath, "--bundle", bundlePath], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const j = JSON.parse(r.stdout);
    j.total = j.parse + j.select + j.plan;
    j.totalCpu = j.parseCpu + j.selectCpu + j.planCpu;
    cold.push(j);
  }
  const coldPick = (suffix, fn) => Object.fromEntries(STEPS.map((k) => [k, fn(cold.map((j) => j[`${k}${suffix}`]))]));
  console.log(row("  cold wall median", coldPick("", median)));
  console.log(row("  cold CPU median", coldPick("Cpu", median)));
  console.log(row("  cold CPU min", coldPick("Cpu", min)));
  if (values["cpu-prof-dir"] !== undefined) {
    const script = join(dir, "prof.mjs");
    writeFileSync(
      script,
      `import * as mod from ${JSON.stringify(pathToFileURL(bundlePath).href)};
       import { readFileSync } from "node:fs";
       const text = readFileSync(${JSON.stringify(lockPath)}, "utf8");
       const project = ${projectOf.toString()};
       const PROJECT_DEV = ${JSON.stringify(PROJECT_DEV)};
       for (let i = 0; i < ${runs}; i++) {
         const { lock } = mod.parseUvLock(text, { path: "uv.lock" });
         mod.planInstall(mod.selectPackages(lock, project(lock)), mod.DEFAULT_TARGET);
       }`,
    );
    spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", values["cpu-prof-dir"], script], { stdio: "inherit" });
  }
}
rmSync(dir, { recursive: true, force: true });
