import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ONE_CALL_MAX_BYTES } from "@tspack/zip";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel, zeroStream } from "../../../test/helpers/make-wheel.js";
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
    const r = await build({ projectDir: member, lockPath: join(root, "uv.lock"), cacheDir: join(root, "..", "cache") });
    const names = Object.keys(unzipSync(readFileSync(join(member, "dist", "lambda", "function.zip")))).filter(
      (n) => !n.includes(".dist-info/"),
    );
    expect(names).toEqual(["api/__init__.py", "idna/__init__.py"]);
    expect(r.projectFiles).toBe(0);
  });
});

/** idna 3.10 with `idna/zeros.bin`: `size` zeros (deflated, never held in memory), with optional lies. */
function zerosIdna(size: number, lie: { crc32?: number; metadataSize?: number } = {}) {
  const z = zeroStream(size, { hash: true });
  return makeWheel({
    name: "idna",
    version: "3.10",
    files: { "idna/__init__.py": "x = 1\n" },
    rawEntries: [
      {
        name: "idna/zeros.bin",
        compressedData: z.compressed,
        crc32: lie.crc32 ?? z.crc32,
        uncompressedSize: size,
        record: { hash: z.recordHash!, size },
      },
    ],
  });
}

/** The task root's digest as the build computes it: sorted paths, each `path\0mode\0size\0` + bytes. */
function treeDigest(root: string): string {
  const files: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name), r);
      else files.push(r);
    }
  };
  walk(root, "");
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const h = createHash("sha256");
  for (const f of files) {
    const abs = join(root, f);
    const st = statSync(abs);
    h.update(`${f}\0${(st.mode & 0o777).toString(8)}\0${st.size}\0`);
    h.update(readFileSync(abs));
  }
  return h.digest("hex");
}

describe("build: sizes from the central directory, before inflating anything", () => {
  it("refuses a zip over Lambda's limit with TSPACK_SIZE_LIMIT before the CRC check and planning inflate anything", async () => {
    const { dir, cacheDir } = virtualAppProject("wheels", zerosIdna(300_000_000));
    for (const layout of ["zip", "layer"] as const) {
      const e = await errorOf(build({ projectDir: dir, cacheDir, layout }));
      expect(e.code).toBe("TSPACK_SIZE_LIMIT");
      expect(e.message.split("\n")[0]).toBe(
        `The function unzips to at least ${300_000_000 + 6 + 50 + 82 + 45} bytes (from the wheels' central directories, before inflating anything), over Lambda's 262144000-byte limit (function + layers). Largest packages:`,
      );
      expect(e.message).toContain("(project code)");
      // Nothing was inflated: no wheel was CRC-checked, no install plan made, nothing written.
      expect(existsSync(join(cacheDir, "checked-v2"))).toBe(false);
      expect(existsSync(join(cacheDir, "memo-v1", "install"))).toBe(false);
      expect(existsSync(join(dir, "dist")) ? readdirSync(join(dir, "dist")) : []).toEqual([]);
    }
  });

  it("refuses an oversized RECORD/METADATA from its declared size (TSPACK_WHEEL_INVALID), whatever the layout", async () => {
    const r = zeroStream(2 ** 30);
    const withRecord = makeWheel({
      name: "idna",
      version: "3.10",
      files: { "idna/__init__.py": "" },
      record: "none",
      rawEntries: [
        { name: "idna-3.10.dist-info/RECORD", compressedData: r.compressed, crc32: r.crc32, uncompressedSize: r.size },
      ],
    });
    const { dir, cacheDir } = virtualAppProject("wheels", withRecord);
    for (const layout of ["zip", "dir"] as const) {
      const e = await errorOf(build({ projectDir: dir, cacheDir, layout }));
      expect([e.code, e.message]).toEqual([
        "TSPACK_WHEEL_INVALID",
        'The wheel "idna-3.10-py3-none-any.whl" is invalid: "idna-3.10.dist-info/RECORD" is 1073741824 bytes, more than the 33554432 bytes tspack reads for a metadata file',
      ]);
      expect(existsSync(join(cacheDir, "checked-v2"))).toBe(false);
    }
  });

  it("--layout dir has no Lambda limit and streams an entry above 64 MiB to the task root (same digest)", async () => {
    const size = 263_000_000; // over Lambda's limit: fine for a container image
    const w = zerosIdna(size);
    const { dir, cacheDir } = virtualAppProject("wheels", w);
    // Marked as CRC-checked already (tested above): this test is about writing the tree.
    mkdirSync(join(cacheDir, "checked-v2", w.sha256.slice(0, 2)), { recursive: true });
    writeFileSync(join(cacheDir, "checked-v2", w.sha256.slice(0, 2), w.sha256), "");
    const r = await build({ projectDir: dir, cacheDir, layout: "dir" });
    const task = r.artifacts.find((a) => a.kind === "task-root")!;
    expect(statSync(join(task.path, "idna", "zeros.bin")).size).toBe(size);
    expect(task.sha256).toBe(treeDigest(task.path));
    expect(task.unzippedBytes).toBeGreaterThan(size);
  });

  it("--layout dir: a bad CRC in an entry above 64 MiB fails the build naming the wheel and the entry", async () => {
    const size = ONE_CALL_MAX_BYTES + 1;
    const crc = zeroStream(size).crc32.toString(16).padStart(8, "0");
    const { dir, cacheDir } = virtualAppProject("wheels", zerosIdna(size, { crc32: 7 }));
    const e = await errorOf(build({ projectDir: dir, cacheDir, layout: "dir" }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_ZIP_INVALID",
      `"idna-3.10-py3-none-any.whl": entry "idna/zeros.bin": CRC-32 is 0x${crc}, expected 0x00000007`,
    ]);
    expect(existsSync(join(dir, "dist")) ? readdirSync(join(dir, "dist")) : []).toEqual([]);
  });
});
