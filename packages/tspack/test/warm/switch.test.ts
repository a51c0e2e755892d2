/**
 * The warm seam's switch: every build scenario gives the same bytes with the memo on (cold, then warm)
 * and off (`memo: false`, and `TSPACK_MEMO=0` in the environment as the CLI reads it); with it off, the
 * cache gains nothing but downloaded wheels.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../../../../test/helpers/index-server.js";
import { makeWheel } from "../../../../test/helpers/make-wheel.js";
import { build } from "../../src/build.js";
import type { TspackEvent } from "../../src/events.js";
import type { BuildLayout } from "../../src/stages/types.js";
import { removeTemps, virtualAppProject, writeFiles } from "../fixtures/local-project.js";

afterAll(removeTemps);

/** Every file under `dir` (relative path → mode and sha256 of its bytes). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else
        out[relative(dir, p)] =
          `${(statSync(p).mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
    }
  };
  walk(dir);
  return out;
}

const tool = makeWheel({
  name: "tool",
  version: "1.0",
  files: { "tool/__init__.py": "y = 2\n", "tool/big.txt": "z".repeat(5000) },
  entryPoints: { console_scripts: { tool: "tool:main" } },
  data: { scripts: { "tool-run": "#!python\nprint(1)\n" } },
});

let server: RunningIndexServer;
beforeAll(async () => {
  server = await startIndexServer({ files: { [`/files/${tool.filename}`]: tool.bytes } });
});
afterAll(async () => {
  await server?.close();
});

/** The virtual app with idna (local wheel) and `tool` (downloaded), and a code file replacing idna's. */
function scenario(): { dir: string; cacheDir: string } {
  const p = virtualAppProject();
  const lock = readFileSync(join(p.dir, "uv.lock"), "utf8")
    .replace('    { name = "idna" },\n]', '    { name = "idna" },\n    { name = "tool" },\n]')
    .replace('requires-dist = [{ name = "idna" }]', 'requires-dist = [{ name = "idna" }, { name = "tool" }]');
  writeFiles(p.dir, {
    "uv.lock": `${lock}\n[[package]]\nname = "tool"\nversion = "1.0"\nsource = { registry = "${server.url}/simple" }\nwheels = [\n    { url = "${server.url}/files/${tool.filename}", hash = "sha256:${tool.sha256}", size = ${tool.bytes.length} },\n]\n`,
    "pyproject.toml": readFileSync(join(p.dir, "pyproject.toml"), "utf8").replace('["idna"]', '["idna", "tool"]'),
    "idna/__init__.py": "x = 2\n",
  });
  return p;
}

/** Relative paths of every file in the cache. */
function cacheFiles(cacheDir: string): string[] {
  return Object.keys(tree(cacheDir)).sort();
}

describe("the warm seam's switch", () => {
  it.each<[BuildLayout, Record<string, unknown>]>([
    ["zip", {}],
    ["layer", {}],
    ["dir", {}],
    ["zip", { installerMetadata: true, sourceDateEpoch: 1_700_000_000 }],
    ["layer", { sourceDateEpoch: 1_700_000_000 }],
  ])(
    "--layout %s %j: the same bytes cold, warm and with the memo off",
    async (layout, extra) => {
      const { dir, cacheDir } = scenario();
      const out = join(dir, "dist", "lambda");
      const on = { projectDir: dir, cacheDir, layout, ...extra };
      const cold = await build(on);
      const coldTree = tree(out);
      // The code file replacing idna's (and, for the layer, the left-out script) warn: warnings are replayed too.
      expect(cold.warnings.length).toBeGreaterThan(0);
      const events: TspackEvent[] = [];
      const warm = await build({ ...on, onEvent: (e) => events.push(e) });
      expect(tree(out)).toEqual(coldTree);
      expect(warm.warnings).toEqual(cold.warnings);
      if (layout !== "dir") expect(events.some((e) => e.type === "stage" && e.stage === "replay")).toBe(true);

      // memo: false, and TSPACK_MEMO=0 (what the CLI reads), each with a cache of its own.
      for (const off of [{ memo: false }, { env: { TSPACK_MEMO: "0" } }]) {
        const fresh = scenario();
        const offEvents: TspackEvent[] = [];
        const result = await build({
          projectDir: fresh.dir,
          cacheDir: fresh.cacheDir,
          layout,
          ...extra,
          ...off,
          onEvent: (e) => offEvents.push(e),
        });
        expect(tree(join(fresh.dir, "dist", "lambda"))).toEqual(coldTree);
        expect(result.warnings).toEqual(cold.warnings);
        expect({ ...result, outDir: "", manifestPath: "", timings: {}, fetch: {}, artifacts: [] }).toEqual({
          ...cold,
          outDir: "",
          manifestPath: "",
          timings: {},
          fetch: {},
          artifacts: [],
        });
        expect(offEvents.some((e) => e.type === "stage" && e.stage === "replay")).toBe(false);
      }
      // dir compiles bytecode by default: Pyodide loads for the cold build and for each memo-off build.
    },
    120_000,
  );

  it("with the memo off, the cache gains nothing but the downloaded wheels, build after build", async () => {
    const { dir, cacheDir } = scenario();
    await build({ projectDir: dir, cacheDir, memo: false });
    await build({ projectDir: dir, cacheDir, memo: false, layout: "layer" });
    await build({ projectDir: dir, cacheDir, env: { TSPACK_MEMO: "0" }, layout: "dir" });
    const files = cacheFiles(cacheDir);
    const wheels = files.filter((f) => f.startsWith("wheels-v1/"));
    expect(wheels).toEqual([`wheels-v1/sha256/${tool.sha256.slice(0, 2)}/${tool.sha256.slice(2)}`]);
    // Beside the wheel: only the cache's own marker files (ownership marker, CACHEDIR.TAG, .gitignore).
    expect(files.filter((f) => !f.startsWith("wheels-v1/"))).toEqual([".gitignore", "CACHEDIR.TAG", "TSPACK-CACHE"]);
    expect(
      readdirSync(cacheDir)
        .filter((n) => n !== "tmp")
        .sort(),
    ).toEqual([".gitignore", "CACHEDIR.TAG", "TSPACK-CACHE", "wheels-v1"]);
    // The same builds with the memo on fill the warm buckets.
    await build({ projectDir: dir, cacheDir });
    expect(readdirSync(cacheDir)).toEqual(expect.arrayContaining(["memo-v1", "checked-v2"]));
  });
});
