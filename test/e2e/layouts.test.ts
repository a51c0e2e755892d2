/**
 * What each layout puts where: the function zip (dependencies at the root + app/), the layer zip
 * (python/lib/python3.13/site-packages/ only) with its code-only function zip, and the `dir` task root
 * with its Dockerfile. Every zip is checked by two independent readers: Info-ZIP `unzip -t` and
 * Python's zipfile.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  demoProject,
  listTree,
  mirrorArg,
  NO_PYTHON,
  NO_UNZIP,
  pythonZipInfo,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  unzipTest,
  writeTree,
  zipNames,
} from "./helpers/project.js";

/** The demo's dependency files as installed with `--target` (pip/uv: RECORD rewritten, no INSTALLER). */
const DEP_FILES = [
  "Gamma_Pkg-0.3.dist-info/METADATA",
  "Gamma_Pkg-0.3.dist-info/RECORD",
  "Gamma_Pkg-0.3.dist-info/WHEEL",
  "alpha-1.0.0.dist-info/METADATA",
  "alpha-1.0.0.dist-info/RECORD",
  "alpha-1.0.0.dist-info/WHEEL",
  "alpha/__init__.py",
  "alpha/core.py",
  "alpha/data/table.txt",
  "beta_utils-2.1.0.dist-info/METADATA",
  "beta_utils-2.1.0.dist-info/RECORD",
  "beta_utils-2.1.0.dist-info/WHEEL",
  "beta_utils/__init__.py",
  "gamma_pkg/__init__.py",
  "gamma_pkg/sub/__init__.py",
  "gamma_pkg/sub/mod.py",
];
/** The project's own code: app/ only (README.md, tests/, pyproject.toml and uv.lock stay out). */
const APP_FILES = ["app/__init__.py", "app/main.py", "app/util/__init__.py", "app/util/helpers.py"];
const byteSort = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

let server: RunningIndexServer;
const out: Record<"zip" | "layer" | "dir", string> = { zip: "", layer: "", dir: "" };

beforeAll(async () => {
  requireBuiltCli();
  const demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  const dir = tempDir("tspack-layout-");
  writeTree(dir, demo.files);
  const cache = tempDir("tspack-layout-cache-");
  const base = ["--cache-dir", cache, "--mirror", mirrorArg(server.url), "-q"];
  // The first build fills the cache; the other two run side by side from it.
  out.zip = join(dir, "dist", "lambda");
  const first = await runCliAsync(["build", dir, ...base]);
  expect(first.stderr).toBe("");
  expect(first.status).toBe(0);
  out.layer = join(dir, "out-layer");
  out.dir = join(dir, "out-dir");
  const rest = await Promise.all([
    runCliAsync(["build", dir, "--layout", "layer", "--out", out.layer, ...base]),
    runCliAsync(["build", dir, "--layout", "dir", "--out", out.dir, ...base]),
  ]);
  for (const r of rest) expect([r.status, r.stderr]).toEqual([0, ""]);
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("zip layout", () => {
  it("function.zip: dependencies at the root plus app/, sorted, nothing else", () => {
    const names = zipNames(join(out.zip, "function.zip"));
    expect(names).toEqual([...DEP_FILES, ...APP_FILES].sort(byteSort));
  });

  it("the default output folder is dist/lambda with function.zip and build.json only", () => {
    expect(listTree(out.zip)).toEqual(["build.json", "function.zip"]);
  });
});

describe("layer layout", () => {
  it("layer.zip holds python/lib/python3.13/site-packages/... only", () => {
    const names = zipNames(join(out.layer, "layer.zip"));
    const prefix = "python/lib/python3.13/site-packages/";
    expect(names.filter((n) => !n.startsWith(prefix))).toEqual([]);
    expect(names.map((n) => n.slice(prefix.length))).toEqual([...DEP_FILES].sort(byteSort));
  });

  it("function.zip holds the project's code only", () => {
    expect(zipNames(join(out.layer, "function.zip"))).toEqual(APP_FILES);
  });
});

describe("dir layout", () => {
  it("task/ is the function zip unpacked plus a pyc per module (bytecode is on for dir); Dockerfile and build.json next to it", () => {
    const files = [...DEP_FILES, ...APP_FILES];
    const pycs = files
      .filter((p) => p.endsWith(".py"))
      .map((p) => p.replace(/([^/]+)\.py$/, "__pycache__/$1.cpython-313.pyc"));
    expect(listTree(out.dir)).toEqual(
      ["Dockerfile", "build.json", ...[...files, ...pycs].map((p) => `task/${p}`)].sort(),
    );
    expect(readFileSync(join(out.dir, "task", "alpha", "data", "table.txt"), "utf8")).toBe("a,b,c\n1,2,3\n");
    expect(statSync(join(out.dir, "task", "app", "main.py")).mode & 0o777).toBe(0o644);
  });

  it("every file and directory of task/ has the fixed 1980-01-01 mtime (a COPY gives the same image layer)", () => {
    const stamps = new Set<number>();
    const walk = (d: string): void => {
      stamps.add(statSync(d).mtimeMs);
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else stamps.add(statSync(p).mtimeMs);
      }
    };
    walk(join(out.dir, "task"));
    expect([...stamps]).toEqual([315_532_800_000]);
  });

  it("the Dockerfile copies task/ into the Lambda base image of the runtime and names the handler", () => {
    expect(readFileSync(join(out.dir, "Dockerfile"), "utf8")).toBe(
      [
        "# Generated by tspack for the `dir` layout. The task root already holds the dependencies and the",
        "# project code, so the image needs neither pip nor uv. Build with:",
        "#   docker build --platform linux/amd64 -t my-function .",
        "FROM public.ecr.aws/lambda/python:3.13",
        "",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a template
        "COPY task ${LAMBDA_TASK_ROOT}",
        "",
        'CMD [ "app.main.handler" ]',
        "",
      ].join("\n"),
    );
  });
});

describe("every zip passes independent readers", () => {
  const zips = (): string[] => [
    join(out.zip, "function.zip"),
    join(out.layer, "layer.zip"),
    join(out.layer, "function.zip"),
  ];

  it.skipIf(NO_UNZIP !== undefined)(`unzip -t (Info-ZIP)${NO_UNZIP ? ` — skipped: ${NO_UNZIP}` : ""}`, () => {
    for (const z of zips()) {
      const r = unzipTest(z);
      expect(r.ok, r.output).toBe(true);
    }
  });

  it.skipIf(NO_PYTHON !== undefined)(
    `Python zipfile testzip() and Unix modes${NO_PYTHON ? ` — skipped: ${NO_PYTHON}` : ""}`,
    () => {
      for (const z of zips()) {
        const info = pythonZipInfo(z);
        expect(info.bad).toBeNull();
        expect(info.members.length).toBeGreaterThan(0);
        // Regular files, rw-r--r-- (no executables in the demo; directories are implicit).
        expect(info.members.filter(([, mode]) => mode !== 0o100644)).toEqual([]);
      }
    },
  );
});
