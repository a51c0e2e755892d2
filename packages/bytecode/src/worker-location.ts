import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ERROR_CODES, TspackError } from "@tspack/errors";

/** Set by scripts/build.mjs in tspack's bundles ("cjs" or "esm"); undefined from the workspace's sources. */
declare const __TSPACK_BUNDLE__: "cjs" | "esm" | undefined;

/**
 * The compiler thread's module, found the way @tspack/installer's pool finds its worker: in tspack's
 * bundles, dist/bytecode-worker.mjs beside them (from `__dirname` in CommonJS, from import.meta.url in the
 * ESM library and its chunks); from the workspace, this package's `worker/compile-worker.mjs`. A missing
 * file is a broken package: TSPACK_INTERNAL.
 */
export function compileWorkerUrl(): URL {
  const file = locate();
  if (!existsSync(file)) {
    throw new TspackError(ERROR_CODES.INTERNAL, `The bytecode compiler's file "${file}" is missing`, {
      hint: "The tspack package is incomplete: reinstall it (in the tspack repository: run `node scripts/build.mjs`).",
    });
  }
  return pathToFileURL(file);
}

function locate(): string {
  if (typeof __TSPACK_BUNDLE__ !== "undefined") {
    if (__TSPACK_BUNDLE__ === "cjs") return join(__dirname, "bytecode-worker.mjs");
    const dir = dirname(fileURLToPath(import.meta.url)); // dist/ or dist/chunks/
    return join(dir.endsWith("/chunks") ? dirname(dir) : dir, "bytecode-worker.mjs");
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "worker", "compile-worker.mjs");
}
