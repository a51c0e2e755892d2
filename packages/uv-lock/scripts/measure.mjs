// Measures parseUvLock on a generated lock (or a lock file given as argv[2]).
// Usage (from /work/main, after `tsc -b packages/uv-lock`):
//   node packages/uv-lock/scripts/measure.mjs [--packages 1000] [path/to/uv.lock]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    packages: { type: "string", default: "1000" },
    wheels: { type: "string", default: "4" },
    runs: { type: "string", default: "30" },
    // Only time one call of one function in this (fresh) process: "parse" or "toml".
    cold: { type: "string" },
    // Write the generated lock to this file and exit (then measure it cold from the file).
    emit: { type: "string" },
  },
});
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
// Bundle the TypeScript sources (parser + generator) so this runs on plain Node.
const bundle = await build({
  stdin: {
    contents: `export { parseUvLock } from "./src/index.ts"; export { makeLock } from "./test/helpers/make-lock.ts";
      export { parse as parseToml } from "smol-toml";`,
    resolveDir: here(".."),
    loader: "ts",
  },
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  alias: {
    "@tspack/errors": here("../../errors/src/index.ts"),
    "@tspack/pep440": here("../../pep440/src/index.ts"),
    "@tspack/pep508": here("../../pep508/src/index.ts"),
  },
});
const dir = mkdtempSync(join(tmpdir(), "uv-lock-measure-"));
writeFileSync(join(dir, "bundle.mjs"), bundle.outputFiles[0].text);
const mod = await import(pathToFileURL(join(dir, "bundle.mjs")).href);
rmSync(dir, { recursive: true, force: true });

const text = positionals[0]
  ? readFileSync(positionals[0], "utf8")
  : mod.makeLock({ packages: Number(values.packages), wheelsPerPackage: Number(values.wheels) });
if (values.emit !== undefined) {
  writeFileSync(values.emit, text);
  process.exit(0);
}
if (values.cold !== undefined) {
  const fn = values.cold === "toml" ? () => mod.parseToml(text) : () => mod.parseUvLock(text);
  const s = performance.now();
  fn();
  console.log(`cold ${values.cold}: ${(performance.now() - s).toFixed(1)} ms (${(text.length / 1e6).toFixed(2)} MB)`);
  process.exit(0);
}
const runs = Number(values.runs);
const time = (fn) => {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1], min: t[0], max: t[t.length - 1] };
};
const cold = performance.now();
const first = mod.parseUvLock(text);
const coldMs = performance.now() - cold;
const fmt = (r) => `median ${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`;
console.log(
  `lock: ${(text.length / 1e6).toFixed(2)} MB, ${first.lock.packages.length} packages, node ${process.version}`,
);
console.log(`parseUvLock first call: ${coldMs.toFixed(1)} ms`);
console.log(`parseUvLock: ${fmt(time(() => mod.parseUvLock(text)))} over ${runs} runs`);
console.log(`smol-toml parse only: ${fmt(time(() => mod.parseToml(text)))}`);
