import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { encodeMemoEntry, MEMO_BUCKET } from "@tspack/cache";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { build } from "../src/build.js";
import type { TspackEvent } from "../src/events.js";
import { memoKey, readMemo, writeMemo } from "../src/memo.js";
import { plan } from "../src/plan.js";
import { readProject } from "../src/read-project.js";
import { planMemoized } from "../src/warm/plan-memo.js";
import { loadWheel, planWheels, wheelFromBytes } from "../src/wheels.js";
import {
  APP_PYPROJECT,
  removeTemps,
  tempDir,
  virtualAppLock,
  virtualAppProject,
  writeFiles,
} from "./fixtures/local-project.js";

afterAll(removeTemps);

/** Every memo file of a kind in a cache. */
function memoFiles(cacheDir: string, kind: string): string[] {
  const root = join(cacheDir, MEMO_BUCKET, kind);
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((fan) => readdirSync(join(root, fan)).map((f) => join(root, fan, f)));
}

/** A recipe entry's JSON and literals (the store's header is 40 bytes; then a 4-byte JSON length). */
function readRecipeEntry(file: string): { json: { zips: Array<{ segments: number[] }> }; literals: Buffer } {
  const payload = readFileSync(file).subarray(40);
  const n = payload.readUInt32BE(0);
  return { json: JSON.parse(payload.toString("utf8", 4, 4 + n)), literals: payload.subarray(4 + n) };
}

/** Rewrites a recipe entry with a valid digest (as a cache whose wheels changed under the same hashes). */
function writeRecipeEntry(file: string, json: unknown, literals: Buffer): void {
  const body = Buffer.from(JSON.stringify(json));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  writeFileSync(file, encodeMemoEntry("zip", basename(file), Buffer.concat([head, body, literals])));
}

describe("memoKey / readMemo / writeMemo", () => {
  it("keys differ by kind, by any part, and by where parts are split", () => {
    const base = memoKey("plan", ["a", "b"]);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(memoKey("plan", ["a", "b"])).toBe(base);
    expect(memoKey("install", ["a", "b"])).not.toBe(base);
    expect(memoKey("plan", ["a", "c"])).not.toBe(base);
    expect(memoKey("plan", ["ab", ""])).not.toBe(memoKey("plan", ["a", "b"]));
    expect(memoKey("plan", [undefined])).not.toBe(memoKey("plan", [""]));
    expect(memoKey("plan", [new Uint8Array([1])])).not.toBe(memoKey("plan", ["\u0001"]));
  });

  it("round-trips JSON; a missing, corrupt or foreign entry is a miss", async () => {
    const cacheDir = tempDir();
    const key = memoKey("plan", ["x"]);
    expect(await readMemo(cacheDir, "plan", key)).toBeUndefined();
    await writeMemo(cacheDir, "plan", key, { a: [1, "two"] });
    expect(await readMemo(cacheDir, "plan", key)).toEqual({ a: [1, "two"] });
    const [file] = memoFiles(cacheDir, "plan");
    expect(file).toBe(join(cacheDir, MEMO_BUCKET, "plan", key.slice(0, 2), key));
    // Owner only: the file and every folder tspack made for it.
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    for (const d of [MEMO_BUCKET, `${MEMO_BUCKET}/plan`, `${MEMO_BUCKET}/plan/${key.slice(0, 2)}`])
      expect(statSync(join(cacheDir, d)).mode & 0o777).toBe(0o700);
    writeFileSync(file!, "{not json");
    expect(await readMemo(cacheDir, "plan", key)).toBeUndefined();
    // An entry stored under another key (copied or renamed by hand) is not trusted.
    const other = memoKey("plan", ["y"]);
    await writeMemo(cacheDir, "plan", other, 1);
    writeFileSync(file!, readFileSync(join(cacheDir, MEMO_BUCKET, "plan", other.slice(0, 2), other)));
    expect(await readMemo(cacheDir, "plan", key)).toBeUndefined();
  });

  it("a cache that cannot be written only loses the memo", async () => {
    const cacheDir = join(tempDir(), "file");
    writeFileSync(cacheDir, "a file where the cache folder should be");
    await expect(writeMemo(cacheDir, "plan", memoKey("plan", []), 1)).resolves.toBeUndefined();
  });
});

describe("planMemoized", () => {
  it("a hit returns what planning returns, and parses the lock only when asked", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const fresh = await plan({ projectDir: dir });
    const miss = await planMemoized({ projectDir: dir }, cacheDir);
    expect(memoFiles(cacheDir, "plan")).toHaveLength(1);
    const events: string[] = [];
    const hit = await planMemoized({ projectDir: dir, onEvent: (e) => events.push(e.type) }, cacheDir);
    for (const r of [miss, hit]) {
      expect(r.plan).toEqual(fresh.plan);
      expect(r.target).toEqual(fresh.target);
      expect(r.project.projectInfo).toEqual(fresh.project.projectInfo);
      expect(r.project.pyproject).toEqual(fresh.project.pyproject);
    }
    expect(events).toEqual(["plan:done"]);
    // Lazy, but there: the lock and the selection equal a fresh read.
    expect(Object.getOwnPropertyDescriptor(hit.project, "lock")?.get).toBeTypeOf("function");
    expect(hit.project.lock).toEqual((await readProject({ projectDir: dir })).lock);
    expect(hit.selection.packages.map((p) => p.name)).toEqual(fresh.selection.packages.map((p) => p.name));
  });

  it("any change of the lock, pyproject.toml, target or selection is a new plan", async () => {
    const { dir, cacheDir } = virtualAppProject();
    await planMemoized({ projectDir: dir }, cacheDir);
    await planMemoized({ projectDir: dir, target: { arch: "aarch64" } }, cacheDir);
    await planMemoized({ projectDir: dir, selection: { noDev: true, extras: [] } }, cacheDir);
    expect(memoFiles(cacheDir, "plan")).toHaveLength(3);
    const pyproject = join(dir, "pyproject.toml");
    writeFileSync(pyproject, `${readFileSync(pyproject, "utf8")}\n[tool.tspack]\narch = "arm64"\n`);
    const r = await planMemoized({ projectDir: dir }, cacheDir);
    expect(r.target.arch).toBe("aarch64");
    expect(memoFiles(cacheDir, "plan")).toHaveLength(4);
    const lock = join(dir, "uv.lock");
    writeFileSync(lock, `${readFileSync(lock, "utf8")}\n`);
    await planMemoized({ projectDir: dir }, cacheDir);
    expect(memoFiles(cacheDir, "plan")).toHaveLength(5);
  });

  it("errors are not memoized: a broken lock fails every time", async () => {
    const { dir, cacheDir } = virtualAppProject();
    writeFileSync(join(dir, "uv.lock"), "version = [");
    for (let i = 0; i < 2; i++) {
      await expect(planMemoized({ projectDir: dir }, cacheDir)).rejects.toMatchObject({ code: "TSPACK_TOML_SYNTAX" });
    }
    expect(memoFiles(cacheDir, "plan")).toEqual([]);
  });
});

describe("planMemoized and credentials in URLs", () => {
  /** A project whose lock names its wheel by a URL with credentials; `index` is the pyproject's index URL. */
  function secretProject(
    index: string,
    wheelUrl = "https://lockuser:lockpass@files.example/f/idna-3.10-py3-none-any.whl",
  ) {
    const root = tempDir();
    const dir = join(root, "project");
    const lock = virtualAppLock("wheels")
      .replace('source = { registry = "wheels" }', 'source = { registry = "https://files.example/simple" }')
      .replace(/\{ path = "[^"]+", hash/, `{ url = "${wheelUrl}", hash`);
    writeFiles(dir, {
      "pyproject.toml": `${APP_PYPROJECT}\n[[tool.uv.index]]\nname = "corp"\nurl = "${index}"\n`,
      "uv.lock": lock,
    });
    return { dir, cacheDir: join(root, "cache") };
  }

  it("stores URLs redacted and puts the credentials back on a hit", async () => {
    const { dir, cacheDir } = secretProject("https://idxuser:idxpass@files.example/simple");
    const fresh = await plan({ projectDir: dir });
    expect(fresh.plan.packages.find((p) => p.name === "idna")?.wheel?.url).toContain("lockuser:lockpass@");
    await planMemoized({ projectDir: dir }, cacheDir);
    const [file] = memoFiles(cacheDir, "plan");
    const stored = readFileSync(file!, "utf8");
    for (const secret of ["lockuser", "lockpass", "idxuser", "idxpass"]) expect(stored).not.toContain(secret);
    expect(stored).toContain("https://****@files.example/f/idna-3.10-py3-none-any.whl");
    const hit = await planMemoized({ projectDir: dir }, cacheDir);
    expect(hit.plan).toEqual(fresh.plan);
    expect(hit.project.pyproject).toEqual(fresh.project.pyproject);
    expect(hit.project.pyproject?.uv.indexes?.[0]?.url).toBe("https://idxuser:idxpass@files.example/simple");
  });

  it("a plan whose URLs differ only in their credentials is not memoized (they could not be put back)", async () => {
    const same = "files.example/f/idna-3.10-py3-none-any.whl";
    const { dir, cacheDir } = secretProject(`https://other:creds@${same}`, `https://lockuser:lockpass@${same}`);
    const first = await planMemoized({ projectDir: dir }, cacheDir);
    expect(memoFiles(cacheDir, "plan")).toEqual([]);
    expect(first.plan.packages.find((p) => p.name === "idna")?.wheel?.url).toBe(`https://lockuser:lockpass@${same}`);
  });
});

describe("planWheels with the install memo", () => {
  const layout = {
    kind: "target",
    python: [3, 13],
    installerMetadata: false,
    shebang: "/var/lang/bin/python3.13",
  } as const;
  const wheel = makeWheel({
    name: "tool",
    version: "1.0",
    files: { "tool/__init__.py": "x = 1\n", "tool/cli.py": "def main():\n    pass\n" },
    entryPoints: "[console_scripts]\ntool = tool.cli:main\n",
  });

  it("a memoized plan equals a fresh one, generated bytes included, without reading the central directory", async () => {
    const cacheDir = tempDir();
    const path = join(tempDir(), wheel.filename);
    writeFiles(join(path, ".."), { [wheel.filename]: wheel.bytes });
    const input = { name: "tool", version: "1.0", filename: wheel.filename, sha256: wheel.sha256, path };
    const fresh = await planWheels([wheelFromBytes({ ...input, bytes: wheel.bytes })], layout);
    await (await planWheels([await loadWheel(input)], layout, cacheDir)).stored;
    expect(memoFiles(cacheDir, "install")).toHaveLength(1);
    const loaded = await loadWheel(input);
    const entries = Object.getOwnPropertyDescriptor(loaded, "entries")!.get!;
    let reads = 0;
    Object.defineProperty(loaded, "entries", {
      get: () => {
        reads++;
        return entries();
      },
    });
    const hit = await planWheels([loaded], layout, cacheDir);
    expect(reads).toBe(0);
    expect(hit.plans).toEqual(fresh.plans);
    expect(hit.merged).toEqual(fresh.merged);
    const launcher = hit.merged.ops.find((o) => o.dest === "bin/tool");
    expect(launcher?.kind === "generated" && launcher.data).toBeInstanceOf(Uint8Array);
    // Another layout is another plan.
    await (await planWheels([loaded], { ...layout, kind: "prefix" }, cacheDir)).stored;
    expect(memoFiles(cacheDir, "install")).toHaveLength(2);
  });
});

describe("build with memoized stages", () => {
  it("the second build reads the memo and writes the same bytes; a corrupt memo is rebuilt", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const zip = () => readFileSync(join(dir, "dist", "lambda", "function.zip"));
    await build({ projectDir: dir, cacheDir });
    const first = zip();
    expect(memoFiles(cacheDir, "plan")).toHaveLength(1);
    expect(memoFiles(cacheDir, "install")).toHaveLength(1);
    expect(memoFiles(cacheDir, "zip")).toHaveLength(1); // one entry: the recipe and its literals
    await build({ projectDir: dir, cacheDir });
    expect(zip().equals(first)).toBe(true);
    const memos = ["plan", "install", "zip"].flatMap((kind) => memoFiles(cacheDir, kind));
    for (const f of memos) writeFileSync(f, "[");
    await build({ projectDir: dir, cacheDir });
    expect(zip().equals(first)).toBe(true);
    expect(JSON.parse(readFileSync(memoFiles(cacheDir, "install")[0]!).subarray(40).toString()).name).toBe("idna");
  });
});

describe("zip recipes", () => {
  const zipOf = (dir: string, name = "function.zip") => readFileSync(join(dir, "dist", "lambda", name));
  const stagesOf = (events: TspackEvent[]) => events.flatMap((e) => (e.type === "stage" ? [e.stage] : []));

  it("a warm build replays the recipe: same bytes and result, no install planning", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cold: TspackEvent[] = [];
    const first = await build({ projectDir: dir, cacheDir, onEvent: (e) => cold.push(e) });
    const bytes = zipOf(dir);
    expect(stagesOf(cold)).toContain("read-wheels");
    const warm: TspackEvent[] = [];
    const second = await build({ projectDir: dir, cacheDir, onEvent: (e) => warm.push(e) });
    expect(stagesOf(warm)).not.toContain("read-wheels"); // planning, merging and framing were skipped
    expect(zipOf(dir).equals(bytes)).toBe(true);
    expect({ ...second, timings: {} }).toEqual({ ...first, timings: {} });
  });

  it("is keyed by the project's files, the timestamp and the layout", async () => {
    const { dir, cacheDir } = virtualAppProject();
    await build({ projectDir: dir, cacheDir });
    writeFiles(dir, { "app/main.py": "def handler(event, context):\n    return 2\n" });
    await build({ projectDir: dir, cacheDir });
    const changed = zipOf(dir);
    await build({ projectDir: dir, cacheDir, sourceDateEpoch: 1_700_000_000 });
    const dated = zipOf(dir);
    await build({ projectDir: dir, cacheDir, layout: "layer" });
    const layer = zipOf(dir, "layer.zip");
    await build({ projectDir: dir, cacheDir, installerMetadata: true });
    const withInstaller = zipOf(dir);
    expect(memoFiles(cacheDir, "zip")).toHaveLength(5); // five recipes
    // Each is what a build without any memo gives.
    const fresh = virtualAppProject();
    writeFiles(fresh.dir, { "app/main.py": "def handler(event, context):\n    return 2\n" });
    await build({ projectDir: fresh.dir, cacheDir: fresh.cacheDir });
    expect(zipOf(fresh.dir).equals(changed)).toBe(true);
    await build({ projectDir: fresh.dir, cacheDir: fresh.cacheDir, sourceDateEpoch: 1_700_000_000 });
    expect(zipOf(fresh.dir).equals(dated)).toBe(true);
    await build({ projectDir: fresh.dir, cacheDir: fresh.cacheDir, layout: "layer" });
    expect(zipOf(fresh.dir, "layer.zip").equals(layer)).toBe(true);
    await build({ projectDir: fresh.dir, cacheDir: fresh.cacheDir, installerMetadata: true });
    expect(zipOf(fresh.dir).equals(withInstaller)).toBe(true);
    expect(withInstaller.equals(changed)).toBe(false);
  });

  it("a recipe that does not give the recorded zip is not used: the build plans again", async () => {
    // An entry big enough to be replayed as a range of the wheel (smaller ones are literals).
    const table = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    const bigIdna = makeWheel({
      name: "idna",
      version: "3.10",
      files: { "idna/__init__.py": "x = 1\n", "idna/table.bin": table },
    });
    const { dir, cacheDir } = virtualAppProject("wheels", bigIdna);
    await build({ projectDir: dir, cacheDir });
    const bytes = zipOf(dir);
    // Shift one range of the wheel by a byte: it still fits, but the zip would differ.
    const [file] = memoFiles(cacheDir, "zip");
    const stored = readRecipeEntry(file!);
    const segments: number[] = stored.json.zips[0].segments;
    const i = segments.findIndex((v, k) => k % 3 === 0 && v >= 0 && segments[k + 1]! > 0);
    expect(i).toBeGreaterThanOrEqual(0);
    segments[i + 1]! -= 1;
    writeRecipeEntry(file!, stored.json, stored.literals);
    const events: TspackEvent[] = [];
    await build({ projectDir: dir, cacheDir, onEvent: (e) => events.push(e) });
    expect(stagesOf(events)).toEqual(expect.arrayContaining(["recipe", "plan-install", "read-wheels"]));
    expect(zipOf(dir).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, "dist"))).toEqual(["lambda"]); // nothing left of the rejected replay
  });

  it("replays the warnings of planning; an entry that does not match its digest is a miss", async () => {
    // The project's own idna/__init__.py replaces the dependency's: a warning that must come back warm.
    const { dir, cacheDir } = virtualAppProject();
    writeFiles(dir, { "idna/__init__.py": "y = 2\n" });
    const cold = await build({ projectDir: dir, cacheDir });
    expect(cold.warnings).toEqual([expect.stringContaining('The project file "idna/__init__.py" replaces')]);
    const bytes = zipOf(dir);
    const warm = await build({ projectDir: dir, cacheDir });
    expect(warm.warnings).toEqual(cold.warnings);
    const [file] = memoFiles(cacheDir, "zip");
    const entry = readFileSync(file!);
    entry[entry.length - 1] = entry[entry.length - 1]! ^ 0xff; // a literal byte
    writeFileSync(file!, entry);
    const events: TspackEvent[] = [];
    const again = await build({ projectDir: dir, cacheDir, onEvent: (e) => events.push(e) });
    expect(stagesOf(events)).toContain("read-wheels"); // planned again
    expect(again.warnings).toEqual(cold.warnings);
    expect(zipOf(dir).equals(bytes)).toBe(true);
  });
});

describe("an unreadable pyproject.toml", () => {
  it("counts as absent for readProject and for the memoized planner alike", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const pyproject = join(dir, "pyproject.toml");
    rmSync(pyproject);
    mkdirSync(pyproject); // exists, but reading it fails (EISDIR)
    const read = await readProject({ projectDir: dir });
    const planned = await planMemoized({ projectDir: dir }, cacheDir);
    expect(read.pyproject).toBeUndefined();
    expect(planned.project.pyproject).toBeUndefined();
    expect(planned.project.projectInfo).toEqual(read.projectInfo);
  });
});
