// Cold-start benchmark of bytecode (issue 15): how long a fresh CPython takes to import an app from a
// read-only-like tree (no pycs written: -B) without pycs, with tspack's checked-hash and unchecked-hash
// pycs, and pyc-only; and what compiling them costs a build, cold (Pyodide loads, every file compiled) and
// warm (every pyc from the memo store: the compiler never starts).
//
//   node bench/bytecode.mjs [--runs N] [--python PATH] [--keep]
//
// The app is real code: pure-Python packages of this machine's Debian Python (/usr/lib/python3/dist-packages:
// pip, setuptools, pygments, werkzeug, requests, urllib3, yaml, jwt, mako, paste, bs4, html5lib, dateutil,
// pytz, oauthlib, pyparsing, …) copied into a task root with an app.py that imports them. The interpreter is
// `--python`, else $TSPACK_BENCH_PYTHON, else python3.13 (pyenv's versions folder, then PATH); the pycs are
// compiled by tspack's Pyodide for that X.Y (run `node scripts/build.mjs` first: this uses the packages' dist).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, homedir, loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./mirror/build-mirror.mjs";

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    python: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const RUNS = Number(opts.runs);
const DIST_PACKAGES = "/usr/lib/python3/dist-packages";
const PACKAGES = [
  "pip",
  "setuptools",
  "_distutils_hack",
  "pkg_resources",
  "pygments",
  "werkzeug",
  "requests",
  "urllib3",
  "idna",
  "certifi",
  "charset_normalizer",
  "chardet",
  "yaml",
  "jwt",
  "mako",
  "markupsafe",
  "paste",
  "bs4",
  "soupsieve",
  "html5lib",
  "webencodings",
  "dateutil",
  "six.py",
  "pytz",
  "oauthlib",
  "pyparsing",
  "more_itertools",
  "xmltodict.py",
  "toml",
  "prettytable",
  "wcwidth",
  "simplejson",
  "blinker",
  "waitress",
  "routes",
  "repoze",
  "distro",
];
const IMPORTS = [
  "pip._internal.cli.main",
  "pip._internal.commands.install",
  "pip._internal.index.package_finder",
  "pip._internal.req.req_install",
  "pip._vendor.rich.console",
  "pip._vendor.pygments.lexers.python",
  "setuptools",
  "pygments.lexers.python",
  "pygments.formatters.html",
  "werkzeug.routing",
  "werkzeug.serving",
  "werkzeug.test",
  "requests",
  "yaml",
  "jwt",
  "mako.template",
  "paste.httpserver",
  "bs4",
  "html5lib",
  "dateutil.parser",
  "dateutil.rrule",
  "pytz",
  "oauthlib.oauth2",
  "pyparsing",
  "more_itertools",
  "xmltodict",
  "toml",
  "simplejson",
  "blinker",
  "waitress.server",
  "routes",
  "distro",
];

function findPython() {
  const named = opts.python ?? process.env.TSPACK_BENCH_PYTHON;
  const candidates = named ? [named] : [];
  const versions = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  if (!named && existsSync(versions))
    for (const v of readdirSync(versions).sort().reverse())
      if (v.startsWith("3.13.")) candidates.push(join(versions, v, "bin", "python3.13"));
  if (!named) candidates.push("python3.13");
  for (const c of candidates) {
    const r = spawnSync(c, ["-I", "-c", "import sys; print(sys.version.split()[0])"], { encoding: "utf8" });
    if (r.status === 0) return { python: c, version: r.stdout.trim() };
  }
  return undefined;
}

const found = findPython();
if (!found) {
  console.error("bench/bytecode.mjs: no python3.13 found (pass --python PATH or set TSPACK_BENCH_PYTHON)");
  process.exit(1);
}
if (!existsSync(DIST_PACKAGES)) {
  console.error(`bench/bytecode.mjs: ${DIST_PACKAGES} is missing (the benchmark's real code)`);
  process.exit(1);
}
const minor = Number(found.version.split(".")[1]);
const bytecode = await import(join(ROOT, "packages", "bytecode", "dist", "index.js"));

const work = mkdtempSync(join(tmpdir(), "tspack-bench-pyc-"));
const src = join(work, "source");
mkdirSync(src);
for (const p of PACKAGES) {
  const from = join(DIST_PACKAGES, p);
  if (!existsSync(from)) continue;
  cpSync(from, join(src, p), { recursive: true, filter: (f) => !f.includes("__pycache__") && !f.endsWith(".so") });
}
writeFileSync(
  join(src, "app.py"),
  `${IMPORTS.map((m) => `import ${m}`).join("\n")}\n\ndef handler(event, context):\n    return 1\n`,
);

/** Every .py file under `dir`, as { path, source }. */
function pySources(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".py")) out.push({ path: relative(dir, p), source: readFileSync(p) });
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
const sources = pySources(src);
const sourceBytes = sources.reduce((n, f) => n + f.source.length, 0);

class MapStore {
  map = new Map();
  async get(kind, key) {
    return this.map.get(`${kind}/${key}`);
  }
  async put(kind, key, bytes) {
    this.map.set(`${kind}/${key}`, bytes);
  }
}

// Build-time cost: cold (Pyodide loads, every file compiled) and warm (from the memo store).
const memo = new MapStore();
const compile = async (mode, store) => {
  let starts = 0;
  const compiler = new bytecode.PyodideCompiler(minor, { onStart: () => starts++ });
  const t = performance.now();
  const r = await bytecode.compileBytecode(sources, { minor, prefix: "/var/task/", compiler, memo: store, mode });
  const ms = performance.now() - t;
  await compiler.close();
  return { r, ms, starts };
};
const cold = await compile("checked-hash", memo);
const warm = await compile("checked-hash", memo);
const unchecked = await compile("unchecked-hash", new MapStore());
const pycBytes = cold.r.pycs.reduce((n, p) => n + p.bytes.length, 0);

/** A copy of the source tree plus pycs: in __pycache__, or (pycOnly) in place of the sources. */
function variant(name, pycs, pycOnly = false) {
  const dir = join(work, name);
  cpSync(src, dir, { recursive: true });
  for (const p of pycs) {
    const to = pycOnly ? join(dir, `${p.source}c`) : join(dir, p.path);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, p.bytes);
    if (pycOnly) rmSync(join(dir, p.source));
  }
  return dir;
}
const trees = {
  "no pycs": variant("none", []),
  "checked-hash pycs": variant("checked", cold.r.pycs),
  "unchecked-hash pycs": variant("unchecked", unchecked.r.pycs),
  "pyc-only": variant("pyconly", cold.r.pycs, true),
};
const importOnce = (dir) => {
  const t = performance.now();
  const r = spawnSync(
    found.python,
    ["-B", "-I", "-c", `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import app`],
    {
      encoding: "utf8",
    },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`import failed in ${dir}: ${r.stderr}`);
  return ms;
};
const times = Object.fromEntries(Object.keys(trees).map((k) => [k, []]));
for (const dir of Object.values(trees)) importOnce(dir); // warm the page cache
for (let i = 0; i < RUNS; i++) for (const [k, dir] of Object.entries(trees)) times[k].push(importOnce(dir));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const modules = spawnSync(
  found.python,
  [
    "-B",
    "-I",
    "-c",
    `import sys; n = len(sys.modules); sys.path.insert(0, ${JSON.stringify(trees["no pycs"])}); import app; print(len(sys.modules) - n)`,
  ],
  { encoding: "utf8" },
).stdout.trim();
const base = median(times["no pycs"]);
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} (shared, loaded)`,
  `Interpreter: ${found.python} (CPython ${found.version}); compiler: Pyodide ${bytecode.PYODIDE_RELEASES[minor]?.pyodide} (CPython ${bytecode.PYODIDE_RELEASES[minor]?.python})`,
  `App: ${sources.length} .py files (${mb(sourceBytes)}), ${modules} modules imported by app.py; pycs ${mb(pycBytes)}; ${cold.r.skipped.length} files shipped as source only`,
  "",
  "| tree | import app, median of " + RUNS + " (ms) | vs no pycs |",
  "|---|---|---|",
  ...Object.entries(times).map(
    ([k, xs]) => `| ${k} | ${Math.round(median(xs))} | ${(base / median(xs)).toFixed(2)}× |`,
  ),
  "",
  "| compiling (build-time cost) | ms | compiler started |",
  "|---|---|---|",
  `| cold: Pyodide loads, ${cold.r.compiled} files compiled | ${Math.round(cold.ms)} | ${cold.starts} |`,
  `| warm: ${warm.r.fromMemo} pycs from the memo store | ${Math.round(warm.ms)} | ${warm.starts} |`,
];
console.log(lines.join("\n"));
if (!opts.keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
