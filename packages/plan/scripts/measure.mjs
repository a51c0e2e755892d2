// Measures parseUvLock / selectPackages / planInstall separately, warm (median of --runs calls in one
// process) and cold (the first call in fresh processes, module evaluation timed separately).
// Usage (from /work/main; bundles the TypeScript sources with esbuild, no build needed):
//   node packages/plan/scripts/measure.mjs [--packages 1000] [--runs 20] [--cold-runs 7] [path/to/uv.lock]
// Without a path it measures a generated lock (packages/plan/test/helpers/big-lock.ts; --gen uv-lock uses
// packages/uv-lock/test/helpers/make-lock.ts) and the real 37-package example lock.
// --cpu-prof-dir DIR profiles one warm run of each lock (`node --cpu-prof` in a child process).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
  // Cold child: time module evaluation, then one call of each step.
  const t0 = performance.now();
  const mod = await import(pathToFileURL(values.bundle).href);
  const t1 = performance.now();
  const text = readFileSync(values.child, "utf8");
  const t2 = performance.now();
  const { lock } = mod.parseUvLock(text, { path: "uv.lock" });
  const t3 = performance.now();
  const selection = mod.selectPackages(lock, projectOf(lock));
  const t4 = performance.now();
  const plan = mod.planInstall(selection, mod.DEFAULT_TARGET);
  const t5 = performance.now();
  process.stdout.write(
    JSON.stringify({ import: t1 - t0, parse: t3 - t2, select: t4 - t3, plan: t5 - t4, n: plan.packages.length }),
  );
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
  alias: Object.fromEntries(pkgs.map((p) => [`@tspack/${p}`, here(`../../${p}/src/index.ts`)])),
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
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(2).padStart(7);

function warm(text) {
  const t = { parse: [], select: [], plan: [], total: [] };
  let result;
  for (let i = 0; i < 5 + runs; i++) {
    const a = performance.now();
    const { lock } = mod.parseUvLock(text, { path: "uv.lock" });
    const b = performance.now();
    const selection = mod.selectPackages(lock, projectOf(lock));
    const c = performance.now();
    result = mod.planInstall(selection, mod.DEFAULT_TARGET);
    const d = performance.now();
    if (i < 5) continue;
    t.parse.push(b - a);
    t.select.push(c - b);
    t.plan.push(d - c);
    t.total.push(d - a);
  }
  return { t, result };
}

console.log(`node ${process.version}, ${runs} warm runs (median), ${values["cold-runs"]} cold processes (median)`);
console.log(`${"lock".padEnd(46)} ${"".padEnd(5)} import   parse  select    plan   total`);
for (const { name, text } of locks) {
  const { t, result } = warm(text);
  console.log(
    `${`${name} (${result.packages.length} planned)`.padEnd(46)} warm  ${"".padStart(7)}${f(median(t.parse))}${f(median(t.select))}${f(median(t.plan))}${f(median(t.total))}`,
  );
  if (values["warm-only"]) continue;
  const lockPath = join(dir, "uv.lock");
  writeFileSync(lockPath, text);
  const cold = { import: [], parse: [], select: [], plan: [], total: [] };
  for (let i = 0; i < Number(values["cold-runs"]); i++) {
    const r = spawnSync(process.execPath, [here("measure.mjs"), "--child", lockPath, "--bundle", bundlePath], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const j = JSON.parse(r.stdout);
    for (const k of ["import", "parse", "select", "plan"]) cold[k].push(j[k]);
    cold.total.push(j.parse + j.select + j.plan);
  }
  console.log(
    `${"".padEnd(46)} cold  ${f(median(cold.import))}${f(median(cold.parse))}${f(median(cold.select))}${f(median(cold.plan))}${f(median(cold.total))}`,
  );
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
