/**
 * Where the compiler thread's module is: `worker/compile-worker.mjs` of this package, beside src/ and
 * dist/. scripts/build.mjs replaces this module in tspack's bundles with one that resolves the copy in
 * tspack's own dist/ (the package's private import `#bytecode-worker`).
 */
export function compileWorkerUrl(): URL {
  return new URL("../worker/compile-worker.mjs", import.meta.url);
}
