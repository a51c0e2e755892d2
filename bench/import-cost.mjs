// What loading tspack costs, compared between two builds of the package (e.g. main and a branch):
// `import("tspack")`, `require("tspack")` and `tspack --version`, each timed inside a fresh Node process,
// interleaved, plus the bytes a plain import loads (the entry and its static chunks).
//
//   node bench/import-cost.mjs BASE_PKG_DIR NEW_PKG_DIR [--runs 31]
//   (a package dir is packages/tspack of a built checkout: node scripts/build.mjs)
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { summary } from "./lib/stats.mjs";

const { values, positionals } = parseArgs({
  options: { runs: { type: "string", default: "31" } },
  allowPositionals: true,
});
const [base, next] = positionals.map((p) => resolve(p));
if (positionals.length !== 2) throw new Error("usage: node bench/import-cost.mjs BASE_PKG_DIR NEW_PKG_DIR [--runs N]");
const runs = Number(values.runs);

/** Bytes of dist/index.js and every chunk it imports statically, transitively. */
function staticBytes(file, seen = new Set()) {
  if (seen.has(file)) return 0;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  let n = statSync(file).size;
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|^import\s+"(\.[^"]+)"/gms))
    n += staticBytes(join(dirname(file), m[1] ?? m[2]), seen);
  return n;
}

const cases = (pkg) => ({
  esm: [
    "--input-type=module",
    "-e",
    `const t=performance.now(); await import(${JSON.stringify(join(pkg, "dist", "index.js"))}); console.log(performance.now()-t)`,
  ],
  cjs: [
    "-e",
    `const t=performance.now(); require(${JSON.stringify(join(pkg, "dist", "index.cjs"))}); console.log(performance.now()-t)`,
  ],
});
const times = {};
for (let i = 0; i < runs; i++) {
  for (const [label, pkg] of [
    ["base", base],
    ["new", next],
  ]) {
    for (const [kind, args] of Object.entries(cases(pkg))) {
      const r = spawnSync(process.execPath, args, { encoding: "utf8" });
      (times[`${label} ${kind}`] ??= []).push(Number(r.stdout));
    }
    const t0 = performance.now();
    spawnSync(process.execPath, [join(pkg, "bin", "tspack.js"), "--version"]);
    (times[`${label} cli --version`] ??= []).push(performance.now() - t0);
  }
}
for (const [label, pkg] of [
  ["base", base],
  ["new", next],
])
  console.log(
    `${label}: import loads ${staticBytes(join(pkg, "dist", "index.js"))} bytes; dist/cli.cjs ${statSync(join(pkg, "dist", "cli.cjs")).size} bytes`,
  );
for (const [k, v] of Object.entries(times)) {
  const s = summary(v);
  console.log(`${k.padEnd(18)} median ${s.median.toFixed(1)} ms  min ${s.min.toFixed(1)} ms`);
}
