import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import {
  idna,
  localRegistryPackage,
  removeTemps,
  tempDir,
  virtualAppProject,
  writeFiles,
} from "./fixtures/local-project.js";

afterAll(removeTemps);

const errorOf = async (p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; hint?: string };
  }
  throw new Error("expected a rejection");
};

describe("build: the output folder", () => {
  it.each([
    ["the project folder itself", (dir: string) => dir, "is the project"],
    ["a folder that contains the project", (dir: string) => dirname(dir), 'contains the project "<dir>"'],
  ])("refuses %s as outDir and leaves the project untouched", async (_label, out, reason) => {
    const { dir, cacheDir } = virtualAppProject();
    const before = readdirSync(dir).sort();
    const e = await errorOf(build({ projectDir: dir, cacheDir, outDir: out(dir) }));
    expect(e.code).toBe("TSPACK_NOT_OWNED");
    expect(e.message).toBe(`The output folder "${out(dir)}" ${reason.replace("<dir>", dir)}`);
    expect(e.hint).toBe(
      "tspack replaces the output folder as a whole: choose a folder of its own, e.g. dist/lambda (the default)",
    );
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, "app", "main.py"), "utf8")).toContain("def handler");
  });

  it("refuses a non-empty folder that tspack did not write (no build.json), and keeps its files", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const out = join(dir, "notes");
    writeFiles(out, { "keep.txt": "mine\n" });
    const e = await errorOf(build({ projectDir: dir, cacheDir, outDir: out }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_NOT_OWNED",
      `The output folder "${out}" holds an entry tspack did not write: "keep.txt"`,
    ]);
    expect(readFileSync(join(out, "keep.txt"), "utf8")).toBe("mine\n");
  });

  it("refuses a folder with a build.json of its own (not a tspack build manifest), and keeps it", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const out = join(dir, "web");
    writeFiles(out, { "build.json": '{"android": {}}\n', "function.zip": "not ours" });
    const e = await errorOf(build({ projectDir: dir, cacheDir, outDir: out }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_NOT_OWNED",
      `The output folder "${out}" holds 2 entries tspack did not write: "build.json", "function.zip" (its build.json is not a tspack build manifest)`,
    ]);
    expect(readFileSync(join(out, "function.zip"), "utf8")).toBe("not ours");
  });

  it("replaces an empty folder and its own earlier output, and refuses it once a file of the user's is in it", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const out = join(dir, "dist", "lambda");
    mkdirSync(out, { recursive: true });
    await build({ projectDir: dir, cacheDir });
    expect(readdirSync(out).sort()).toEqual(["build.json", "function.zip"]);
    await build({ projectDir: dir, cacheDir });
    expect(readdirSync(out).sort()).toEqual(["build.json", "function.zip"]);
    writeFileSync(join(out, "notes.txt"), "mine");
    const e = await errorOf(build({ projectDir: dir, cacheDir }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_NOT_OWNED",
      `The output folder "${out}" holds an entry tspack did not write: "notes.txt"`,
    ]);
    expect(readdirSync(out).sort()).toEqual(["build.json", "function.zip", "notes.txt"]);
  });
});

describe("build: abort", () => {
  it("an aborted signal rejects with TSPACK_ABORTED even when every wheel is local, and writes nothing", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const controller = new AbortController();
    controller.abort();
    const e = await errorOf(build({ projectDir: dir, cacheDir, signal: controller.signal }));
    expect(e.code).toBe("TSPACK_ABORTED");
    expect(existsSync(join(dir, "dist"))).toBe(false);
  });

  it("an abort during the build (after the downloads) stops it and leaves no staging folder", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const controller = new AbortController();
    const e = await errorOf(
      build({
        projectDir: dir,
        cacheDir,
        signal: controller.signal,
        onEvent: (ev) => {
          if (ev.type === "stage" && ev.stage === "plan-install") controller.abort();
        },
      }),
    );
    expect(e.code).toBe("TSPACK_ABORTED");
    expect(readdirSync(join(dir, "dist"))).toEqual([]);
  });
});

describe("build: SOURCE_DATE_EPOCH", () => {
  it("a timestamp after 2107 is refused before any work, naming the option", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const e = await errorOf(build({ projectDir: dir, cacheDir, sourceDateEpoch: 4_354_819_200 }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_USAGE",
      'The sourceDateEpoch "4354819200" is out of range: zip timestamps end in 2107 (4354819199)',
    ]);
    expect(existsSync(join(dir, "dist"))).toBe(false);
    expect(existsSync(cacheDir)).toBe(false);
  });
});

describe("build: a workspace member with the workspace's lock", () => {
  it("builds the member (paths in the lock are relative to the lock's folder) with its local-registry deps", async () => {
    const root = join(tempDir(), "ws");
    writeFiles(root, {
      "pyproject.toml":
        '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["api"]\n\n[tool.uv.sources]\napi = { workspace = true }\n\n[tool.uv.workspace]\nmembers = ["packages/api"]\n',
      "uv.lock": [
        'version = 1\nrevision = 3\nrequires-python = ">=3.13"\n\n[manifest]\nmembers = [\n    "api",\n    "root",\n]\n',
        `[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { editable = "packages/api" }\ndependencies = [\n    { name = "idna" },\n]\n\n[package.metadata]\nrequires-dist = [{ name = "idna" }]\n`,
        localRegistryPackage(idna, "idna", "3.10", "wheels"),
        `[[package]]\nname = "root"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "api" },\n]\n\n[package.metadata]\nrequires-dist = [{ name = "api", editable = "packages/api" }]\n`,
      ].join("\n"),
      [`wheels/${idna.filename}`]: idna.bytes,
      "packages/api/pyproject.toml":
        '[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["idna"]\n\n[build-system]\nrequires = ["uv_build>=0.8,<0.9"]\nbuild-backend = "uv_build"\n',
      "packages/api/src/api/__init__.py": "def handler(event, context):\n    return 1\n",
    });
    const member = join(root, "packages", "api");
    const r = await build({ projectDir: member, lockPath: "../../uv.lock", cacheDir: join(root, "..", "cache") });
    const names = Object.keys(unzipSync(readFileSync(join(member, "dist", "lambda", "function.zip")))).filter(
      (n) => !n.includes(".dist-info/"),
    );
    expect(names).toEqual(["api/__init__.py", "idna/__init__.py"]);
    expect(r.projectFiles).toBe(0);
  });
});
