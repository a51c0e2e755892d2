// Per-stage time breakdown of `tspack build` (bench/run.mjs --stages): the build's stage events, read
// from the CLI's `--json` event stream on stderr, for a cold and a warm build of a scenario.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { summary } from "./stats.mjs";

/** One build: wall time, the CLI's own time, and each stage's duration (ms), in the order they ran. */
function runBuild(step, env) {
  const args = step.args.map((a) => (a === "-q" ? "--json" : a));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(step.cmd, args, { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.error) throw new Error(`tspack build failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const stages = [];
  for (const line of r.stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const { event } = JSON.parse(line);
    if (event?.type === "stage") stages.push([event.stage, event.ms]);
  }
  return { wallMs, cliMs: JSON.parse(r.stdout).ms, stages };
}

/**
 * Runs `runs` cold builds (a fresh cache each) and `runs` warm ones (after one warm-up) of the tool's
 * `tspack build` step; returns the median of each stage per state.
 */
export function stageBreakdown(tool, { dir, env, runs }) {
  const out = {};
  for (const state of ["cold", "warm"]) {
    const samples = [];
    for (let i = state === "warm" ? -1 : 0; i < runs; i++) {
      const runDir = join(dir, state, String(i));
      mkdirSync(runDir, { recursive: true });
      const cacheDir = state === "cold" ? join(runDir, "cache") : join(dir, "warm-cache");
      const [step] = tool.steps({ runDir, cacheDir, outDir: join(runDir, "out") });
      const r = runBuild(step, env);
      if (i >= 0) samples.push(r);
    }
    const names = [];
    for (const s of samples) for (const [name] of s.stages) if (!names.includes(name)) names.push(name);
    out[state] = {
      wallMs: summary(samples.map((s) => s.wallMs)).median,
      cliMs: summary(samples.map((s) => s.cliMs)).median,
      stages: names.map((name) => ({
        stage: name,
        ms: summary(samples.map((s) => s.stages.filter(([n]) => n === name).reduce((t, [, ms]) => t + ms, 0))).median,
      })),
    };
  }
  return out;
}

/** A markdown table: one row per stage, a column per state (median ms), then the totals. */
export function stagesTable(scenario, breakdown, runs) {
  // Stages in the order they ran: the cold ones, each warm-only one after the stage it followed.
  const names = breakdown.cold.stages.map((s) => s.stage);
  let at = -1;
  for (const { stage } of breakdown.warm.stages) {
    const i = names.indexOf(stage);
    if (i >= 0) at = i;
    else names.splice(++at, 0, stage);
  }
  const cell = (state, name) => {
    const s = breakdown[state].stages.find((x) => x.stage === name);
    return s === undefined ? "–" : s.ms.toFixed(1);
  };
  const rows = names.map((n) => `| ${n} | ${cell("cold", n)} | ${cell("warm", n)} |`);
  const sum = (state) => breakdown[state].stages.reduce((t, s) => t + s.ms, 0);
  const outside = (state) => (breakdown[state].cliMs - sum(state)).toFixed(1);
  return [
    `**${scenario}** (median of ${runs} runs; ms)`,
    "",
    "| stage | cold | warm |",
    "| --- | ---: | ---: |",
    ...rows,
    `| sum of stages | ${sum("cold").toFixed(1)} | ${sum("warm").toFixed(1)} |`,
    `| outside the stages (options, opening the cache, stopping the verifier) | ${outside("cold")} | ${outside("warm")} |`,
    `| the build command, as the CLI times it | ${breakdown.cold.cliMs} | ${breakdown.warm.cliMs} |`,
    `| process wall time (Node start, loading the CLI, the build) | ${breakdown.cold.wallMs.toFixed(0)} | ${breakdown.warm.wallMs.toFixed(0)} |`,
  ].join("\n");
}
