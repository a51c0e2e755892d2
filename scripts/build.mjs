// Builds the workspace: `tsc -b` type-checks every package and emits each internal package's dist/;
// then esbuild bundles the public `tspack` package (library + CLI) into packages/tspack/dist with the
// internal @tspack/* packages and the small pure libraries (fflate, smol-toml, p-limit,
// @renovatebot/pep440) inlined, so `npm pack` of it installs anywhere without the workspace and a run
// resolves and compiles fewer modules. Only undici, the network stack, stays a runtime dependency: it is
// imported lazily, when a download is actually needed.
// Declarations: tspack's own .d.ts plus the internal packages' .d.ts are copied under dist/, with
// `@tspack/x` specifiers rewritten to relative paths.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const log = (m) => quiet || process.stderr.write(`${m}\n`);

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
log("tsc -b");
execFileSync(process.execPath, [tsc, "-b", join(root, "tsconfig.json")], { stdio: "inherit" });

const pkgDir = join(root, "packages", "tspack");
const dist = join(pkgDir, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const pkgJson = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const external = Object.keys(pkgJson.dependencies ?? {});
const { build } = await import("esbuild");
await build({
  entryPoints: { index: join(pkgDir, "src", "index.ts"), cli: join(pkgDir, "src", "cli", "main.ts") },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  conditions: ["tspack-source"],
  chunkNames: "chunks/[name]-[hash]",
  define: { __TSPACK_VERSION__: JSON.stringify(pkgJson.version) },
});
log("esbuild → packages/tspack/dist");

// Declarations.
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const internalNames = readdirSync(join(root, "packages")).filter((n) => n !== "tspack");
const copyDts = (fromDir, toDir) => {
  for (const file of walk(fromDir)) {
    if (!file.endsWith(".d.ts")) continue;
    const dest = join(toDir, relative(fromDir, file));
    mkdirSync(dirname(dest), { recursive: true });
    let text = readFileSync(file, "utf8");
    text = text.replace(/(from |import\()(["'])@tspack\/([a-z0-9-]+)\2/g, (_m, kw, q, name) => {
      let rel = relative(dirname(dest), join(dist, "internal", name, "index.js"))
        .split("\\")
        .join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      return `${kw}${q}${rel}${q}`;
    });
    text = text.replace(/\n\/\/# sourceMappingURL=.*$/, "\n");
    writeFileSync(dest, text);
  }
};
copyDts(join(pkgDir, "build", "tsc"), dist);
for (const name of internalNames) {
  const d = join(root, "packages", name, "dist");
  if (existsSync(d)) copyDts(d, join(dist, "internal", name));
}
log("declarations → packages/tspack/dist");
