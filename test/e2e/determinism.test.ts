/**
 * Byte-identical artifacts: the same project and lock give the same bytes whatever the cache state,
 * download concurrency, file-system order, time zone, umask or build count, and the bytes are pinned
 * (golden sha256 / CodeSha256), so the Node 20 and Node 24 runs of the suite assert the same values.
 */
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  type DemoProject,
  demoProject,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  sha256File,
  tempDir,
  type WriteOrder,
  writeTree,
} from "./helpers/project.js";

/**
 * The pinned identity of the demo project's artifacts. The inputs are pinned too: wheels deflated by
 * fflate (not node:zlib), fixed app code, the default 1980-01-01 timestamp. A change here means the
 * bytes tspack writes changed: only update it on purpose (and say why in the commit).
 */
const GOLDEN = {
  wheels: {
    "alpha-1.0.0-py3-none-any.whl": "c1def64348baa4bc98230d21c2581150a4fc59b996b137683d618d1b142dd86c",
    "beta_utils-2.1.0-py3-none-any.whl": "7e610b5b6247747638897202e9c16a1feed026c9c1c23d4d5143277ea042348e",
    "Gamma_Pkg-0.3-py3-none-any.whl": "6d82522e3e96805c6c2c5f7994d3e461b5294f820c76ea8b65baf73b044fa056",
  },
  zip: {
    sha256: "585e324d9900c7b1ddd4ec9cb22d53a2f9c25ad8d4df6a5ae1539d43eb5613dc",
    codeSha256: "WF4yTZkAx7Hd1Oycsi1TovnCWtjU32pa4VOdQ+tWE9w=",
  },
  layer: {
    layer: "5806adcb084c4288f16b882fc9fe2e99559e3156023fd94ff44a5e2d2816e33e",
    function: "6e592331c81502e656ebae24988b96f2028a6482e79c4a62a5dcd79221c0a79d",
  },
  dir: {
    // With bytecode since issue 15 (on by default for dir): checked-hash pycs compiled by the pinned Pyodide
    // 0.29.5 (CPython 3.13.2); a new Pyodide pin changes this digest. Without pycs it was 85c1f4d0…effec7a.
    task: "727cbc409b69c2f6c28e44d9b2b1b89ad2c48c73005b025de467c8a36edab9be",
    dockerfile: "cf45639611310ef15337b26e8e1ea610929b9c9e8d45e61e97db77fc65087669",
  },
};

/** Everything a build wrote that must be reproducible: file sha256s, build.json, and (dir) the tree with modes. */
interface Fingerprint {
  files: Record<string, string>;
}

function fingerprint(outDir: string): Fingerprint {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    const abs = join(outDir, rel);
    for (const name of readdirSync(abs).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = statSync(join(outDir, r));
      if (st.isDirectory()) walk(r);
      else files[r] = `${(st.mode & 0o777).toString(8)} ${sha256File(join(outDir, r))}`;
    }
  };
  walk("");
  return { files };
}

/** Only the contents (zip file permissions on disk follow the umask, like any file tspack writes). */
function contents(fp: Fingerprint, withModes: (path: string) => boolean): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fp.files).map(([p, v]) => [p, withModes(p) ? v : v.split(" ")[1]!] as [string, string]),
  );
}

const isTaskFile = (p: string): boolean => p.startsWith("task/");

let server: RunningIndexServer;
let demo: DemoProject;

beforeAll(async () => {
  requireBuiltCli();
  demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

/** A fresh copy of the demo project, written in `order`. */
function project(order: WriteOrder = "sorted"): string {
  const dir = tempDir("tspack-det-");
  writeTree(dir, demo.files, order);
  return dir;
}

type Layout = "zip" | "layer" | "dir";

async function build(
  dir: string,
  opts: {
    layout?: Layout;
    cache?: string;
    out?: string;
    extra?: string[];
    env?: Record<string, string>;
    umask?: string;
  } = {},
): Promise<{ out: string; fp: Fingerprint; stdout: string }> {
  const out = opts.out ?? join(tempDir("tspack-det-out-"), "out");
  const args = [
    "build",
    dir,
    "--layout",
    opts.layout ?? "zip",
    "--out",
    out,
    "--cache-dir",
    opts.cache ?? tempDir("tspack-det-cache-"),
    "--mirror",
    mirrorArg(server.url),
    ...(opts.extra ?? []),
  ];
  const r = await runCliAsync(args, {
    env: { SOURCE_DATE_EPOCH: undefined, TSPACK_CACHE_DIR: undefined, TSPACK_CONCURRENCY: undefined, ...opts.env },
    ...(opts.umask === undefined ? {} : { umask: opts.umask }),
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { out, fp: fingerprint(out), stdout: r.stdout };
}

describe("demo project: golden hashes and byte-identical rebuilds", () => {
  let baseline: Record<Layout, Fingerprint>;
  let baselineOut: Record<Layout, string>;
  let zipStdout: string;
  let sharedCache: string;

  beforeAll(async () => {
    sharedCache = tempDir("tspack-det-shared-");
    const dir = project();
    // Cold cache, one download at a time; then the other layouts from the warm cache.
    const zip = await build(dir, { cache: sharedCache, extra: ["--concurrency", "1"] });
    const [layer, d] = await Promise.all([
      build(dir, { cache: sharedCache, layout: "layer" }),
      build(dir, { cache: sharedCache, layout: "dir" }),
    ]);
    baseline = { zip: zip.fp, layer: layer.fp, dir: d.fp };
    baselineOut = { zip: zip.out, layer: layer.out, dir: d.out };
    zipStdout = zip.stdout;
  });

  it("the generated input wheels are the pinned ones (fflate-deflated, independent of node:zlib)", () => {
    expect(Object.fromEntries(demo.wheels.map((w) => [w.filename, w.sha256]))).toEqual(GOLDEN.wheels);
  });

  it("golden zip: function.zip sha256 and CodeSha256 (file, build.json and the CLI table agree)", () => {
    const out = baselineOut.zip;
    expect(Object.keys(baseline.zip.files)).toEqual(["build.json", "function.zip"]);
    expect(sha256File(join(out, "function.zip"))).toBe(GOLDEN.zip.sha256);
    const manifest = JSON.parse(readFileSync(join(out, "build.json"), "utf8"));
    expect(manifest.artifacts).toEqual([
      expect.objectContaining({
        kind: "function",
        path: "function.zip",
        sha256: GOLDEN.zip.sha256,
        codeSha256: GOLDEN.zip.codeSha256,
      }),
    ]);
    expect(Buffer.from(GOLDEN.zip.sha256, "hex").toString("base64")).toBe(GOLDEN.zip.codeSha256);
    expect(zipStdout).toContain(GOLDEN.zip.codeSha256);
  });

  it("golden layer: layer.zip and function.zip", () => {
    const out = baselineOut.layer;
    expect(Object.keys(baseline.layer.files)).toEqual(["build.json", "function.zip", "layer.zip"]);
    expect(sha256File(join(out, "layer.zip"))).toBe(GOLDEN.layer.layer);
    expect(sha256File(join(out, "function.zip"))).toBe(GOLDEN.layer.function);
  });

  it("golden dir: the task tree digest and the Dockerfile", () => {
    const out = baselineOut.dir;
    const manifest = JSON.parse(readFileSync(join(out, "build.json"), "utf8"));
    const byKind = Object.fromEntries(
      manifest.artifacts.map((a: { kind: string; sha256: string }) => [a.kind, a.sha256]),
    );
    expect(byKind).toEqual({ "task-root": GOLDEN.dir.task, dockerfile: GOLDEN.dir.dockerfile });
    expect(sha256File(join(out, "Dockerfile"))).toBe(GOLDEN.dir.dockerfile);
  });

  it("TSPACK_MEMO=0 (the warm seam off): the golden bytes of every layout; the cache holds only the wheels", async () => {
    const dir = project();
    const cache = tempDir("tspack-det-nomemo-");
    for (const layout of ["zip", "layer", "dir"] as const) {
      const off = await build(dir, { cache, layout, env: { TSPACK_MEMO: "0" } });
      expect(off.fp, layout).toEqual(baseline[layout]);
    }
    expect(
      readdirSync(cache)
        .filter((n) => n !== "tmp")
        .sort(),
    ).toEqual([".gitignore", "CACHEDIR.TAG", "TSPACK-CACHE", "wheels-v1"]);
  });

  it("cold vs warm cache, and two builds in a row into the same folder", async () => {
    const dir = project();
    const requestsBefore = server.totalRequests();
    const out = join(tempDir("tspack-det-out-"), "out");
    const first = await build(dir, { cache: sharedCache, out });
    const second = await build(dir, { cache: sharedCache, out });
    expect(server.totalRequests()).toBe(requestsBefore); // warm: no downloads
    expect(first.fp).toEqual(baseline.zip);
    expect(second.fp).toEqual(baseline.zip);
  });

  it("--concurrency 50 (cold cache) vs the --concurrency 1 baseline", async () => {
    const c50 = await build(project(), { extra: ["--concurrency", "50"] });
    expect(c50.fp).toEqual(baseline.zip);
  });

  it("project files and directories created in reversed / shuffled order", async () => {
    const [reversed, shuffled] = await Promise.all([
      build(project("reversed"), { cache: sharedCache }),
      build(project("shuffled"), { cache: sharedCache, layout: "dir" }),
    ]);
    expect(reversed.fp).toEqual(baseline.zip);
    expect(shuffled.fp).toEqual(baseline.dir);
  });

  it("SOURCE_DATE_EPOCH sets the entry times in UTC: the same bytes in every time zone", async () => {
    const dir = project();
    const env = { SOURCE_DATE_EPOCH: "1700000000" }; // 2023-11-14 22:13:20 UTC
    const [utc, kathmandu] = await Promise.all([
      build(dir, { cache: sharedCache, env: { ...env, TZ: "UTC" } }),
      build(dir, { cache: sharedCache, env: { ...env, TZ: "Asia/Kathmandu" } }),
    ]);
    expect(kathmandu.fp).toEqual(utc.fp);
    expect(utc.fp.files["function.zip"]).not.toEqual(baseline.zip.files["function.zip"]);
    const bytes = readFileSync(join(utc.out, "function.zip"));
    expect(bytes.readUInt16LE(10)).toBe((22 << 11) | (13 << 5) | (20 >> 1)); // first local header: time
    expect(bytes.readUInt16LE(12)).toBe(((2023 - 1980) << 9) | (11 << 5) | 14); // date
  });

  it("SOURCE_DATE_EPOCH before 1980 (e.g. 0) counts as 1980-01-01: the default bytes", async () => {
    const zero = await build(project(), { cache: sharedCache, env: { SOURCE_DATE_EPOCH: "0" } });
    expect(zero.fp.files["function.zip"]).toEqual(baseline.zip.files["function.zip"]);
  });

  it("TZ=Asia/Kathmandu, umask 077, owner-only project files, cold cache: same bytes, same modes inside", async () => {
    const dir = project("shuffled");
    // A checkout made under umask 077: owner-only permissions everywhere.
    const lockDown = (rel: string): void => {
      for (const name of readdirSync(join(dir, rel))) {
        const p = join(dir, rel, name);
        if (statSync(p).isDirectory()) {
          chmodSync(p, 0o700);
          lockDown(join(rel, name));
        } else chmodSync(p, 0o600);
      }
    };
    lockDown("");
    const env = { TZ: "Asia/Kathmandu" };
    const cache = tempDir("tspack-det-077-");
    const zip = await build(dir, { layout: "zip", cache, env, umask: "077" });
    const rest = await Promise.all(
      (["layer", "dir"] as const).map((layout) => build(dir, { layout, cache, env, umask: "077" })),
    );
    // Zips and build.json: same bytes (their own permission bits follow the umask, like `zip` does).
    // The dir layout: same modes for every task-root file (tspack sets them explicitly).
    expect(contents(zip.fp, isTaskFile)).toEqual(contents(baseline.zip, isTaskFile));
    expect(contents(rest[0]!.fp, isTaskFile)).toEqual(contents(baseline.layer, isTaskFile));
    expect(contents(rest[1]!.fp, isTaskFile)).toEqual(contents(baseline.dir, isTaskFile));
    expect(Object.keys(rest[1]!.fp.files)).toContain("task/app/main.py");
  });
});
