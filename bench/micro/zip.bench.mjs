// Micro-benchmark of @tspack/zip (plain Node script, no vitest):
//   ./node_modules/.bin/tsc -b packages/zip && node bench/micro/zip.bench.mjs
// Builds an ~86 MB / 8,000-file generated tree in memory and times
//   (a) writeZip raw-copying pre-deflated entries (what tspack does with cached wheels),
//   (b) writeZip deflating with fflate (pure default) and with injected node:zlib,
//   (c) Info-ZIP `zip -r -X -q` on the same tree written to a fresh temp dir,
// plus readZipEntries/inflateEntry on the result and crc32 (pure JS vs zlib.crc32).
// Env: BENCH_RUNS (default 5 for fast cases, 1–2 for slow ones), BENCH_SKIP_ZIP=1 to skip (c),
//   BENCH_MB (unzipped size of the tree, default 86).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as zlib from "node:zlib";
import { crc32, inflateEntry, readZipEntries, writeZip } from "../../packages/zip/dist/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = 8000;
// Unzipped size of the tree: BENCH_MB (default 86). machine-limits.md's set is 241.6 MiB unzipped → ~86 MB zipped.
const TARGET_BYTES = Math.round(Number(process.env.BENCH_MB ?? 86) * 1000 * 1000);

// ---- deterministic tree generator -----------------------------------------------------------
let seed = 0x9e3779b9;
function rnd() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
const WORDS =
  "def class return self import from if else elif for while in not and or None True False try except raise with as lambda yield async await pass value result data config request response handler event context logger params items key name path".split(
    " ",
  );
function pyText(size) {
  const parts = [];
  let n = 0;
  while (n < size) {
    const indent = "    ".repeat(rnd() % 3);
    let line = indent;
    const words = 3 + (rnd() % 8);
    for (let i = 0; i < words; i++)
      line += (i ? " " : "") + WORDS[rnd() % WORDS.length] + (rnd() % 5 === 0 ? `_${rnd() % 100}` : "");
    line += rnd() % 4 === 0 ? ":\n" : "\n";
    parts.push(line);
    n += line.length;
  }
  return new TextEncoder().encode(parts.join("").slice(0, size));
}
function binData(size) {
  // Half noise, half repeated structure: deflates to roughly 55–60 % like shared objects.
  const b = new Uint8Array(size);
  for (let i = 0; i < size; ) {
    const run = 64 + (rnd() % 512);
    if (rnd() % 2) for (let k = 0; k < run && i < size; k++) b[i++] = rnd() & 0xff;
    else {
      const v = rnd() & 0xff;
      for (let k = 0; k < run && i < size; k++) b[i++] = (v + (k & 7)) & 0xff;
    }
  }
  return b;
}

function makeTree() {
  const files = [];
  const nBin = 300;
  const binBytes = Math.round(TARGET_BYTES * 0.37);
  const textBytes = TARGET_BYTES - binBytes;
  for (let i = 0; i < FILES; i++) {
    const pkg = `pkg${i % 20}`;
    const sub = `mod${(i >> 4) % 50}`;
    if (i < nBin) {
      const size = Math.round((binBytes / nBin) * (0.5 + (rnd() % 1000) / 1000));
      files.push({
        path: `${pkg}/_lib/${sub}/ext${i}.cpython-313-x86_64-linux-gnu.so`,
        mode: 0o755,
        data: binData(size),
      });
    } else {
      const size = Math.round((textBytes / (FILES - nBin)) * (0.2 + (rnd() % 1600) / 1000));
      files.push({ path: `${pkg}/${sub}/file${i}.py`, data: pyText(size) });
    }
  }
  return files;
}

// ---- helpers ---------------------------------------------------------------------------------
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(runs, f) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = f(i);
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), min: Math.min(...ms), max: Math.max(...ms), out };
}
const sha = (b) => createHash("sha256").update(b).digest("hex").slice(0, 16);
const MB = 1e6;
const rows = [];
function row(name, r, inputBytes, note = "") {
  rows.push({
    case: name,
    "median ms": r.ms.toFixed(0),
    "min–max ms": `${r.min.toFixed(0)}–${r.max.toFixed(0)}`,
    "MB/s (input)": (inputBytes / MB / (r.ms / 1000)).toFixed(0),
    note,
  });
}

// ---- run -------------------------------------------------------------------------------------
let t0 = performance.now();
const tree = makeTree();
const inputBytes = tree.reduce((s, f) => s + f.data.length, 0);
console.log(
  `tree: ${tree.length} files, ${(inputBytes / MB).toFixed(1)} MB (generated in ${(performance.now() - t0).toFixed(0)} ms)`,
);

t0 = performance.now();
const rawEntries = tree.map((f) => {
  const deflated = zlib.deflateRawSync(f.data, { level: 6 });
  const stored = deflated.length >= f.data.length;
  return {
    path: f.path,
    mode: f.mode,
    raw: {
      method: stored ? 0 : 8,
      compressed: stored ? f.data : new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.length),
      crc32: zlib.crc32(f.data),
      uncompressedSize: f.data.length,
    },
  };
});
const compressedBytes = rawEntries.reduce((s, e) => s + e.raw.compressed.length, 0);
console.log(
  `pre-deflated with node:zlib L6 (as in cached wheels): ${(compressedBytes / MB).toFixed(1)} MB in ${(performance.now() - t0).toFixed(0)} ms`,
);

const a = time(RUNS, () => writeZip(rawEntries));
const hashes = new Set();
for (let i = 0; i < 2; i++) hashes.add(sha(writeZip([...rawEntries].reverse())));
hashes.add(sha(a.out));
row(
  "(a) writeZip raw copy of pre-deflated entries",
  a,
  inputBytes,
  `${(a.out.length / MB).toFixed(1)} MB zip; ${(compressedBytes / MB / (a.ms / 1000)).toFixed(0)} MB/s of zip; deterministic: ${hashes.size === 1}`,
);

const slowRuns = Math.min(RUNS, 2);
const b = time(slowRuns, () => writeZip(tree));
row(
  "(b) writeZip deflate L6, fflate + pure crc32 (default)",
  b,
  inputBytes,
  `${(b.out.length / MB).toFixed(1)} MB zip`,
);
const b2 = time(slowRuns, () =>
  writeZip(tree, {
    compress: (d, level) => zlib.deflateRawSync(d, { level }),
    crc32: (d) => zlib.crc32(d),
  }),
);
row(
  "(b') writeZip deflate L6, injected node:zlib + zlib.crc32",
  b2,
  inputBytes,
  `${(b2.out.length / MB).toFixed(1)} MB zip`,
);

const parse = time(RUNS, () => readZipEntries(a.out, { name: "bench.zip" }));
row("readZipEntries (parse + local header checks)", parse, inputBytes, `${parse.out.length} entries`);
const inflate = time(Math.min(RUNS, 3), () => {
  let n = 0;
  for (const e of parse.out) n += inflateEntry(a.out, e).length;
  return n;
});
row("inflateEntry all (fflate + crc32 verify)", inflate, inputBytes);

const hasZip = !process.env.BENCH_SKIP_ZIP && spawnSync("zip", ["-v"], { stdio: "ignore" }).status === 0;
if (hasZip) {
  const root = mkdtempSync(join(tmpdir(), "tspack-zip-bench-"));
  try {
    const dir = join(root, "tree");
    t0 = performance.now();
    for (const f of tree) {
      const p = join(dir, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.data, { mode: f.mode ?? 0o644 });
    }
    console.log(`wrote tree to ${dir} in ${(performance.now() - t0).toFixed(0)} ms`);
    const c = time(slowRuns, (i) => {
      const out = join(root, `out${i}.zip`); // a fresh output file per run
      execFileSync("zip", ["-r", "-X", "-q", out, "."], { cwd: dir });
      return statSync(out).size;
    });
    row("(c) zip -r -X -q (Info-ZIP, L6, from disk to disk)", c, inputBytes, `${(c.out / MB).toFixed(1)} MB zip`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const buf = new Uint8Array(64 << 20);
for (let i = 0; i < buf.length; i++) buf[i] = rnd() & 0xff;
const cj = time(RUNS, () => crc32(buf));
const cz = time(RUNS, () => zlib.crc32(buf));
if (cj.out !== cz.out) throw new Error("crc32 mismatch");
row("crc32 pure JS (slice-by-16), 64 MiB", cj, buf.length);
row("zlib.crc32, 64 MiB", cz, buf.length);

console.log(`\nnode ${process.version}, runs: ${RUNS} (slow cases ${slowRuns})`);
console.table(rows);
