#!/usr/bin/env node
// The `tspack` command. It runs the CLI bundle (dist/cli.cjs, and dist/undici.cjs when a download needs
// the network stack) through a V8 code cache: the first successful run of each command saves the compiled
// code, later runs skip parsing and compiling it (Node 20 has no compile cache of its own for this). The
// cache lives in $TSPACK_COMPILE_CACHE_DIR, default <tmpdir>/tspack-compile-cache-<uid>;
// TSPACK_NO_COMPILE_CACHE=1 (or Node's NODE_DISABLE_COMPILE_CACHE=1) turns it off. A missing, stale or
// foreign cache file only costs a compile: V8 rejects data made by another V8, and each file name holds
// the bundle's sha256.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const argv = process.argv.slice(2);
const env = process.env;
const cacheOn = !env.TSPACK_NO_COMPILE_CACHE && !env.NODE_DISABLE_COMPILE_CACHE;
const command = argv.find((a) => !a.startsWith("-")) ?? "";
const commandKey = /^[a-z]{1,16}$/.test(command) ? command : "other";
const compiled = [];

/**
 * True when `dir` is safe to load compiled code from: missing (created 0700 on save), or a directory of
 * this user that nobody else can write to. Code cache data is trusted by V8, so a directory another user
 * could plant files in (e.g. pre-created in a shared /tmp) is never used.
 */
function safeDir(dir) {
  let st;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return true;
  }
  if (!st.isDirectory() || (st.mode & 0o022) !== 0) return false;
  return typeof process.getuid !== "function" || st.uid === process.getuid();
}

/** Where a bundle's code cache lives, or undefined when caching is off or the bundle has no hash line. */
function codeCache(source, key) {
  const m = cacheOn ? /^\/\/ tspack-bundle ([0-9a-f]{64})\n/.exec(source) : null;
  if (!m) return undefined;
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  const dir = env.TSPACK_COMPILE_CACHE_DIR || path.join(require("node:os").tmpdir(), `tspack-compile-cache-${uid}`);
  if (!safeDir(dir)) return undefined;
  const stem = `${process.version}-${process.arch}-`;
  const tail = `-${key}.bin`;
  return { dir, stem, tail, file: path.join(dir, `${stem}${m[1].slice(0, 16)}${tail}`) };
}

/** Saves compiled code and removes the caches of other builds of the same bundle (never usable again). */
function save({ cache, script }) {
  try {
    fs.mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    const tmp = `${cache.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cache.file);
    for (const name of fs.readdirSync(cache.dir)) {
      const p = path.join(cache.dir, name);
      if (p !== cache.file && name.startsWith(cache.stem) && name.endsWith(cache.tail)) fs.rmSync(p, { force: true });
    }
  } catch {
    // a read-only or foreign directory: run without a cache
  }
}

/** Runs a CommonJS bundle of dist/ through its code cache and returns its exports. */
function load(name, key) {
  const file = path.join(__dirname, "..", "dist", name);
  const source = fs.readFileSync(file, "utf8");
  const cache = codeCache(source, key);
  let cachedData;
  if (cache) {
    try {
      cachedData = fs.readFileSync(cache.file);
    } catch {
      cachedData = undefined;
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cache && (!cachedData || script.cachedDataRejected)) compiled.push({ cache, script });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, bundleRequire, mod, file, path.dirname(file));
  return mod.exports;
}

let undici;
let s3;
/** The bundles' `require`: Node's built-ins, and undici (and the remote cache's S3 client) from their own bundles, loaded on first use. */
function bundleRequire(id) {
  if (id === "undici") return (undici ??= load("undici.cjs", "undici"));
  if (id === "@aws-sdk/client-s3") return (s3 ??= load("s3.cjs", "s3"));
  return require(id);
}

load("cli.cjs", commandKey)
  .main(argv)
  .then((code) => {
    process.exitCode = code;
    // Saved after a successful run, so that it holds the functions this command really compiled.
    if (code === 0) for (const c of compiled) save(c);
  });
