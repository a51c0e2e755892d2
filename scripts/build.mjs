// Builds the workspace: `tsc -b` type-checks every package and emits each internal package's dist/;
// then esbuild bundles the public `tspack` package (library, CLI, tspack/cdk) into packages/tspack/dist
// with the internal @tspack/* packages and the small pure libraries (fflate, smol-toml, p-limit,
// @renovatebot/pep440) inlined, so `npm pack` of it installs anywhere without the workspace, with no
// runtime dependency, and a run resolves and compiles fewer modules. undici, the network stack, is
// bundled once (dist/undici.cjs) and loaded lazily, when a download is actually needed: by the CLI
// through bin/tspack.js, by the library through the package's private import `#undici`.
// The AWS SDK's S3 client (the remote cache, @tspack/remote-cache) is bundled the same way (dist/s3.cjs,
// `#s3`), and loaded only when a build has a remote cache.
//   dist/index.js (+ chunks/)  the library, ESM with code splitting
//   dist/index.cjs             the library, CommonJS (`require("tspack")` on Node 20.18)
//   dist/cdk.cjs               tspack/cdk, CommonJS (aws-cdk-lib and constructs stay external)
//   dist/cdk.js                tspack/cdk for `import`: a wrapper that loads dist/cdk.cjs (one copy
//                              of the constructs whichever way an app loads them)
//   dist/cli.cjs, undici.cjs   the CLI's bundles (and s3.cjs, the remote cache's S3 client) (bin/tspack.js runs them through a V8 code cache)
// Declarations: tspack's own .d.ts plus the internal packages' .d.ts are copied under dist/ (for
// `import`) and dist/cjs/ (for `require`: a folder of type commonjs, so TypeScript reads them as CommonJS), with `@tspack/x` specifiers rewritten to relative paths and
// `undici` to the few types tspack's API uses (scripts/shims/undici.d.ts).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
const esbuild = await import("esbuild");
/** Every bundle's metafile: the third-party packages bundled into the package, for their licenses. */
const metafiles = [];
const build = async (options) => {
  const result = await esbuild.build({ ...options, metafile: true });
  metafiles.push(result.metafile);
  return result;
};
// Peer dependencies (tspack/cdk's aws-cdk-lib and constructs) are the app's own: never bundled.
const peers = Object.keys(pkgJson.peerDependencies ?? {});
const external = [...Object.keys(pkgJson.dependencies ?? {}), ...peers, ...peers.map((p) => `${p}/*`)];
/** The undici names the library uses (`undici.X` in @tspack/fetch): the ESM shim exports each. */
const UNDICI_NAMES = ["Agent", "EnvHttpProxyAgent"];
const usedUndici = new Set(
  [
    ...readFileSync(join(root, "packages", "fetch", "src", "http-client.ts"), "utf8").matchAll(
      /\bundici\.([A-Za-z]+)/g,
    ),
  ].map((m) => m[1]),
);
for (const name of usedUndici)
  if (!UNDICI_NAMES.includes(name)) throw new Error(`scripts/build.mjs: add undici.${name} to UNDICI_NAMES`);
/**
 * The library's `import("undici")` becomes the package's private import `#undici` (dist/undici.cjs, the
 * CLI's bundle): one copy of undici in the package, and none to install. In ESM, a shim module turns the
 * CommonJS exports into named ones.
 */
const undiciImport = (format) => ({
  name: "undici-import",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "undici-shim" }));
    b.onResolve({ filter: /^#undici$/ }, () => ({ path: "#undici", external: true }));
    b.onLoad({ filter: /.*/, namespace: "undici-shim" }, () => ({
      contents:
        format === "cjs"
          ? 'module.exports = require("#undici");\n'
          : `import undici from "#undici";\nexport default undici;\n${UNDICI_NAMES.map((n) => `export const ${n} = undici.${n};`).join("\n")}\n`,
      loader: "js",
    }));
  },
});

/** The AWS SDK names @tspack/remote-cache uses (`sdk.X` and `{ X } = await loadS3()`): the s3 bundle exports each. */
const S3_NAMES = ["GetObjectCommand", "PutObjectCommand", "S3Client"];
const remoteSrc = join(root, "packages", "remote-cache", "src");
for (const file of readdirSync(remoteSrc)) {
  const text = readFileSync(join(remoteSrc, file), "utf8");
  const used = [
    ...[...text.matchAll(/\bsdk\.([A-Z][A-Za-z0-9]+)/g)].map((m) => m[1]),
    ...[...text.matchAll(/const \{([^}]*)\} = await loadS3\(\)/g)].flatMap((m) => m[1].split(",").map((n) => n.trim())),
  ];
  for (const name of used)
    if (name !== "" && !S3_NAMES.includes(name)) throw new Error(`scripts/build.mjs: add ${name} to S3_NAMES`);
}
/** The library's `import("@aws-sdk/client-s3")` becomes the private import `#s3` (dist/s3.cjs), like undici. */
const s3Import = (format) => ({
  name: "s3-import",
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/client-s3$/ }, () => ({ path: "s3", namespace: "s3-shim" }));
    b.onResolve({ filter: /^#s3$/ }, () => ({ path: "#s3", external: true }));
    b.onLoad({ filter: /.*/, namespace: "s3-shim" }, () => ({
      contents:
        format === "cjs"
          ? 'module.exports = require("#s3");\n'
          : `import s3 from "#s3";\nexport default s3;\n${S3_NAMES.map((n) => `export const ${n} = s3.${n};`).join("\n")}\n`,
      loader: "js",
    }));
  },
});

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
// Each bundle says what it is, so that @tspack/installer's worker pool finds dist/pool-worker.cjs from
// it (from __dirname in CommonJS, from import.meta.url in the ESM library and its chunks).
const esmDefine = { ...define, __TSPACK_BUNDLE__: '"esm"' };
const cjsDefine = { ...define, __TSPACK_BUNDLE__: '"cjs"' };

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
  plugins: [undiciImport("esm"), s3Import("esm")],
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  conditions: ["tspack-source"],
  chunkNames: "chunks/[name]-[hash]",
  define: esmDefine,
});
// The library and tspack/cdk for `require`: one .cjs file each in dist/ (next to the package.json
// whose `imports` maps #undici; their types are under dist/cjs/, a folder of type commonjs).
for (const [name, entry] of [
  ["index", join(pkgDir, "src", "index.ts")],
  ["cdk", join(pkgDir, "src", "cdk", "index.ts")],
]) {
  await build({
    entryPoints: { [name]: entry },
    outdir: dist,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    external,
    plugins: [undiciImport("cjs"), s3Import("cjs")],
    sourcemap: true,
    legalComments: "none",
    logLevel: "warning",
    // tspack/cdk finds bin/tspack.js (and the pool its worker) from __dirname in CommonJS; import.meta
    // is only read in ESM.
    logOverride: { "empty-import-meta": "silent" },
    // aws-cdk-lib and constructs are optional peers: say so, instead of "Cannot find module".
    ...(name === "cdk"
      ? {
          banner: {
            js: 'for (const peer of ["aws-cdk-lib", "constructs"]) { try { require.resolve(peer); } catch { throw new Error("tspack/cdk needs " + peer + " in your app (aws-cdk-lib ^2, constructs ^10): npm install aws-cdk-lib constructs"); } }',
          },
        }
      : {}),
    conditions: ["tspack-source"],
    define: cjsDefine,
  });
}
// tspack/cdk for `import`: loads the CommonJS build, so an app that imports and requires it (or mixes
// ESM and CommonJS stacks) gets one set of classes; aws-cdk-lib itself is CommonJS.
const cdkExports = await esbuild.build({
  entryPoints: [join(pkgDir, "src", "cdk", "index.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  external,
  write: false,
  metafile: true,
  logLevel: "silent",
  conditions: ["tspack-source"],
  define,
});
const cdkNames = Object.values(cdkExports.metafile.outputs)
  .flatMap((o) => o.exports ?? [])
  .sort();
writeFileSync(
  join(dist, "cdk.js"),
  [
    "// tspack/cdk as an ES module: the CommonJS build (dist/cdk.cjs), so there is one copy of each class.",
    'import { createRequire } from "node:module";',
    'const cdk = createRequire(import.meta.url)("./cdk.cjs");',
    `export const { ${cdkNames.join(", ")} } = cdk;`,
    "",
  ].join("\n"),
);
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
      const re = /\bimport\(("undici"|"@aws-sdk\/client-s3"|"node:[a-z_/]+")\)/g;
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
  external: ["undici", "@aws-sdk/client-s3"],
  write: false,
  legalComments: "none",
  logLevel: "warning",
  logOverride: { "empty-import-meta": "silent" },
  conditions: ["tspack-source"],
  define: { ...cjsDefine, "performance.now": "__tspackNow" },
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
// The worker pool's thread (@tspack/installer src/pool/worker.ts): one CommonJS file beside the bundles,
// found by the library (ESM and CommonJS) and the CLI alike; loaded only when a job needs a worker.
await build({
  entryPoints: [join(root, "packages", "installer", "src", "pool", "worker.ts")],
  outfile: join(dist, "pool-worker.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  conditions: ["tspack-source"],
  define: cjsDefine,
});
// The bytecode compiler's thread (@tspack/bytecode worker/compile-worker.mjs, plain JavaScript): copied as it
// is beside the bundles, found like the pool's worker, next to the Pyodide dependencies it imports.
copyFileSync(join(root, "packages", "bytecode", "worker", "compile-worker.mjs"), join(dist, "bytecode-worker.mjs"));
// The AWS SDK's S3 client in a bundle of its own, for the remote cache only: its ES modules, so that only
// the commands tspack sends are kept (1.1 MB instead of 1.5 MB), loaded on the first remote request.
const s3Bundle = await build({
  stdin: {
    contents: `export { ${S3_NAMES.join(", ")} } from "@aws-sdk/client-s3";`,
    resolveDir: join(root, "packages", "remote-cache"),
    loader: "js",
  },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  mainFields: ["module", "main"],
  // The SDK imports a few built-ins dynamically; code run through vm.Script has no module loader.
  plugins: [
    {
      name: "builtin-imports",
      setup(b) {
        b.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
          const text = readFileSync(args.path, "utf8");
          const re = /\bimport\((["'])(node:[a-z_/0-9]+)\1\)/g;
          if (!re.test(text)) return undefined;
          return { contents: text.replace(re, 'Promise.resolve().then(() => require("$2"))'), loader: "js" };
        });
      },
    },
  ],
  write: false,
  legalComments: "none",
  logLevel: "warning",
});
writeBundle("s3.cjs", s3Bundle.outputFiles[0].text);
log("esbuild → packages/tspack/dist");

// The licenses of the third-party packages inlined into the bundles (MIT/BSD/Apache ask for their text).
const bundledPackages = new Map();
for (const meta of metafiles) {
  for (const input of Object.keys(meta.inputs)) {
    // The last node_modules/ of the path names the package (pnpm: node_modules/.pnpm/x@1/node_modules/x/).
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input.split("\\").join("/"));
    if (!m) continue;
    const dir = join(root, m[1]);
    bundledPackages.set(m[2], dir);
  }
}
const licenseFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => /^licen[cs]e/i.test(f))
    .sort();
/** SPDX id → a bundled package that ships that license's text (a few AWS SDK packages ship none). */
const licenseTextOf = new Map();
for (const [name, dir] of [...bundledPackages.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const license = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).license;
  if (licenseFiles(dir).length > 0 && !licenseTextOf.has(license)) licenseTextOf.set(license, name);
}
const notices = [...bundledPackages.entries()]
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([name, dir]) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const files = licenseFiles(dir);
    if (files.length === 0 && manifest.license === "Apache-2.0" && licenseTextOf.has("Apache-2.0"))
      return `${name}@${manifest.version} (Apache-2.0)\n\nThe package ships no license file; the Apache License 2.0 text is in this file, with ${licenseTextOf.get("Apache-2.0")}.\n`;
    if (files.length === 0) throw new Error(`scripts/build.mjs: ${name} is bundled but has no license file`);
    const texts = files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
    return `${name}@${manifest.version} (${manifest.license})\n\n${texts}\n`;
  });
writeFileSync(
  join(dist, "THIRD-PARTY-LICENSES.txt"),
  `Third-party packages bundled into tspack's dist/ files, with their licenses.\n\n${notices.join(`\n${"-".repeat(78)}\n\n`)}`,
);

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
const relTo = (from, to) => {
  const rel = relative(dirname(from), to).split("\\").join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
};
const copyDts = (fromDir, toDir, typesRoot) => {
  for (const file of walk(fromDir)) {
    if (!file.endsWith(".d.ts")) continue;
    const dest = join(toDir, relative(fromDir, file));
    mkdirSync(dirname(dest), { recursive: true });
    let text = readFileSync(file, "utf8");
    text = text.replace(/(from |import\()(["'])@tspack\/([a-z0-9-]+)\2/g, (_m, kw, q, name) => {
      return `${kw}${q}${relTo(dest, join(typesRoot, "internal", name, "index.js"))}${q}`;
    });
    // undici is bundled, not a dependency: its types come from the package's own undici.d.ts.
    text = text.replace(/(from |import\()(["'])undici\2/g, (_m, kw, q) => {
      return `${kw}${q}${relTo(dest, join(typesRoot, "undici.js"))}${q}`;
    });
    text = text.replace(/\n\/\/# sourceMappingURL=.*$/, "\n");
    writeFileSync(dest, text);
  }
};
mkdirSync(join(dist, "cjs"), { recursive: true });
writeFileSync(join(dist, "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
for (const typesRoot of [dist, join(dist, "cjs")]) {
  copyDts(join(pkgDir, "build", "tsc"), typesRoot, typesRoot);
  for (const name of internalNames) {
    const d = join(root, "packages", name, "dist");
    if (existsSync(d)) copyDts(d, join(typesRoot, "internal", name), typesRoot);
  }
  writeFileSync(join(typesRoot, "undici.d.ts"), readFileSync(join(root, "scripts", "shims", "undici.d.ts")));
}
log("declarations → packages/tspack/dist");
