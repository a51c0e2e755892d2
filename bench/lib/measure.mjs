// Runs a tool's steps as whole processes and measures wall time and peak RSS, plus machine facts.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";

const GNU_TIME = "/usr/bin/time";

/** Whether peak RSS can be measured (GNU time present and working). */
export function hasGnuTime() {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
}

/** Finds an executable on PATH (or undefined). */
export function which(name) {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Runs steps ({ cmd, args, cwd?, env? }) one after the other; stops at the first failure.
 * Wall time covers all steps (process start included); RSS is the largest peak of any step
 * (GNU time reports the process and its waited-for children), in bytes, or null without GNU time.
 */
export function runSteps(steps, { rssFile, env, measureRss }) {
  let wallMs = 0;
  let rss = measureRss ? 0 : null;
  for (const step of steps) {
    const argv = measureRss ? [GNU_TIME, "-f", "%M", "-o", rssFile, step.cmd, ...step.args] : [step.cmd, ...step.args];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), {
      cwd: step.cwd,
      env: { ...env, ...(step.env ?? {}) },
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
    wallMs += Number(process.hrtime.bigint() - t0) / 1e6;
    if (measureRss && existsSync(rssFile)) {
      const lines = readFileSync(rssFile, "utf8").trim().split("\n");
      const kb = Number(lines[lines.length - 1]);
      if (Number.isFinite(kb)) rss = Math.max(rss, kb * 1024);
      rmSync(rssFile, { force: true });
    }
    if (r.status !== 0 || r.error) {
      const what = [step.cmd, ...step.args].join(" ");
      const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
      return {
        ok: false,
        wallMs,
        rss,
        error: `"${what}" failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ""})\n${out}`,
      };
    }
  }
  return { ok: true, wallMs, rss };
}

function firstLine(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .split("\n")[0]
      .trim();
  } catch {
    return null;
  }
}

function versionOf(cmd, args, re) {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return re.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** CPU model, cores, memory, kernel and tool versions, for the results file. */
export function machineInfo({ python, uv }) {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {}
  return {
    machine: {
      cpu,
      cores: cpus().length,
      memoryBytes: totalmem(),
      kernel: release(),
      platform: `${process.platform}-${process.arch}`,
    },
    versions: {
      node: process.version,
      python: python ? firstLine(python, ["--version"]) : null,
      pip: python ? firstLine(python, ["-m", "pip", "--version"])?.replace(/ from .*\(/, " (") : null,
      uv: uv ? firstLine(uv, ["--version"]) : null,
      curl: firstLine("curl", ["--version"]),
      zip: versionOf("zip", ["-v"], /This is (Zip [\d.]+)/),
    },
  };
}
