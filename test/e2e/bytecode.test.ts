/**
 * Bytecode through the built CLI (issue 15): `tspack install` compiles with tspack's Pyodide (no Python
 * on the machine needed; the bundle's worker module and the Pyodide dependency are found from dist/),
 * and a native CPython of the target's version, when installed, imports the modules from the pycs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { checkWithNative, nativePython } from "../helpers/native-python.js";
import {
  cleanupTemps,
  type DemoProject,
  demoProject,
  listTree,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const CLEAN_ENV = { TSPACK_CACHE_DIR: undefined, UV_COMPILE_BYTECODE: undefined };
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliAsync(args, { env: { ...CLEAN_ENV, ...env } });
const python313 = nativePython(13);

let server: RunningIndexServer;
let demo: DemoProject;
let demoDir: string;
let cache: string;

beforeAll(async () => {
  requireBuiltCli();
  demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  demoDir = tempDir("tspack-bytecode-demo-");
  writeTree(demoDir, demo.files);
  cache = join(tempDir("tspack-bytecode-cache-"), "cache");
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

/** The pyc of `py` ("a/b.py") under `root`, for Python 3.13. */
const pycOf = (py: string) => py.replace(/([^/]+)\.py$/, "__pycache__/$1.cpython-313.pyc");

describe("tspack install --compile-bytecode (built CLI, Pyodide)", () => {
  it("UV_COMPILE_BYTECODE=1 writes a checked-hash pyc for every module, named where it is installed", async () => {
    const target = join(tempDir("tspack-bytecode-install-"), "packages");
    const r = await cli(
      ["install", demoDir, "--target", target, "--cache-dir", cache, "--mirror", mirrorArg(server.url)],
      {
        UV_COMPILE_BYTECODE: "1",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const files = listTree(target);
    const sources = files.filter((f) => f.endsWith(".py"));
    expect(sources.length).toBe(6);
    for (const py of sources) {
      expect(files).toContain(pycOf(py));
      const pyc = readFileSync(join(target, pycOf(py)));
      expect(pyc.subarray(0, 8).toString("hex")).toBe("f30d0d0a03000000");
      expect(pyc.includes(Buffer.from(join(target, py)))).toBe(true);
    }
    if (!python313) return console.warn("python3.13 is not installed: the installed pycs are not imported");
    const report = checkWithNative(
      python313,
      target,
      sources.map((s) => ({ source: s, path: pycOf(s) })),
      `${target}/`,
      ["beta_utils", "gamma_pkg.sub.mod"],
    );
    expect(report.errors).toEqual([]);
  }, 180_000);

  it("--no-compile-bytecode wins over UV_COMPILE_BYTECODE; timestamp pycs are refused", async () => {
    const target = join(tempDir("tspack-bytecode-install-"), "packages");
    const off = await cli(
      ["install", demoDir, "--target", target, "--cache-dir", cache, "--offline", "--no-compile-bytecode"],
      {
        UV_COMPILE_BYTECODE: "1",
      },
    );
    expect(off.status).toBe(0);
    expect(listTree(target).some((f) => f.includes("__pycache__"))).toBe(false);
    const ts = await cli([
      "install",
      demoDir,
      "--target",
      target,
      "--compile-bytecode",
      "--invalidation-mode",
      "timestamp",
    ]);
    expect(ts.status).toBe(2);
    expect(ts.stderr).toContain('--invalidation-mode "timestamp" is not an invalidation mode tspack writes');
    expect(existsSync(join(target, "alpha"))).toBe(true);
    expect(readdirSync(target).length).toBeGreaterThan(0);
  });
});
