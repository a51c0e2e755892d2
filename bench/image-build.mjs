// `tspack build --layout image` against `--layout dir`, as whole CLI processes, from a warm cache.
//
//   node bench/image-build.mjs [--runs N] [--keep]
//
// The project is the FastAPI + Mangum app of the uv Lambda guide with stand-in wheels of the real sizes
// (bench/mirror, served from a child process). The base is the tests' stand-in for
// public.ecr.aws/lambda/python:3.13 (Debian's CPython 3.13, ~17 MB compressed; made by
// test/helpers/lambda-base.ts — run `npx vitest run test/e2e/image.test.ts` once first), copied with skopeo
// into a CNCF registry (docker-registry) on 127.0.0.1. Cases, each a fresh `tspack build` process:
//   dir          --layout dir, warm cache (the task root + Dockerfile)
//   image        --layout image, warm cache (base blobs cached; the tag is resolved again: one request)
//   image @sha256  the base pinned by digest: no request at all
//   image+push   the same plus --push to the loopback registry (every blob already there: HEADs + the manifest)
//   image cold   an empty cache (downloads the wheels and the base, compresses both layers)
// `docker build` of the dir layout's Dockerfile is measured only where a Docker daemon answers.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
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
  process.stdout.write("usage: node bench/image-build.mjs [--runs N (default 5)] [--keep]\n");
  process.exit(0);
}
const runs = Number(opts.runs ?? 5);
const log = (m) => process.stderr.write(`${m}\n`);
const HOST = "https://files.example.invalid/";
const CLI = join(ROOT, "packages", "tspack", "bin", "tspack.js");

const cacheRoot = join(ROOT, ".cache", "test");
const baseDir = existsSync(cacheRoot) ? readdirSync(cacheRoot).find((d) => d.startsWith("lambda-base-")) : undefined;
if (!baseDir || !existsSync(join(cacheRoot, baseDir, "layout", "index.json"))) {
  log("The stand-in base is not made yet: run `npx vitest run test/e2e/image.test.ts` once, then this again.");
  process.exit(1);
}
const baseLayout = join(cacheRoot, baseDir, "layout");

const WHEELS = [
  ["annotated-types", "annotated_types-0.7.0-py3-none-any.whl", 13_643],
  ["anyio", "anyio-4.7.0-py3-none-any.whl", 93_085],
  ["fastapi", "fastapi-0.115.6-py3-none-any.whl", 94_843],
  ["idna", "idna-3.10-py3-none-any.whl", 70_442],
  ["mangum", "mangum-0.19.0-py3-none-any.whl", 17_386],
  ["pydantic", "pydantic-2.10.4-py3-none-any.whl", 431_765],
  ["pydantic-core", "pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", 2_020_000],
  ["sniffio", "sniffio-1.3.1-py3-none-any.whl", 10_235],
  ["starlette", "starlette-0.41.3-py3-none-any.whl", 73_225],
  ["typing-extensions", "typing_extensions-4.12.2-py3-none-any.whl", 37_438],
];

const work = mkdtempSync(join(tmpdir(), "tspack-bench-image-"));
const www = join(work, "www");
const project = join(work, "project");
mkdirSync(join(www, "packages"), { recursive: true });
mkdirSync(join(project, "app"), { recursive: true });
const names = [];
let lockPkgs = "";
for (const [name, filename, size] of WHEELS) {
  const w = makeStandinWheel({ filename, name, size, seed: 20250101 });
  writeFileSync(join(www, "packages", filename), w.bytes);
  names.push(name);
  lockPkgs += `\n[[package]]\nname = "${name}"\nversion = "${filename.split("-")[1]}"\nsource = { registry = "${HOST}simple" }\nwheels = [\n    { url = "${HOST}packages/${filename}", hash = "sha256:${w.sha256}", size = ${w.bytes.length} },\n]\n`;
}
writeFileSync(
  join(project, "uv.lock"),
  `version = 1\nrevision = 3\nrequires-python = ">=3.13"\n\n[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n${names.map((n) => `    { name = "${n}" },\n`).join("")}]\n\n[package.metadata]\nrequires-dist = [${names.map((n) => `{ name = "${n}" }`).join(", ")}]\n${lockPkgs}`,
);
writeFileSync(
  join(project, "pyproject.toml"),
  `[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = [${names.map((n) => `"${n}"`).join(", ")}]\n\n[tool.tspack]\nhandler = "app.main.handler"\n`,
);
writeFileSync(join(project, "app", "__init__.py"), "");
writeFileSync(
  join(project, "app", "main.py"),
  "from mangum import Mangum\nfrom fastapi import FastAPI\n\napp = FastAPI()\nhandler = Mangum(app)\n",
);

// The registry: a generated config, a free port, stopped at the end.
const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
writeFileSync(
  join(work, "registry.yml"),
  `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, "registry")}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
);
const registryProc = spawn("docker-registry", ["serve", join(work, "registry.yml")], { stdio: "ignore" });
const reg = `127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`http://${reg}/v2/`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 50));
}
execFileSync("skopeo", [
  "copy",
  "--all",
  "--preserve-digests",
  "--quiet",
  "--dest-tls-verify=false",
  `oci:${baseLayout}:3.13`,
  `docker://${reg}/lambda/python:3.13`,
]);

const server = await startMirrorServer(www);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(TSPACK_|SOURCE_DATE_EPOCH$)/.test(k) && !/_proxy$/i.test(k)),
);
const cacheDir = join(work, "cache");
function tspack(args, cache = cacheDir) {
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [CLI, "build", project, "--out", out, "--cache-dir", cache, "--mirror", `${HOST}=${server.url}/`, "-q", ...args],
    { encoding: "utf8", env },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tspack build ${args.join(" ")} failed:\n${r.stderr}`);
  rmSync(out, { recursive: true, force: true });
  return ms;
}
const IMAGE = ["--layout", "image", "--base", `${reg}/lambda/python:3.13`];
const indexDigest = (
  await fetch(`http://${reg}/v2/lambda/python/manifests/3.13`, {
    method: "HEAD",
    headers: { accept: "application/vnd.oci.image.index.v1+json" },
  })
).headers.get("docker-content-digest");
const PINNED = ["--layout", "image", "--base", `${reg}/lambda/python@${indexDigest}`];
const cases = {
  dir: () => tspack(["--layout", "dir"]),
  image: () => tspack(IMAGE),
  "image @sha256": () => tspack(PINNED),
  "image+push": () => tspack([...IMAGE, "--push", `${reg}/bench/fn:latest`]),
  "image cold": () => {
    const cold = join(work, "cold-cache");
    rmSync(cold, { recursive: true, force: true });
    return tspack(IMAGE, cold);
  },
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
try {
  // warm up: the cache (wheels, base, compressed layers, memo) and the CLI's code cache
  tspack(["--layout", "dir"]);
  tspack([...IMAGE, "--push", `${reg}/bench/fn:latest`]);
  tspack(PINNED);
  for (let i = 0; i < runs; i++) {
    for (const [k, f] of Object.entries(cases)) times[k].push(f());
    log(
      `run ${i + 1}/${runs}: ${Object.entries(times)
        .map(([k, xs]) => `${k} ${fmt(xs.at(-1))}`)
        .join(", ")}`,
    );
  }
} finally {
  await server.stop();
  registryProc.kill("SIGTERM");
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
const dockerUp = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
const lines = ["| case | median | min – max | vs warm dir |", "|---|---|---|---|"];
const dirMedian = median(times.dir);
for (const [k, xs] of Object.entries(times))
  lines.push(
    `| ${k} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))} | ${(median(xs) / dirMedian).toFixed(2)}× |`,
  );
lines.push(
  dockerUp
    ? "| docker build | (not measured by this script yet) | | |"
    : "| docker build | skipped: no Docker daemon on this machine | | |",
);
process.stdout.write(`${lines.join("\n")}\n`);
