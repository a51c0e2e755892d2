// `cdk synth` time with and without tspack bundling (tspack/cdk), as whole processes.
//
//   node bench/cdk-synth.mjs [--runs N] [--keep]
//
// A CDK app (aws-cdk-lib from the workspace, tspack/cdk from packages/tspack as built) with one stack of
// four Python assets from one uv project: TspackFunction x86_64, TspackFunction arm64, TspackLayer arm64
// and tspackCode({ artifact: "code" }). The project is the FastAPI + Mangum app of the uv Lambda guide,
// with stand-in wheels (bench/mirror) of the real sizes, pydantic-core for both architectures, served
// by bench/mirror/serve.mjs in its own process (a synth is synchronous: the server must not share it).
// Cases, each a fresh `node app.js` and a fresh cdk.out:
//   plain      the same four functions/layer with lambda.Code.fromAsset(project), no bundling (the floor)
//   cold       tspack bundling, empty tspack cache (downloads over loopback)
//   warm       tspack bundling, the cache kept from the previous run
// with CDK's built-in CloudFormation validation on (aws-cdk-lib's default) and off (CDK_VALIDATION=false),
// since it costs seconds per synth and is the same with or without tspack. Prints a markdown table.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./mirror/build-mirror.mjs";
import { makeStandinWheel } from "./mirror/standin-wheel.mjs";
import { startMirrorServer } from "./mirror/start-server.mjs";

const { values: opts } = parseArgs({
  options: { runs: { type: "string" }, keep: { type: "boolean" }, help: { type: "boolean", short: "h" } },
});
if (opts.help) {
  process.stdout.write("usage: node bench/cdk-synth.mjs [--runs N (default 5)] [--keep]\n");
  process.exit(0);
}
const runs = Number(opts.runs ?? 5);
const log = (m) => process.stderr.write(`${m}\n`);
const HOST = "https://files.example.invalid/";

// The wheels of the uv guide's FastAPI example (sizes from its lock), pydantic-core for both architectures.
const ML = (arch) => `manylinux_2_17_${arch}.manylinux2014_${arch}`;
const WHEELS = [
  ["annotated-types", "annotated_types-0.7.0-py3-none-any.whl", 13_643],
  ["anyio", "anyio-4.7.0-py3-none-any.whl", 93_085],
  ["fastapi", "fastapi-0.115.6-py3-none-any.whl", 94_843],
  ["idna", "idna-3.10-py3-none-any.whl", 70_442],
  ["mangum", "mangum-0.19.0-py3-none-any.whl", 17_386],
  ["pydantic", "pydantic-2.10.4-py3-none-any.whl", 431_765],
  ["pydantic-core", `pydantic_core-2.27.2-cp313-cp313-${ML("x86_64")}.whl`, 2_020_000],
  ["pydantic-core", `pydantic_core-2.27.2-cp313-cp313-${ML("aarch64")}.whl`, 1_900_000],
  ["sniffio", "sniffio-1.3.1-py3-none-any.whl", 10_235],
  ["starlette", "starlette-0.41.3-py3-none-any.whl", 73_225],
  ["typing-extensions", "typing_extensions-4.12.2-py3-none-any.whl", 37_438],
];

const work = mkdtempSync(join(tmpdir(), "tspack-bench-cdk-"));
const www = join(work, "www");
const project = join(work, "project");
mkdirSync(join(www, "packages"), { recursive: true });
mkdirSync(join(project, "app"), { recursive: true });
const byName = new Map();
for (const [name, filename, size] of WHEELS) {
  const w = makeStandinWheel({ filename, name, size, seed: 20250101 });
  writeFileSync(join(www, "packages", filename), w.bytes);
  if (!byName.has(name)) byName.set(name, []);
  byName.get(name).push({ filename, sha256: w.sha256, size: w.bytes.length });
}
const names = [...byName.keys()].sort();
let lock = `version = 1\nrevision = 3\nrequires-python = ">=3.13"\n\n[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n${names.map((n) => `    { name = "${n}" },\n`).join("")}]\n\n[package.metadata]\nrequires-dist = [${names.map((n) => `{ name = "${n}" }`).join(", ")}]\n`;
for (const name of names) {
  const version = byName.get(name)[0].filename.split("-")[1];
  lock += `\n[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "${HOST}simple" }\nwheels = [\n${byName
    .get(name)
    .map((w) => `    { url = "${HOST}packages/${w.filename}", hash = "sha256:${w.sha256}", size = ${w.size} },\n`)
    .join("")}]\n`;
}
writeFileSync(join(project, "uv.lock"), lock);
writeFileSync(
  join(project, "pyproject.toml"),
  `[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = [${names.map((n) => `"${n}"`).join(", ")}]\n\n[tool.tspack]\nhandler = "app.main.handler"\n`,
);
writeFileSync(join(project, "app", "__init__.py"), "");
writeFileSync(
  join(project, "app", "main.py"),
  "from mangum import Mangum\nfrom fastapi import FastAPI\n\napp = FastAPI()\nhandler = Mangum(app)\n",
);

// The app: tspack/cdk from the built workspace package, aws-cdk-lib and constructs from the workspace.
const appDir = join(work, "app");
mkdirSync(join(appDir, "node_modules"), { recursive: true });
symlinkSync(join(ROOT, "packages", "tspack"), join(appDir, "node_modules", "tspack"), "dir");
for (const peer of ["aws-cdk-lib", "constructs"])
  symlinkSync(
    realpathSync(join(ROOT, "packages", "tspack", "node_modules", peer)),
    join(appDir, "node_modules", peer),
    "dir",
  );
writeFileSync(join(appDir, "package.json"), '{ "name": "bench-app", "private": true }\n');
writeFileSync(
  join(appDir, "app.js"),
  `
const cdk = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");
const app = new cdk.App({ outdir: process.env.CDK_OUTDIR });
const stack = new cdk.Stack(app, "Bench");
const entry = process.env.ENTRY;
const ARM = lambda.Architecture.ARM_64;
const X86 = lambda.Architecture.X86_64;
const runtime = lambda.Runtime.PYTHON_3_13;
if (process.env.CASE === "plain") {
  const code = () => lambda.Code.fromAsset(entry);
  new lambda.Function(stack, "X86", { runtime, architecture: X86, handler: "app.main.handler", code: code() });
  new lambda.Function(stack, "Arm", { runtime, architecture: ARM, handler: "app.main.handler", code: code() });
  new lambda.LayerVersion(stack, "Deps", { compatibleRuntimes: [runtime], compatibleArchitectures: [ARM], code: code() });
  new lambda.Function(stack, "Code", { runtime, architecture: X86, handler: "app.main.handler", code: code() });
} else {
  const { TspackFunction, TspackLayer, tspackCode } = require("tspack/cdk");
  const bundling = { cacheDir: process.env.CACHE_DIR, mirrors: [{ from: "${HOST}", to: process.env.MIRROR }] };
  new TspackFunction(stack, "X86", { entry, architecture: X86, bundling });
  new TspackFunction(stack, "Arm", { entry, architecture: ARM, bundling });
  new TspackLayer(stack, "Deps", { entry, compatibleArchitectures: [ARM], bundling });
  new lambda.Function(stack, "Code", { runtime, architecture: X86, handler: "app.main.handler", code: tspackCode(entry, { artifact: "code", bundling }) });
}
app.synth();
`,
);

const server = await startMirrorServer(www);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(TSPACK_|SOURCE_DATE_EPOCH$|CDK_)/.test(k) && !/_proxy$/i.test(k)),
);
const cacheDir = join(work, "cache");

function synth(kind, validation) {
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["app.js"], {
    cwd: appDir,
    encoding: "utf8",
    env: {
      ...env,
      CASE: kind,
      ENTRY: project,
      CACHE_DIR: cacheDir,
      MIRROR: `${server.url}/`,
      CDK_OUTDIR: out,
      ...(validation ? {} : { CDK_VALIDATION: "false" }),
    },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`synth (${kind}) failed:\n${r.stderr}`);
  rmSync(out, { recursive: true, force: true });
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

const results = [];
try {
  synth("plain", false); // warm the file system cache for aws-cdk-lib
  for (const validation of [false, true]) {
    const times = { plain: [], cold: [], warm: [] };
    for (let i = 0; i < runs; i++) {
      times.plain.push(synth("plain", validation));
      rmSync(cacheDir, { recursive: true, force: true });
      times.cold.push(synth("tspack", validation));
      times.warm.push(synth("tspack", validation));
      log(
        `validation ${validation ? "on" : "off"}, run ${i + 1}/${runs}: plain ${fmt(times.plain.at(-1))}, cold ${fmt(times.cold.at(-1))}, warm ${fmt(times.warm.at(-1))}`,
      );
    }
    results.push({ validation, times });
  }
} finally {
  await server.stop();
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

const lines = [
  `| CDK validation | case | median | min – max | tspack's share (median − plain) |`,
  `|---|---|---|---|---|`,
];
for (const { validation, times } of results) {
  const base = median(times.plain);
  for (const [kind, label] of [
    ["plain", "plain `Code.fromAsset` (no bundling)"],
    ["cold", "tspack/cdk, cold cache"],
    ["warm", "tspack/cdk, warm cache"],
  ]) {
    const xs = times[kind];
    lines.push(
      `| ${validation ? "on (default)" : "off"} | ${label} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))} | ${kind === "plain" ? "—" : `${fmt(median(xs) - base)} (${fmt((median(xs) - base) / 4)} per asset)`} |`,
    );
  }
}
process.stdout.write(`${lines.join("\n")}\n`);
