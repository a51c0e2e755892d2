// `pnpm demo`: the README's main job, offline, in seconds. Starts a local mirror of the FastAPI example's
// wheels (stand-ins with the real filenames and sizes, served from a child process), prepares a copy of
// examples/fastapi-lambda whose lock points at those stand-ins (rewritten hashes and sizes), runs
// `tspack build` on it with the built CLI, prints the artifacts, and stops the server.
// The cache lives in .cache/demo/ (gitignored), so a second run is warm.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { buildMirror, ROOT } from "../bench/mirror/build-mirror.mjs";
import { startMirrorServer } from "../bench/mirror/start-server.mjs";
import { FASTAPI_SHAPES } from "../bench/scenarios/catalog.mjs";

const EXAMPLE = "examples/fastapi-lambda";
const demoDir = join(ROOT, ".cache", "demo");
const log = (m) => process.stderr.write(`${m}\n`);

if (!existsSync(join(ROOT, "packages", "tspack", "dist", "cli.cjs"))) {
  log("demo: building the workspace first (node scripts/build.mjs)");
  spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs"), "--quiet"], { stdio: "inherit" });
}

const scenario = {
  id: "demo-fastapi-lambda",
  title: "examples/fastapi-lambda",
  pyproject: `${EXAMPLE}/pyproject.toml`,
  lock: `${EXAMPLE}/uv.lock`,
  shapes: FASTAPI_SHAPES,
};
const started = performance.now();
const mirror = await buildMirror(scenario, { cacheRoot: join(ROOT, "bench", ".mirror") });
log(
  `demo: local mirror with ${mirror.totals.wheels} stand-in wheels (${(mirror.totals.bytes / 1e6).toFixed(1)} MB, same filenames and sizes as on PyPI)`,
);

// The project: a copy of the example with the rewritten lock.
const project = join(demoDir, "fastapi-lambda");
rmSync(project, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
for (const name of readdirSync(join(ROOT, EXAMPLE))) {
  if (name === "dist" || name === ".venv" || name === "uv.lock") continue;
  cpSync(join(ROOT, EXAMPLE, name), join(project, name), { recursive: true });
}
cpSync(join(mirror.dir, "project", "uv.lock"), join(project, "uv.lock"));

const server = await startMirrorServer(join(mirror.dir, "www"));
let status = 1;
try {
  const out = join(demoDir, "dist");
  const cache = join(demoDir, "tspack-cache");
  const warm = existsSync(cache);
  const args = [
    join(ROOT, "packages", "tspack", "bin", "tspack.js"),
    "build",
    project,
    "--out",
    out,
    "--cache-dir",
    cache,
    ...mirror.origins.flatMap((o) => ["--mirror", `${o}/=${server.url}/`]),
  ];
  log(
    `demo: tspack build ${relative(ROOT, project)} --out ${relative(ROOT, out)} (${warm ? "warm" : "cold"} cache, mirror ${server.url})\n`,
  );
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  status = r.status ?? 1;
  log(
    `\ndemo: ${status === 0 ? "done" : "failed"} in ${((performance.now() - started) / 1000).toFixed(1)} s${warm ? " with a warm cache" : " (run it again for a warm cache)"}`,
  );
} finally {
  await server.stop();
}
process.exitCode = status;
