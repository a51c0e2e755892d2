// Writes bench/scenarios/<id>/{pyproject.toml,uv.lock} for the scenarios built from the catalog
// (uv.lock v1 syntax, as uv writes it). Run: node bench/scenarios/make-locks.mjs
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGES, SCENARIOS } from "./catalog.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A PyPI-shaped URL and a placeholder hash, both derived from the filename. */
function fileEntry(filename, size) {
  const h = createHash("sha256").update(filename).digest("hex");
  const url = `https://files.pythonhosted.org/packages/${h.slice(0, 2)}/${h.slice(2, 4)}/${h.slice(4, 64)}/${filename}`;
  return `{ url = "${url}", hash = "sha256:${h}", size = ${size} }`;
}

function closure(roots) {
  const seen = new Set();
  const visit = (n) => {
    if (seen.has(n)) return;
    const p = PACKAGES[n];
    if (p === undefined) throw new Error(`The package "${n}" is not in the catalog`);
    seen.add(n);
    for (const d of p.deps ?? []) visit(Array.isArray(d) ? d[0] : d);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

function depLine(d) {
  return Array.isArray(d) ? `    { name = "${d[0]}", marker = "${d[1]}" },` : `    { name = "${d}" },`;
}

/** The uv.lock text for a project named `project` depending on `roots`. */
export function renderLock(project, roots) {
  const names = [...closure(roots), project].sort();
  const out = ["version = 1", "revision = 1", 'requires-python = ">=3.13"', ""];
  for (const name of names) {
    out.push("[[package]]", `name = "${name}"`);
    if (name === project) {
      out.push('version = "0.1.0"', 'source = { virtual = "." }', "dependencies = [");
      for (const r of [...roots].sort()) out.push(`    { name = "${r}" },`);
      out.push("]", "", "[package.metadata]", "requires-dist = [");
      for (const r of [...roots].sort()) out.push(`    { name = "${r}" },`);
      out.push("]", "");
      continue;
    }
    const p = PACKAGES[name];
    out.push(`version = "${p.version}"`, 'source = { registry = "https://pypi.org/simple" }');
    if (p.deps?.length) out.push("dependencies = [", ...p.deps.map(depLine), "]");
    const sdistName = `${name.replace(/-/g, "_")}-${p.version}.tar.gz`;
    const sdistSize = Math.round(p.wheels[0][1] * 1.3);
    out.push(`sdist = ${fileEntry(sdistName, sdistSize)}`, "wheels = [");
    for (const [filename, size] of [...p.wheels].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      out.push(`    ${fileEntry(filename, size)},`);
    }
    out.push("]", "");
  }
  return out.join("\n");
}

function renderPyproject(project, roots) {
  return [
    "[project]",
    `name = "${project}"`,
    'version = "0.1.0"',
    'requires-python = ">=3.13"',
    "dependencies = [",
    ...[...roots].sort().map((r) => `    "${r}",`),
    "]",
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const s of SCENARIOS) {
    if (s.roots === undefined) continue;
    const project = `${s.id}-function`;
    const dir = join(root, dirname(s.lock));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, s.lock), renderLock(project, s.roots));
    writeFileSync(join(root, s.pyproject), renderPyproject(project, s.roots));
    console.log(`wrote ${s.lock}`);
  }
}
