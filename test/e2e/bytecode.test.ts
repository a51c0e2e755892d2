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
  zipNames,
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

/** build.json's artifacts by kind. */
const manifestOf = (out: string) =>
  JSON.parse(readFileSync(join(out, "build.json"), "utf8")) as {
    artifacts: Array<{ kind: string; sha256: string; files: number }>;
    packages: Array<{ name: string; files: number }>;
  };

describe("tspack build with bytecode (built CLI, Pyodide)", () => {
  let buildCache: string;
  let project: string;
  beforeAll(() => {
    buildCache = join(tempDir("tspack-bytecode-build-cache-"), "cache");
    project = tempDir("tspack-bytecode-project-");
    writeTree(project, { ...demo.files, "app/legacy.py": 'print "python 2"\n' });
  });
  const build = (out: string, ...more: string[]) =>
    cli(["build", project, "--out", out, "--cache-dir", buildCache, "--mirror", mirrorArg(server.url), "-v", ...more]);

  it("--layout dir compiles by default: a checked-hash pyc per module, /var/task names; a warm build compiles nothing", async () => {
    const out = join(tempDir("tspack-bytecode-dir-"), "out");
    const cold = await build(out, "--layout", "dir");
    expect(cold.status, cold.stderr).toBe(0);
    expect(cold.stderr).toContain("note: app/legacy.py ships as source only (no .pyc): SyntaxError");
    expect(cold.stderr).toMatch(/Bytecode: 10 \.pyc \(11 compiled, 0 from the cache\), 1 source only/);
    const task = join(out, "task");
    const files = listTree(task);
    const sources = files.filter((f) => f.endsWith(".py") && f !== "app/legacy.py");
    expect(sources.length).toBe(10);
    for (const py of sources) {
      const pyc = readFileSync(join(task, pycOf(py)));
      expect(pyc.subarray(0, 8).toString("hex")).toBe("f30d0d0a03000000");
      expect(pyc.includes(Buffer.from(`/var/task/${py}`))).toBe(true);
    }
    expect(files).not.toContain(pycOf("app/legacy.py"));
    const first = manifestOf(out).artifacts.find((a) => a.kind === "task-root")!.sha256;

    const warm = await build(out, "--layout", "dir", "--offline");
    expect(warm.status, warm.stderr).toBe(0);
    expect(warm.stderr).toMatch(/Bytecode: 10 \.pyc \(0 compiled, 11 from the cache\), 1 source only/);
    expect(manifestOf(out).artifacts.find((a) => a.kind === "task-root")!.sha256).toBe(first);

    if (!python313) return console.warn("python3.13 is not installed: the task root's pycs are not imported");
    const report = checkWithNative(
      python313,
      task,
      sources.map((s) => ({ source: s, path: pycOf(s) })),
      "/var/task/",
      ["app.main", "app.util.helpers"],
    );
    expect(report.errors).toEqual([]);
  }, 240_000);

  it("--no-compile-bytecode turns the dir default off; zip with --compile-bytecode, unchecked-hash; pycs counted per package", async () => {
    const out = join(tempDir("tspack-bytecode-off-"), "out");
    const off = await build(out, "--layout", "dir", "--offline", "--no-compile-bytecode");
    expect(off.status, off.stderr).toBe(0);
    expect(listTree(join(out, "task")).some((f) => f.includes("__pycache__"))).toBe(false);
    const zipOut = join(tempDir("tspack-bytecode-zip-"), "out");
    const zip = await build(zipOut, "--offline", "--compile-bytecode", "--invalidation-mode", "unchecked-hash");
    expect(zip.status, zip.stderr).toBe(0);
    expect(zip.stderr).toMatch(/Bytecode: 10 \.pyc \(11 compiled, 0 from the cache\)/); // another mode: other pycs
    const names = zipNames(join(zipOut, "function.zip"));
    expect(names).toContain("alpha/__pycache__/core.cpython-313.pyc");
    expect(names).toContain("app/__pycache__/main.cpython-313.pyc");
    // The size planner counts the pycs: alpha's files are its 3 files + RECORD & co. + 2 pycs.
    const alpha = manifestOf(zipOut).packages.find((p) => p.name === "alpha")!;
    expect(names.filter((n) => n.startsWith("alpha")).length).toBe(alpha.files);
  }, 240_000);

  it("--layout layer --bytecode-only: mod.pyc instead of mod.py, with /opt/python/... names", async () => {
    const out = join(tempDir("tspack-bytecode-layer-"), "out");
    const r = await build(out, "--offline", "--layout", "layer", "--bytecode-only");
    expect(r.status, r.stderr).toBe(0);
    const layer = zipNames(join(out, "layer.zip"));
    const site = "python/lib/python3.13/site-packages/";
    expect(layer).toContain(`${site}alpha/core.pyc`);
    expect(layer).not.toContain(`${site}alpha/core.py`);
    expect(layer.some((n) => n.includes("__pycache__"))).toBe(false);
    const fn = zipNames(join(out, "function.zip"));
    expect(fn).toContain("app/main.pyc");
    expect(fn).toContain("app/legacy.py"); // it does not compile: its source stays
  }, 240_000);
});
