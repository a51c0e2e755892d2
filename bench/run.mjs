// End-to-end benchmark suite: tspack against pip and uv (when installed) and the physical floor, on
// offline mirrors built from real lock files. See docs/benchmarks.md.
//
//   node bench/run.mjs                 full suite: every scenario, 5 runs; writes bench/results/ and docs
//   node bench/run.mjs --quick         scenario 1, 1 run after the warm-up (CI: asserts every tool ran; no timing checks)
//   node bench/run.mjs --scenario api --runs 7
//   node bench/run.mjs --real          the real index and the real locks (no mirror; needs the network)
//   node bench/run.mjs --stages --scenario fastapi   per-stage breakdown of a cold and a warm tspack build
//
// Options: --scenario ID[,ID] --runs N --seed N --no-docs --keep (keep the work folder).
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureLabel } from "./lib/labels.mjs";
import { hasGnuTime, machineInfo, runSteps, which } from "./lib/measure.mjs";
import { endToEndSection, markdownTable, updateBenchmarksDoc } from "./lib/report.mjs";
import { stageBreakdown, stagesTable } from "./lib/stages.mjs";
import { pairRatios, summary } from "./lib/stats.mjs";
import { barChartSvg } from "./lib/svg-chart.mjs";
import { defineTools } from "./lib/tools.mjs";
import { buildMirror, DEFAULT_SEED, ROOT, selectWheels } from "./mirror/build-mirror.mjs";
import { startMirrorServer } from "./mirror/start-server.mjs";
import { SCENARIOS } from "./scenarios/catalog.mjs";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    real: { type: "boolean", default: false },
    scenario: { type: "string" },
    runs: { type: "string" },
    seed: { type: "string" },
    "no-docs": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    stages: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  process.stdout.write(`Usage: node bench/run.mjs [options]   (or: pnpm bench [options])

End-to-end benchmarks: tspack against pip (and uv, when installed) and the physical floor, on offline
mirrors built from real lock files. A full run writes bench/results/ and the e2e section of
docs/benchmarks.md; a partial run (--scenario, --runs, --real) writes to bench/results/tmp/.

Options:
  --quick            scenario 1, one measured run per tool and state; fails if any tool fails (CI)
  --scenario ID,...  only these scenarios (${SCENARIOS.map((x) => x.id).join(", ")})
  --runs N           measured runs per tool and state (default 5; 1 with --quick)
  --seed N           seed of the generated stand-in wheels (default ${DEFAULT_SEED})
  --real             the real locks against the real index (needs the network)
  --no-docs          do not rewrite docs/benchmarks.md
  --keep             keep the work folder
  --stages           only tspack build: the median time of each build stage (from its stage events),
                     cold and warm (--runs N, default 3); prints a table per scenario, writes
                     bench/results/tmp/DATE-ID-stages.json
  -h, --help         this text
`);
  process.exit(0);
}

const log = (m) => process.stderr.write(`${m}\n`);
const quick = opts.quick;
const full = !quick && opts.scenario === undefined && opts.runs === undefined && !opts.real && !opts.stages;
const runs = Number(opts.runs ?? (quick ? 1 : opts.stages ? 3 : 5));
const seed = opts.seed ?? DEFAULT_SEED;
const ids = opts.scenario ? opts.scenario.split(",") : quick ? ["fastapi"] : SCENARIOS.map((s) => s.id);
const scenarios = ids.map((id) => {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s === undefined) throw new Error(`Unknown scenario "${id}" (known: ${SCENARIOS.map((x) => x.id).join(", ")})`);
  return s;
});

// The built CLI (the root `pnpm install` builds it).
if (
  !existsSync(join(ROOT, "packages", "tspack", "dist", "cli.cjs")) ||
  !existsSync(join(ROOT, "packages", "plan", "dist", "index.js"))
) {
  log("bench: building the workspace first (node scripts/build.mjs)");
  execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs"), "--quiet"], { stdio: "inherit" });
}

function findPython() {
  for (const cand of ["python3", "python"]) {
    try {
      const exe = execFileSync(cand, ["-c", "import sys; print(sys.executable)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      // Call the interpreter itself (a pyenv shim costs ~50–100 ms per start).
      execFileSync(exe, ["-m", "pip", "--version"], { stdio: "ignore" });
      return exe;
    } catch {}
  }
  return undefined;
}

const python = findPython();
const uv = process.env.UV_BIN || which("uv");
const curl = which("curl");
const measureRss = hasGnuTime();
const info = machineInfo({ python, uv });
if (!uv) log("bench: uv not found (PATH or UV_BIN): uv is not measured");
if (!python) log("bench: python3 with pip not found: pip is not measured");
if (!measureRss) log("bench: /usr/bin/time (GNU time) not found: peak RSS is not measured");

// A clean environment: no user config for pip/uv/tspack, no proxies for loopback.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(PIP_|UV_|TSPACK_|PYTHON)/.test(k) && !/_proxy$/i.test(k)),
);
Object.assign(env, {
  PIP_CONFIG_FILE: "/dev/null",
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
  PIP_ROOT_USER_ACTION: "ignore",
  UV_NO_CONFIG: "1",
  NO_COLOR: "1",
});

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const date = stamp.slice(0, 10);
const work = join(ROOT, "bench", ".mirror", `.work-${stamp}`);
mkdirSync(work, { recursive: true });

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  }
  return n;
}

/** What a successful run left behind: zip bytes or tree files. */
function inspectOutput(tool, outDir) {
  if (tool.output === "zip") {
    const zip = readdirSync(outDir).find((n) => n.endsWith(".zip"));
    if (zip === undefined) throw new Error(`${tool.label} wrote no zip into ${outDir}`);
    return { zip, zipBytes: statSync(join(outDir, zip)).size };
  }
  const dir = tool.output === "tree" ? join(outDir, "target") : outDir;
  const files = existsSync(dir) ? countFiles(dir) : 0;
  if (files === 0) throw new Error(`${tool.label} wrote no files into ${dir}`);
  return { files };
}

let failures = 0;
const allResults = [];

for (const scenario of scenarios) {
  log(`\n== ${scenario.id}: ${scenario.title}`);
  const sdir = join(work, scenario.id);
  mkdirSync(sdir, { recursive: true });
  let mirror;
  let server;
  let projectDir;
  let requirements;
  let wheelUrls;
  let mirrorRules = [];
  if (opts.real) {
    projectDir = join(sdir, "project");
    mkdirSync(join(projectDir, "app"), { recursive: true });
    cpSync(join(ROOT, scenario.lock), join(projectDir, "uv.lock"));
    cpSync(join(ROOT, scenario.pyproject), join(projectDir, "pyproject.toml"));
    writeFileSync(join(projectDir, "app", "__init__.py"), "");
    const sel = await selectWheels(
      readFileSync(join(ROOT, scenario.lock), "utf8"),
      readFileSync(join(ROOT, scenario.pyproject), "utf8"),
    );
    requirements = join(sdir, "requirements.txt");
    writeFileSync(requirements, sel.requirements);
    wheelUrls = sel.wheels.map((w) => w.url);
    mirror = {
      totals: { wheels: sel.wheels.length, bytes: 0, realBytes: 0, files: 0, unpacked: 0 },
      key: "real",
      seed: null,
    };
  } else {
    const t0 = performance.now();
    mirror = await buildMirror(scenario, { seed, log });
    log(
      `mirror: ${mirror.dir} (${mirror.totals.wheels} wheels, ${(mirror.totals.bytes / 1e6).toFixed(1)} MB; ${Math.round(performance.now() - t0)} ms)`,
    );
    server = await startMirrorServer(join(mirror.dir, "www"));
    log(`mirror server: ${server.url} (pid ${server.pid})`);
    projectDir = join(mirror.dir, "project");
    requirements = join(mirror.dir, "requirements.txt");
    wheelUrls = mirror.wheels.map((w) => `${server.url}${w.path}`);
    mirrorRules = mirror.origins.map((o) => `${o}/=${server.url}/`);
  }

  const loadBefore = loadavg();
  let floorSource;
  const tools = defineTools({
    root: ROOT,
    projectDir,
    requirements,
    indexUrl: server?.url,
    mirrorRules,
    python,
    uv,
    curl,
    wheelUrls,
    floorSource: () => floorSource,
  });
  const data = new Map(tools.map((t) => [t.id, { times: {}, rss: {}, outputs: {}, errors: [] }]));
  if (opts.stages) {
    try {
      const tool = tools.find((t) => t.id === "tspack-build");
      const breakdown = stageBreakdown(tool, { dir: join(sdir, "stages"), env, runs });
      const table = stagesTable(scenario.id, breakdown, runs);
      log(`\n${table}\n`);
      const dir = join(ROOT, "bench", "results", "tmp");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${date}-${scenario.id}-stages.json`);
      writeFileSync(
        file,
        `${JSON.stringify({ date, scenario: scenario.id, runs, ...info, loadAverage: loadavg(), breakdown }, null, 2)}\n`,
      );
      log(`results: ${file}`);
    } catch (e) {
      failures++;
      log(`  ✗ stages: ${e.message}`);
    } finally {
      await server?.stop();
    }
    allResults.push({ tools: [{ states: { stages: true } }] });
    continue;
  }

  try {
    for (const state of ["cold", "warm", "noop"]) {
      const stateTools = tools.filter((t) => t.states.includes(state));
      for (let i = 0; i <= runs; i++) {
        for (const tool of stateTools) {
          if (tool.id === "floor-write" && floorSource === undefined) continue;
          const d = data.get(tool.id);
          const runDir = join(sdir, state, tool.id, String(i));
          mkdirSync(runDir, { recursive: true });
          const cacheDir = state === "cold" ? join(runDir, "cache") : join(sdir, "cache", tool.id);
          const outDir = state === "noop" ? join(sdir, "noop-out", tool.id) : join(runDir, "out");
          mkdirSync(outDir, { recursive: true });
          const r = runSteps(tool.steps({ runDir, cacheDir, outDir }), {
            rssFile: join(runDir, "rss.txt"),
            env,
            measureRss,
          });
          const tag = `${state} ${i === 0 ? "warm-up" : `${i}/${runs}`}`;
          if (!r.ok) {
            failures++;
            d.errors.push(`${state} run ${i}: ${r.error}`);
            log(`  ✗ ${tool.label} [${tag}]: ${r.error}`);
            continue;
          }
          try {
            const o = inspectOutput(tool, outDir);
            if (i === 0 || d.outputs[state] === undefined) d.outputs[state] = o;
          } catch (e) {
            failures++;
            d.errors.push(`${state} run ${i}: ${e.message}`);
            log(`  ✗ ${tool.label} [${tag}]: ${e.message}`);
            continue;
          }
          if (
            floorSource === undefined &&
            state === "cold" &&
            (tool.id === "pip-install" || tool.id === "tspack-install")
          ) {
            floorSource = join(outDir, "target");
          }
          if (i > 0) {
            (d.times[state] ??= [])[i - 1] = r.wallMs;
            (d.rss[state] ??= [])[i - 1] = r.rss;
          }
          log(`  ${tool.label.padEnd(44)} ${tag.padEnd(14)} ${measureLabel(r.wallMs, r.rss)}`);
        }
      }
    }
  } finally {
    await server?.stop();
  }

  // Summaries and pairwise ratios.
  const result = {
    date,
    scenario: scenario.id,
    title: scenario.title,
    mode: opts.real ? "real" : quick ? "quick" : "full",
    command: `node bench/run.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    runs,
    ...info,
    loadAverage: {
      before: loadBefore.map((x) => Math.round(x * 100) / 100),
      after: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    mirror: { key: mirror.key, seed: mirror.seed, totals: mirror.totals },
    tools: [],
    notes: [],
  };
  for (const tool of tools) {
    const d = data.get(tool.id);
    const states = {};
    for (const state of tool.states) {
      const times = d.times[state] ?? [];
      if (times.filter((x) => x != null).length === 0) continue;
      const ref = data.get(tool.ref)?.times[state] ?? [];
      const rss = (d.rss[state] ?? []).filter((x) => x != null);
      states[state] = {
        wallMs: summary(times.filter((x) => x != null)),
        timesMs: times.map((x) => (x == null ? null : Math.round(x * 10) / 10)),
        ratio: tool.id === tool.ref ? null : summary(pairRatios(times, ref)),
        rssPeak: rss.length ? Math.max(...rss) : null,
        rssMedian: rss.length ? summary(rss).median : null,
        output: d.outputs[state] ?? null,
      };
    }
    result.tools.push({
      id: tool.id,
      label: tool.label,
      kind: tool.kind,
      ref: tool.ref,
      command: tool.command,
      states,
      errors: d.errors,
    });
  }
  const files = (id) => result.tools.find((t) => t.id === id)?.states.cold?.output?.files;
  if (
    files("tspack-install") !== undefined &&
    files("pip-install") !== undefined &&
    files("tspack-install") !== files("pip-install")
  ) {
    result.notes.push(
      `File counts differ: tspack install wrote ${files("tspack-install")} files, pip ${files("pip-install")}.`,
    );
  }
  if (!uv)
    result.notes.push("uv was not installed on the benchmark machine (no `uv` on PATH, no UV_BIN): no uv numbers.");
  allResults.push(result);

  log(`\n${markdownTable(result)}\n`);
  const outDir = full ? join(ROOT, "bench", "results") : join(ROOT, "bench", "results", "tmp");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${date}-${opts.real ? "real-" : ""}${scenario.id}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`results: ${file}`);
  for (const state of ["cold", "warm"]) {
    const bars = result.tools
      .filter((t) => t.states[state])
      .map((t) => ({
        label: t.label,
        median: t.states[state].wallMs.median / 1000,
        min: t.states[state].wallMs.min / 1000,
        max: t.states[state].wallMs.max / 1000,
        highlight: t.id.startsWith("tspack"),
        floor: t.kind === "floor",
      }))
      .sort((a, b) => a.median - b.median);
    if (bars.length === 0) continue;
    const svg = barChartSvg({
      title: `${scenario.title}: ${state}`,
      subtitle: `${result.mirror.totals.wheels} wheels, ${(result.mirror.totals.bytes / 1e6).toFixed(1)} MB; ${runs} runs; ${info.machine.cpu}, ${info.machine.cores} cores`,
      bars,
    });
    writeFileSync(join(outDir, `${scenario.id}-${state}.svg`), svg);
  }
}

if (full && !opts["no-docs"]) {
  const section = endToEndSection(allResults, {
    command: "pnpm bench",
    svgPath: (id, state) => `../bench/results/${id}-${state}.svg`,
  });
  updateBenchmarksDoc(join(ROOT, "docs", "benchmarks.md"), section);
  log("docs/benchmarks.md: end-to-end section updated");
}

// Delete the work trees at the very end (deleting between runs would slow file creation: see
// docs/benchmarks.md), after moving them aside.
if (!opts.keep) {
  const trash = `${work}.trash`;
  renameSync(work, trash);
  rmSync(trash, { recursive: true, force: true });
} else {
  log(`work folder kept: ${work}`);
}

const ran = allResults.flatMap((r) => r.tools).filter((t) => Object.keys(t.states).length > 0).length;
if (failures > 0 || ran === 0) {
  log(`bench: ${failures} failed run(s)`);
  process.exitCode = 1;
} else {
  log(`bench: ${ran} tool(s) measured in ${allResults.length} scenario(s), no failures`);
}
