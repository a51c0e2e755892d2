// Builds the workspace: `tsc -b` type-checks every package and emits each internal package's dist/;
// then esbuild bundles the public `tspack` package (library + CLI) into packages/tspack/dist with the
// internal @tspack/* packages and the small pure libraries (fflate, smol-toml, p-limit,
// @renovatebot/pep440) inlined, so `npm pack` of it installs anywhere without the workspace and a run
// resolves and compiles fewer modules. Only undici, the network stack, stays a runtime dependency: it is
// imported lazily, when a download is actually needed.
// Declarations: tspack's own .d.ts plus the internal packages' .d.ts are copied under dist/, with
// `@tspack/x` specifiers rewritten to relative paths.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
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
// The build id keys tspack's memoized results in the cache (packages/tspack/src/memo.ts): a hash of every
// source file, package manifest and the lockfile, so results made by other code are never reused.
function buildId() {
  const files = [join(root, "pnpm-lock.yaml")];
  for (const name of readdirSync(join(root, "packages")).sort()) {
    const dir = join(root, "packages", name);
    if (existsSync(join(dir, "package.json"))) files.push(join(dir, "package.json"));
    if (existsSync(join(dir, "src"))) files.push(...walk(join(dir, "src")).sort());
  }
  const h = createHash("sha256");
  for (const f of files) h.update(`${relative(root, f)}\0${statSync(f).size}\0`).update(readFileSync(f));
  return h.digest("hex");
}
const define = {
  __TSPACK_VERSION__: JSON.stringify(pkgJson.version),
  __TSPACK_BUILD_ID__: JSON.stringify(`${pkgJson.version}+${buildId().slice(0, 32)}`),
};

// The library: ESM with code splitting, so `import { build } from "tspack"` loads only what it uses.
await build({
  entryPoints: { index: join(pkgDir, "src", "index.ts") },
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
  define,
});
// The CLI: one CommonJS file, so bin/tspack.js can compile it through a V8 code cache on every Node
// version (Node 20 has no compile cache for ES modules). Command modules stay lazy: esbuild wraps them
// in init functions that run on first use. The first line names the bundle's sha256, the cache key.
const fflateShim = join(root, "scripts", "shims", "fflate-lazy.js");
const lazyFflate = {
  name: "lazy-fflate",
  setup(b) {
    b.onResolve({ filter: /^fflate$/ }, (args) =>
      args.pluginData?.real
        ? undefined
        : args.importer === fflateShim
          ? b.resolve("fflate", { resolveDir: join(pkgDir, "src"), kind: args.kind, pluginData: { real: true } })
          : { path: fflateShim },
    );
  },
};
// In the CommonJS bundle, lazy imports of externals (undici, node: built-ins) become lazy requires: a
// dynamic import would need a module loader that code compiled through vm.Script does not have.
const lazyRequires = {
  name: "lazy-requires",
  setup(b) {
    b.onLoad({ filter: /\.(js|ts)$/ }, async (args) => {
      if (args.path.includes("node_modules")) return undefined;
      const text = readFileSync(args.path, "utf8");
      const re = /\bimport\(("undici"|"node:[a-z_/]+")\)/g;
      if (!re.test(text)) return undefined;
      return {
        contents: text.replace(re, "Promise.resolve().then(() => require($1))"),
        loader: args.path.endsWith(".ts") ? "ts" : "js",
      };
    });
  },
};
// In the CommonJS bundle, static imports of these built-ins become functions that require the module on
// their first call: a warm `tspack build` calls none of them, and loading them costs ~2 ms at start-up
// (node:fs/promises brings readline and fs watchers along). Only functions are imported from them.
const LAZY_BUILTINS = {
  "node:timers/promises": ["setTimeout"],
  "node:zlib": ["crc32", "inflateRawSync", "deflateRawSync", "createInflateRaw"],
  "node:fs/promises": [
    "chmod",
    "copyFile",
    "link",
    "lstat",
    "mkdir",
    "mkdtemp",
    "open",
    "readFile",
    "readdir",
    "realpath",
    "rename",
    "rm",
    "rmdir",
    "stat",
    "symlink",
    "unlink",
    "utimes",
    "writeFile",
  ],
};
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:(zlib|fs\/promises|timers\/promises)$/ }, (args) =>
      args.namespace === "lazy-builtin" ? undefined : { path: args.path, namespace: "lazy-builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: [
        `let real;`,
        `const load = () => (real ??= require(${JSON.stringify(args.path)}));`,
        ...LAZY_BUILTINS[args.path].map((name) => `export function ${name}(...a) { return load().${name}(...a); }`),
      ].join("\n"),
      loader: "js",
    }));
  },
};
const cli = await build({
  entryPoints: [join(pkgDir, "src", "cli", "main.ts")],
  plugins: [lazyFflate, lazyBuiltins, lazyRequires],
  inject: [join(root, "scripts", "shims", "clock.js")],
  outfile: join(dist, "cli.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["undici"],
  write: false,
  legalComments: "none",
  logLevel: "warning",
  conditions: ["tspack-source"],
  define: { ...define, "performance.now": "__tspackNow" },
});
/** Writes a CommonJS bundle with its `// tspack-bundle <sha256>` first line (the code cache's key). */
const writeBundle = (name, text) =>
  writeFileSync(join(dist, name), `// tspack-bundle ${createHash("sha256").update(text).digest("hex")}\n${text}`);
writeBundle("cli.cjs", cli.outputFiles[0].text);
// undici in a bundle of its own: compiled through the code cache when a download needs it, and never
// read by warm runs (bin/tspack.js resolves the CLI's `require("undici")` to it).
const undiciBundle = await build({
  stdin: { contents: 'module.exports = require("undici");', resolveDir: pkgDir, loader: "js" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  write: false,
  legalComments: "none",
  logLevel: "warning",
});
writeBundle("undici.cjs", undiciBundle.outputFiles[0].text);
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
