// Builds (or reuses) the offline mirror of one scenario under bench/.mirror/<id>-<key>/:
//   www/packages/…/<wheel>        stand-in wheels at the same URL paths as in the lock
//   www/simple/<name>/index.html  PEP 503 pages with #sha256= fragments
//   project/{pyproject.toml,uv.lock,app/}  the project, its lock rewritten to the stand-ins' hashes and sizes
//   requirements.txt              what `uv export --frozen --no-dev --no-editable` prints for it (for pip)
//   manifest.json                 what was generated (written last: its presence marks a complete mirror)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogShapes } from "../scenarios/catalog.mjs";
import { GENERATOR_VERSION, makeStandinWheel } from "./standin-wheel.mjs";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Default seed of the stand-in wheels. */
export const DEFAULT_SEED = 20250101;

async function tspackPackages() {
  const load = (name) => import(join(ROOT, "packages", name, "dist", "index.js"));
  const [uvLock, plan, tags] = await Promise.all([load("uv-lock"), load("plan"), load("platform-tags")]);
  return { parseUvLock: uvLock.parseUvLock, plan, DEFAULT_TARGET: tags.DEFAULT_TARGET };
}

/** Reads the ProjectInfo the plan needs from pyproject.toml text (name, groups, extras). */
async function projectInfo(pyprojectText) {
  const { parse } = await import("smol-toml");
  const doc = parse(pyprojectText);
  const norm = (s) => s.toLowerCase().replace(/[-_.]+/g, "-");
  const groups = new Set(Object.keys(doc["dependency-groups"] ?? {}).map(norm));
  if (doc.tool?.uv?.["dev-dependencies"] !== undefined) groups.add("dev");
  return {
    name: norm(doc.project?.name ?? ""),
    dependencyGroups: [...groups].sort(),
    optionalDependencies: Object.keys(doc.project?.["optional-dependencies"] ?? {})
      .map(norm)
      .sort(),
  };
}

/**
 * The wheels a lock selects for the benchmark target (x86_64 manylinux2014 cp313, `--no-dev`), like
 * `uv export --frozen --no-dev` + `uv pip install --python-platform x86_64-manylinux2014 --python 3.13`.
 */
export async function selectWheels(lockText, pyprojectText) {
  const { parseUvLock, plan, DEFAULT_TARGET } = await tspackPackages();
  const { lock } = parseUvLock(lockText);
  const selection = plan.selectPackages(lock, await projectInfo(pyprojectText), { noDev: true });
  const planned = plan.planInstall(selection, DEFAULT_TARGET);
  if (planned.missing.length > 0) {
    throw new Error(
      `The lock has packages without a wheel for the target: ${planned.missing.map((p) => p.name).join(", ")}`,
    );
  }
  const wheels = planned.packages
    .filter((p) => p.wheel !== null && p.wheel.url !== undefined)
    .map((p) => ({
      name: p.name,
      version: p.version,
      filename: p.wheel.filename,
      url: p.wheel.url,
      size: p.wheel.size,
    }));
  const requirements = plan.formatRequirementsTxt(selection, {
    editable: false,
    headerCommand: "export --frozen --no-dev --no-editable -o requirements.txt",
  });
  return { wheels, requirements };
}

function normalize(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The lock text with each generated wheel's hash and size replaced. */
export function rewriteLock(lockText, generated) {
  let text = lockText;
  for (const g of generated) {
    const re = new RegExp(`(url = "${escapeRegExp(g.url)}", hash = ")sha256:[0-9a-f]{64}(", size = )\\d+`);
    if (!re.test(text)) throw new Error(`The lock has no wheel entry for "${g.url}"`);
    text = text.replace(re, `$1sha256:${g.sha256}$2${g.bytes}`);
  }
  return text;
}

const APP_MAIN = `"""A minimal Lambda handler (the benchmark's own code)."""


def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
`;

/**
 * Ensures the mirror of `scenario` exists and returns its manifest (cached by generator version, seed,
 * lock, pyproject and shapes). `log` receives progress lines.
 */
export async function buildMirror(
  scenario,
  { seed = DEFAULT_SEED, cacheRoot = join(ROOT, "bench", ".mirror"), log = () => {} } = {},
) {
  const lockText = readFileSync(join(ROOT, scenario.lock), "utf8");
  const pyprojectText = readFileSync(join(ROOT, scenario.pyproject), "utf8");
  const shapes = { ...catalogShapes(), ...(scenario.shapes ?? {}) };
  const key = createHash("sha256")
    .update(JSON.stringify([GENERATOR_VERSION, String(seed), lockText, pyprojectText, shapes]))
    .digest("hex")
    .slice(0, 12);
  const dir = join(cacheRoot, `${scenario.id}-${key}`);
  const manifestPath = join(dir, "manifest.json");
  if (existsSync(manifestPath)) return { dir, ...JSON.parse(readFileSync(manifestPath, "utf8")) };

  const { wheels } = await selectWheels(lockText, pyprojectText);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const www = join(tmp, "www");
  const generated = [];
  const started = performance.now();
  for (const w of wheels) {
    const shape = shapes[w.filename] ?? {};
    const out = makeStandinWheel({ filename: w.filename, name: w.name, size: w.size, seed, ...shape });
    const urlPath = new URL(w.url).pathname;
    mkdirSync(join(www, dirname(urlPath)), { recursive: true });
    writeFileSync(join(www, urlPath), out.bytes);
    generated.push({
      name: w.name,
      version: w.version,
      filename: w.filename,
      url: w.url,
      path: urlPath,
      sha256: out.sha256,
      bytes: out.bytes.length,
      realBytes: w.size,
      files: out.files,
      unpacked: out.unpacked,
    });
    log(`  ${w.filename}: ${out.bytes.length} bytes (lock: ${w.size}), ${out.files} files`);
  }

  // PEP 503 pages.
  const byName = new Map();
  for (const g of generated) byName.set(normalize(g.name), [...(byName.get(normalize(g.name)) ?? []), g]);
  const names = [...byName.keys()].sort();
  mkdirSync(join(www, "simple"), { recursive: true });
  writeFileSync(
    join(www, "simple", "index.html"),
    `<!DOCTYPE html>\n<html><body>\n${names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join("\n")}\n</body></html>\n`,
  );
  for (const n of names) {
    mkdirSync(join(www, "simple", n), { recursive: true });
    const links = byName
      .get(n)
      .map((g) => `<a href="${g.path}#sha256=${g.sha256}">${g.filename}</a>`)
      .join("\n");
    writeFileSync(join(www, "simple", n, "index.html"), `<!DOCTYPE html>\n<html><body>\n${links}\n</body></html>\n`);
  }

  // The project with the rewritten lock, and the export for pip.
  const project = join(tmp, "project");
  mkdirSync(join(project, "app"), { recursive: true });
  const newLock = rewriteLock(lockText, generated);
  writeFileSync(join(project, "pyproject.toml"), pyprojectText);
  writeFileSync(join(project, "uv.lock"), newLock);
  writeFileSync(join(project, "app", "__init__.py"), "");
  writeFileSync(join(project, "app", "main.py"), APP_MAIN);
  const check = await selectWheels(newLock, pyprojectText);
  for (const w of check.wheels) {
    const g = generated.find((x) => x.filename === w.filename);
    if (g === undefined || w.size !== g.bytes)
      throw new Error(`The rewritten lock does not match the stand-in "${w.filename}"`);
  }
  writeFileSync(join(tmp, "requirements.txt"), check.requirements);

  const origins = [...new Set(generated.map((g) => new URL(g.url).origin))].sort();
  const manifest = {
    scenario: scenario.id,
    title: scenario.title,
    key,
    seed: String(seed),
    generatorVersion: GENERATOR_VERSION,
    origins,
    wheels: generated,
    totals: {
      wheels: generated.length,
      bytes: generated.reduce((n, g) => n + g.bytes, 0),
      realBytes: generated.reduce((n, g) => n + (g.realBytes ?? 0), 0),
      files: generated.reduce((n, g) => n + g.files, 0),
      unpacked: generated.reduce((n, g) => n + g.unpacked, 0),
    },
    generationMs: Math.round(performance.now() - started),
  };
  writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(cacheRoot, { recursive: true });
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, ...manifest };
}
