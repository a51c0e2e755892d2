// Warm `tspack build` of the FastAPI example against `node -e 0` (issue 5's start-up goal).
//
//   npx -y pnpm@10 demo            (once: builds the CLI, fills .cache/demo with a warm cache)
//   node bench/micro/warm-build.bench.mjs [--runs 21] [--node PATH] [--json]
//
// Runs are interleaved (node -e 0, build, build without the code cache, ...) so each ratio compares runs
// made within a second of each other; every build writes to a fresh --out, and the outputs are removed
// at the end. `--node` measures another Node binary (e.g. `$(npx -y node@24 -e 'process.stdout.write(process.execPath)')`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Number(opt("--runs", "21"));
const NODE = opt("--node", process.execPath);
const JSON_OUT = args.includes("--json");
const project = join(root, ".cache", "demo", "fastapi-lambda");
const cache = join(root, ".cache", "demo", "tspack-cache");
if (!existsSync(project) || !existsSync(cache)) {
  console.error("Run `npx -y pnpm@10 demo` first (it prepares .cache/demo with a warm cache).");
  process.exit(2);
}
const bin = join(root, "packages", "tspack", "bin", "tspack.js");
const outRoot = mkdtempSync(join(tmpdir(), "tspack-warm-bench-"));
let n = 0;
const build = (env = {}) => [
  [bin, "build", project, "--offline", "-q", "--cache-dir", cache, "--out", join(outRoot, String(n++))],
  env,
];
const cases = {
  "node -e 0": () => [["-e", "0"], {}],
  "tspack build (warm)": () => build(),
  "tspack build (warm, no code cache)": () => build({ TSPACK_NO_COMPILE_CACHE: "1" }),
};
const time = ([argv, env]) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(NODE, argv, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
// Warm-up: the code cache and the memo are written by a first successful run.
for (let i = 0; i < 2; i++) for (const make of Object.values(cases)) time(make());
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [k, make] of Object.entries(cases)) samples[k].push(time(make()));
rmSync(outRoot, { recursive: true, force: true });

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
const base = samples["node -e 0"];
const rows = Object.entries(samples).map(([name, a]) => ({
  name,
  median: median(a),
  min: Math.min(...a),
  ratio: median(a.map((x, i) => x / base[i])),
}));
const version = spawnSync(NODE, ["--version"], { encoding: "utf8" }).stdout.trim();
if (JSON_OUT) {
  console.log(JSON.stringify({ node: version, runs: RUNS, rows }, null, 2));
} else {
  console.log(`Node ${version}, ${RUNS} interleaved runs each (median, min, median of pairwise ratios to node -e 0)`);
  console.log("| case | median | min | × `node -e 0` |\n|---|---:|---:|---:|");
  for (const r of rows)
    console.log(`| ${r.name} | ${r.median.toFixed(0)} ms | ${r.min.toFixed(0)} ms | ${r.ratio.toFixed(2)}× |`);
}
