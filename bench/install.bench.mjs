// Install benchmark: tspack's installer vs `cp -a`, `cp -al`, `unzip -q` and `pip install --target`.
//
//   node scripts/build.mjs --quiet   (or: ./node_modules/.bin/tsc -b packages/installer)
//   node bench/install.bench.mjs [--runs 5] [--files 8000] [--wheels 20] [--json] [--no-pip] [--work DIR] [--keep] [--sync]
//   (small installs: --files 300 --wheels 10 — must not be slower than before the worker thread)
//   --sync: `sync` (not timed) before every measured step, so that no step pays for the write-back of
//   the previous one's data (pip and unzip write ~80 MB each; the next step otherwise competes with it)
//
// Generates (once, deterministic) a dependency set of 20 wheels, ~8,000 files, ~86 MB unzipped: a mix
// of compressible .py text and incompressible .so-like blobs in nested packages. Every run writes into
// a fresh directory and everything is deleted at the very end (machine-limits: creating files right
// after deleting many is 10–20× slower on this ext4, so deleting between runs would measure that).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Number(opt("--runs", "5"));
const FILES = Number(opt("--files", "8000"));
const WHEEL_COUNT = Number(opt("--wheels", "20"));
const JSON_OUT = flag("--json");
const WITH_PIP = !flag("--no-pip");
const SYNC = flag("--sync");
const WORK = opt("--work", join(tmpdir(), "tspack-bench-install"));
const log = (m) => JSON_OUT || process.stderr.write(`${m}\n`);

const { installWheels } = await import(join(root, "packages/installer/dist/index.js"));

// ---------------------------------------------------------------- deterministic wheel generation
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}
const WORDS =
  "def class return import from self value result data items config None True False if else for in while try except raise with as lambda yield async await".split(
    " ",
  );
function pyText(rand, size) {
  let out = '"""Generated module."""\n';
  while (out.length < size) {
    const w = () => WORDS[Math.floor(rand() * WORDS.length)];
    out += `def f_${Math.floor(rand() * 1e6)}(${w()}_a, ${w()}_b=None):\n    ${w()}_x = ${w()}_a + ${Math.floor(rand() * 1000)}\n    return ${w()}_x  # ${w()} ${w()}\n\n`;
  }
  return Buffer.from(out.slice(0, size));
}
function blob(rand, size) {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((rand() * 0x100000000) >>> 0, Math.min(i, size - 4));
  return b;
}
function zip(entries) {
  const chunks = [];
  const central = [];
  let off = 0;
  for (const { name, data, mode } of entries) {
    const nb = Buffer.from(name);
    const comp = deflateRawSync(data, { level: 6 });
    const crc = crc32(data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt16LE(33, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nb.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x0314, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt16LE(33, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(comp.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nb.length, 28);
    cd.writeUInt32LE(((mode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(off, 42);
    chunks.push(lh, nb, comp);
    central.push(cd, nb);
    off += 30 + nb.length + comp.length;
  }
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(off, 16);
  return Buffer.concat([...chunks, cdBuf, eocd]);
}
const b64 = (d) => createHash("sha256").update(d).digest("base64url");

function makeDependencySet(dir, totalFiles) {
  mkdirSync(dir, { recursive: true });
  const rand = prng(42);
  const WHEELS = WHEEL_COUNT;
  const out = [];
  for (let w = 0; w < WHEELS; w++) {
    const name = `pkg${String(w).padStart(2, "0")}`;
    const version = "1.0.0";
    const entries = [];
    const per = Math.round(totalFiles / WHEELS) - 4;
    for (let i = 0; i < per; i++) {
      const depth = 1 + Math.floor(rand() * 3);
      const parts = [name];
      for (let d = 0; d < depth; d++) parts.push(`sub${Math.floor(rand() * 6)}`);
      if (i % 20 === 19) {
        // incompressible native-like blob: ~130 KiB average
        const size = Math.floor(20_000 + rand() * 220_000);
        entries.push({
          name: `${parts.join("/")}/_native${i}.cpython-313-x86_64-linux-gnu.so`,
          data: blob(rand, size),
          mode: 0o100755,
        });
      } else {
        // compressible source: log-uniform 200 B – 20 KiB
        const size = Math.floor(Math.exp(Math.log(200) + rand() * (Math.log(20_000) - Math.log(200))));
        entries.push({ name: `${parts.join("/")}/mod${i}.py`, data: pyText(rand, size) });
      }
    }
    const di = `${name}-${version}.dist-info`;
    entries.push({
      name: `${di}/METADATA`,
      data: Buffer.from(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
    });
    entries.push({
      name: `${di}/WHEEL`,
      data: Buffer.from("Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\nTag: py3-none-any\n"),
    });
    entries.push({
      name: `${di}/entry_points.txt`,
      data: Buffer.from(`[console_scripts]\n${name} = ${name}.sub0:main\n`),
    });
    const record = `${entries.map((e) => `${e.name},sha256=${b64(e.data)},${e.data.length}`).join("\n")}\n${di}/RECORD,,\n`;
    entries.push({ name: `${di}/RECORD`, data: Buffer.from(record) });
    // py3-none-any so that the host pip accepts the local files (tags do not matter for the timing)
    const filename = `${name}-${version}-py3-none-any.whl`;
    const bytes = zip(entries);
    const path = join(dir, filename);
    writeFileSync(path, bytes);
    out.push({
      path,
      filename,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      files: entries.length,
      unzipped: entries.reduce((n, e) => n + e.data.length, 0),
      zipped: bytes.length,
    });
  }
  return out;
}

// ---------------------------------------------------------------- measurement
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const wallOf = (cmd, argv, opts = {}) => {
  const t = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"], ...opts });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.slice(0, 3).join(" ")} failed: ${r.stderr}`);
  return ms;
};
const has = (cmd, a = ["--version"]) => spawnSync(cmd, a, { stdio: "ignore" }).status === 0;

const runId = `run-${Date.now()}`;
const runDir = join(WORK, runId);
mkdirSync(runDir, { recursive: true });
let fresh = 0;
const freshDir = (tag) => join(runDir, `${tag}-${fresh++}`);

const wheelsDir = join(WORK, `wheels-v2-${FILES}${WHEEL_COUNT === 20 ? "" : `-w${WHEEL_COUNT}`}`);
let wheels;
if (existsSync(join(wheelsDir, "manifest.json"))) {
  wheels = JSON.parse(execFileSync("cat", [join(wheelsDir, "manifest.json")]).toString());
} else {
  log(`generating ${FILES} files as ${WHEEL_COUNT} wheels in ${wheelsDir} ...`);
  wheels = makeDependencySet(wheelsDir, FILES);
  writeFileSync(join(wheelsDir, "manifest.json"), JSON.stringify(wheels));
}
const totals = {
  wheels: wheels.length,
  files: wheels.reduce((n, w) => n + w.files, 0),
  unzippedMB: wheels.reduce((n, w) => n + w.unzipped, 0) / 1e6,
  zippedMB: wheels.reduce((n, w) => n + w.zipped, 0) / 1e6,
};
log(
  `dependency set: ${totals.wheels} wheels, ${totals.files} files, ${totals.unzippedMB.toFixed(1)} MB unzipped, ${totals.zippedMB.toFixed(1)} MB zipped`,
);
const inputs = wheels.map(({ path, filename, sha256 }) => ({ path, filename, sha256 }));
const base = { layout: "target", python: [3, 13], installerMetadata: false };

const results = {};
const record = (name, ms) => (results[name] ??= []).push(ms);
const settle = () => SYNC && spawnSync("sync");
let finishedTree;
for (let i = 0; i < RUNS; i++) {
  log(`run ${i + 1}/${RUNS}`);
  // tspack cold: no unpacked cache (unpack into a fresh cache, copy (default) into a fresh target)
  const cache = freshDir("cache");
  settle();
  let t = performance.now();
  const c = await installWheels(inputs, { ...base, dest: freshDir("cold"), cacheDir: cache });
  record(`tspack cold (unpack to cache + ${c.linkMode})`, performance.now() - t);
  // tspack warm: unpacked cache present (the default link mode: clone, else copy)
  const warmDest = freshDir("warm");
  settle();
  t = performance.now();
  const r = await installWheels(inputs, { ...base, dest: warmDest, cacheDir: cache });
  record(`tspack warm (${r.linkMode} from cache)`, performance.now() - t);
  finishedTree ??= warmDest;
  // the same warm install on the main thread only (what the worker's share of the copies saves)
  settle();
  t = performance.now();
  await installWheels(inputs, { ...base, dest: freshDir("warm1"), cacheDir: cache, parallel: false });
  record("tspack serial warm (parallel: false)", performance.now() - t);
  // --link-mode hardlink: cold and warm (the fast path that shares the cache's inodes)
  const hcache = freshDir("hcache");
  settle();
  t = performance.now();
  await installWheels(inputs, { ...base, dest: freshDir("hcold"), cacheDir: hcache, linkMode: "hardlink" });
  record("tspack hardlink cold (--link-mode hardlink)", performance.now() - t);
  settle();
  t = performance.now();
  await installWheels(inputs, { ...base, dest: freshDir("hwarm"), cacheDir: hcache, linkMode: "hardlink" });
  record("tspack hardlink warm (--link-mode hardlink)", performance.now() - t);
  // tspack without cache: inflate straight into the target
  settle();
  t = performance.now();
  await installWheels(inputs, { ...base, dest: freshDir("extract") });
  record("tspack extract (no cache)", performance.now() - t);
  // cp -a and cp -al of the finished tree
  settle();
  record("cp -a of the finished tree", wallOf("cp", ["-a", finishedTree, freshDir("cpa")]));
  settle();
  record("cp -al of the finished tree", wallOf("cp", ["-al", finishedTree, freshDir("cpal")]));
  // unzip -q of the same wheels (one process per wheel, like a shell loop)
  if (has("unzip", ["-v"])) {
    const d = freshDir("unzip");
    mkdirSync(d);
    settle();
    let ms = 0;
    for (const w of wheels) ms += wallOf("unzip", ["-q", "-o", w.path, "-d", d]);
    record("unzip -q (20 wheels)", ms);
  }
  if (WITH_PIP && i < Math.min(RUNS, 3) && has("python3", ["-m", "pip", "--version"])) {
    settle();
    record(
      "pip install --no-deps --no-compile --target",
      wallOf(
        "python3",
        [
          "-m",
          "pip",
          "install",
          "--no-deps",
          "--no-compile",
          "--no-index",
          "--isolated",
          "--disable-pip-version-check",
          "-q",
          "--target",
          freshDir("pip"),
          ...wheels.map((w) => w.path),
        ],
        { env: { ...process.env, PIP_CONFIG_FILE: "/dev/null" } },
      ),
    );
  }
}

const nodeStart = median([0, 1, 2].map(() => wallOf(process.execPath, ["-e", "0"])));
const table = Object.fromEntries(
  Object.entries(results).map(([k, v]) => [
    k,
    { median: median(v), min: Math.min(...v), max: Math.max(...v), runs: v.length, values: v.map(Math.round) },
  ]),
);
const get = (prefix) => Object.entries(table).find(([k]) => k.startsWith(prefix))?.[1]?.median;
const ratios = {
  "warm / cp -a": get("tspack warm") / get("cp -a "),
  "hardlink warm / cp -al (goal ≤ 1.2)": get("tspack hardlink warm") / get("cp -al"),
  "cold / unzip -q (goal ≤ 1.2)": get("tspack cold") / get("unzip -q"),
  "extract / unzip -q": get("tspack extract") / get("unzip -q"),
  "pip / warm (goal ≥ 10)": get("pip install") / get("tspack warm"),
  "pip / hardlink warm": get("pip install") / get("tspack hardlink warm"),
  "pip / cold (goal ≥ 4)": get("pip install") / get("tspack cold"),
};

if (JSON_OUT) {
  process.stdout.write(`${JSON.stringify({ totals, nodeStartMs: nodeStart, results: table, ratios }, null, 2)}\n`);
} else {
  const rows = Object.entries(table).map(
    ([k, v]) => `| ${k} | ${v.median.toFixed(0)} | ${v.min.toFixed(0)}–${v.max.toFixed(0)} | ${v.values.join(", ")} |`,
  );
  console.log(
    `\n${totals.files} files, ${totals.unzippedMB.toFixed(1)} MB unzipped in ${totals.wheels} wheels (${totals.zippedMB.toFixed(1)} MB); tspack timed in-process (node start ≈ ${nodeStart.toFixed(0)} ms extra)\n`,
  );
  console.log(
    `| scenario | median ms | min–max | runs (in order)${SYNC ? ", sync before each" : ""} |\n| --- | --- | --- | --- |`,
  );
  console.log(rows.join("\n"));
  console.log("\n| ratio | value |\n| --- | --- |");
  for (const [k, v] of Object.entries(ratios)) console.log(`| ${k} | ${Number.isFinite(v) ? v.toFixed(2) : "n/a"} |`);
}

if (!flag("--keep")) {
  log("deleting the run directories (at the end, never between runs) ...");
  rmSync(runDir, { recursive: true, force: true });
  if (readdirSync(WORK).length === 0) rmSync(WORK, { recursive: true, force: true });
}
