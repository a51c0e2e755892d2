// Markdown tables and the "End-to-end" section of docs/benchmarks.md from results files.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const STATE_TITLE = {
  cold: "cold (empty cache, empty output)",
  warm: "warm (cache kept, fresh output)",
  noop: "no-op (same command again, nothing to do)",
};

function sec(ms) {
  if (ms == null) return "–";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function mib(bytes) {
  return bytes == null ? "–" : `${Math.round(bytes / 1048576)} MiB`;
}

function ratio(r) {
  if (r == null) return "–";
  return `${r.median.toFixed(r.median < 10 ? 2 : 1)}×`;
}

/** The Markdown table of one scenario's results. */
export function markdownTable(result) {
  const lines = [
    "| tool | state | median | min – max | × tspack (pairwise median) | peak RSS |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const state of ["cold", "warm", "noop"]) {
    const rows = result.tools
      .filter((t) => t.states[state]?.wallMs)
      .sort((a, b) => a.states[state].wallMs.median - b.states[state].wallMs.median);
    for (const t of rows) {
      const s = t.states[state];
      const label = t.id.startsWith("tspack") ? `**${t.label}**` : t.label;
      lines.push(
        `| ${label} | ${state} | ${sec(s.wallMs.median)} | ${sec(s.wallMs.min)} – ${sec(s.wallMs.max)} | ${t.id === t.ref ? "1" : ratio(s.ratio)} (vs ${t.ref}) | ${mib(s.rssPeak)} |`,
      );
    }
  }
  return lines.join("\n");
}

/** The whole "## End-to-end (bench/run.mjs)" section for the given results (one per scenario). */
export function endToEndSection(results, { command, svgPath }) {
  const first = results[0];
  const m = first.machine;
  const v = first.versions;
  const out = [
    "## End-to-end (bench/run.mjs)",
    "",
    "Each tool runs as whole processes (process start included) against the same offline mirror and the same",
    "target (CPython 3.13, x86_64 manylinux2014), like the uv AWS Lambda guide. The mirror serves stand-in",
    "wheels with the real filenames, about the real compressed sizes, file counts and compressibility",
    "(bench/mirror/), from a separate process on 127.0.0.1 (keep-alive, TCP_NODELAY, PyPI-like Cache-Control).",
    "Every run writes to a fresh output folder; trees are deleted only at the end of the suite.",
    "",
    "- **cold**: empty cache and output; **warm**: cache kept from the warm-up run, fresh output. The tools'",
    "  own compiled code stays as installed: pip's `.pyc` files, and tspack's V8 code cache (written by its",
    "  first run in `<tmpdir>/tspack-compile-cache-<uid>`, see docs/architecture.md) are not cleared;",
    "  **no-op**: the same command again into the output of the previous run, only for tools that detect",
    "  it (uv's `Audited N packages`); tspack and pip have no such check (tspack reinstalls).",
    "- **× tspack**: the median of the per-iteration ratios tool/tspack (runs are interleaved, so each",
    "  ratio compares runs made seconds apart); zip flows are compared with `tspack build`, install-only",
    "  flows with `tspack install`.",
    "- **floor**: the physical limit: `curl` downloading every wheel (8 in parallel) and `cp -r` of the",
    "  finished tree into a fresh folder. Warm, `tspack install` copies files out of its unpacked cache",
    "  (no inflating); with `--link-mode hardlink` it links them and can beat the `cp -r` floor.",
    "- pip runs with `--no-compile`, like the guide's `--no-compile-bytecode` for uv (byte-compiling is not",
    "  measured: the stand-ins' Python-like text is not compilable Python). Its requirements.txt is what",
    "  `uv export --frozen --no-dev --no-editable` prints (prepared once, not timed).",
    "- Peak RSS: GNU time's maximum resident set size of each step (largest step).",
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${Math.round(m.memoryBytes / 2 ** 30)} GiB RAM, Linux ${m.kernel}.`,
    `Versions: Node ${v.node}; ${v.python ?? "no Python"}; ${v.pip ?? "no pip"}; ${v.uv ?? "**uv: not installed on this machine, so no uv numbers**"}; ${v.zip ?? "zip"}.`,
    "",
    `Command: \`${command}\` (${first.runs} measured runs after one warm-up per tool and state; results in`,
    "`bench/results/<date>-<scenario>.json`).",
    "",
  ];
  for (const r of results) {
    const t = r.mirror.totals;
    out.push(
      `### ${r.title}`,
      "",
      `${t.wheels} wheels, ${(t.bytes / 1e6).toFixed(1)} MB compressed (real wheels: ${(t.realBytes / 1e6).toFixed(1)} MB), ` +
        `${t.files.toLocaleString("en-US")} files, ${(t.unpacked / 1e6).toFixed(1)} MB unpacked.` +
        (r.loadAverage
          ? ` Load average (1 min) before/after the scenario: ${r.loadAverage.before[0]} / ${r.loadAverage.after[0]}.`
          : ""),
      "",
    );
    for (const state of ["cold", "warm"]) {
      if (r.tools.some((x) => x.states[state])) {
        out.push(`![${r.scenario} ${state}](${svgPath(r.scenario, state)})`, "");
      }
    }
    out.push(markdownTable(r), "");
    if (r.notes?.length) out.push(...r.notes.map((n) => `- ${n}`), "");
  }
  return out.join("\n");
}

const START = "<!-- e2e:start (written by bench/run.mjs; edit the generator, not this section) -->";
const END = "<!-- e2e:end -->";

/** Replaces (or appends) the end-to-end section of docs/benchmarks.md, leaving other sections alone. */
export function updateBenchmarksDoc(path, section) {
  const block = `${START}\n${section.trim()}\n${END}`;
  let text = existsSync(path)
    ? readFileSync(path, "utf8")
    : "# Benchmarks\n\nHow fast tspack is, measured on the project's machine. Sections: end-to-end runs against pip and uv\n(`pnpm bench`), and micro-benchmarks of the hot paths.\n\n";
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text.endsWith("\n") ? text : `${text}\n`);
}

export { STATE_TITLE };
