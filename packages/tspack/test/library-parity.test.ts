/**
 * The library reads what the CLI reads, the way the CLI reads it: the environment (process.env unless
 * `env` is given), relative paths against the current folder, and `layout` only as the artifact layout.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import { cacheDirFor } from "../src/fetch.js";
import { install } from "../src/install.js";
import { removeTemps, tempDir, virtualAppProject } from "./fixtures/local-project.js";

afterAll(removeTemps);

const saved = { cwd: process.cwd(), env: { ...process.env } };
afterEach(() => {
  process.chdir(saved.cwd);
  for (const k of [
    "TSPACK_CACHE_DIR",
    "SOURCE_DATE_EPOCH",
    "TSPACK_OFFLINE",
    "TSPACK_CONCURRENCY",
    "UV_OFFLINE",
    "UV_CONCURRENT_DOWNLOADS",
    "UV_CACHE_DIR",
  ]) {
    if (saved.env[k] === undefined) delete process.env[k];
    else process.env[k] = saved.env[k];
  }
});

const errorOf = async (p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; hint?: string };
  }
  throw new Error("expected a rejection");
};

describe("the library's environment is the CLI's", () => {
  it("TSPACK_CACHE_DIR from process.env places the cache; env: {} reads none of it", () => {
    const dir = tempDir();
    process.env.TSPACK_CACHE_DIR = dir;
    expect(cacheDirFor({})).toBe(dir);
    expect(cacheDirFor({ env: {} })).toBe(join(homedir(), ".cache", "tspack"));
    process.chdir(dir);
    expect(cacheDirFor({ cacheDir: "rel" })).toBe(join(dir, "rel"));
  });

  it("build() uses SOURCE_DATE_EPOCH from process.env, like `tspack build`, unless told otherwise", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const sha = async (options: Parameters<typeof build>[0]) =>
      (await build({ projectDir: dir, cacheDir, ...options })).artifacts[0]!.sha256;
    delete process.env.SOURCE_DATE_EPOCH;
    const plain = await sha({});
    process.env.SOURCE_DATE_EPOCH = "1700000000";
    const ambient = await sha({});
    expect(ambient).not.toBe(plain);
    expect(await sha({ sourceDateEpoch: 1_700_000_000, env: {} })).toBe(ambient);
    expect(await sha({ env: {} })).toBe(plain);
    process.env.SOURCE_DATE_EPOCH = "soon";
    expect((await errorOf(sha({}))).message).toBe(
      'SOURCE_DATE_EPOCH "soon" is invalid: not a decimal number of seconds',
    );
  });

  it("TSPACK_OFFLINE=1 in process.env forbids downloads, as for the CLI", async () => {
    const root = tempDir();
    const dir = join(root, "p");
    const { dir: src } = virtualAppProject();
    // The same app, but its wheel is on an index (never contacted: offline).
    const lock = readFileSync(join(src, "uv.lock"), "utf8")
      .replace('source = { registry = "wheels" }', 'source = { registry = "https://pypi.example.invalid/simple" }')
      .replace('{ path = "', '{ url = "https://pypi.example.invalid/files/');
    expect(lock).toContain("https://pypi.example.invalid/files/");
    cpSync(src, dir, { recursive: true });
    writeFileSync(join(dir, "uv.lock"), lock);
    process.env.TSPACK_OFFLINE = "1";
    const e = await errorOf(build({ projectDir: dir, cacheDir: join(root, "cache") }));
    expect(e.code).toBe("TSPACK_OFFLINE");
    // uv's UV_OFFLINE does the same (uv's boolean values); TSPACK_OFFLINE=0 wins over it.
    delete process.env.TSPACK_OFFLINE;
    process.env.UV_OFFLINE = "true";
    expect((await errorOf(build({ projectDir: dir, cacheDir: join(root, "cache") }))).code).toBe("TSPACK_OFFLINE");
    process.env.TSPACK_OFFLINE = "0";
    process.env.UV_CONCURRENT_DOWNLOADS = "0";
    // Not offline now: the next setting read, uv's UV_CONCURRENT_DOWNLOADS, is checked like TSPACK_CONCURRENCY.
    const c = await errorOf(build({ projectDir: dir, cacheDir: join(root, "cache") }));
    expect([c.code, c.message]).toEqual([
      "TSPACK_USAGE",
      'The value "0" of UV_CONCURRENT_DOWNLOADS is not a whole number between 1 and 1024',
    ]);
  });

  it("UV_CACHE_DIR places the cache in a folder of tspack's own inside it (TSPACK_CACHE_DIR first)", () => {
    const dir = tempDir();
    process.env.UV_CACHE_DIR = dir;
    delete process.env.TSPACK_CACHE_DIR;
    expect(cacheDirFor({})).toBe(join(dir, "tspack"));
    process.env.TSPACK_CACHE_DIR = join(dir, "own");
    expect(cacheDirFor({})).toBe(join(dir, "own"));
  });
});

describe("the library's relative paths are the CLI's", () => {
  it("outDir and lockPath resolve against the current folder; [tool.tspack] out against the project", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = tempDir();
    process.chdir(cwd);
    const r = await build({ projectDir: dir, cacheDir, outDir: "out", lockPath: join(dir, "uv.lock") });
    expect(r.outDir).toBe(join(cwd, "out"));
    expect(existsSync(join(cwd, "out", "function.zip"))).toBe(true);
    writeFileSync(
      join(dir, "pyproject.toml"),
      `${readFileSync(join(dir, "pyproject.toml"), "utf8")}\n[tool.tspack]\nout = "build/fn"\n`,
    );
    expect((await build({ projectDir: dir, cacheDir })).outDir).toBe(join(dir, "build", "fn"));
  });

  it("install(): dest is relative to the current folder, scheme says --target or --prefix, layout is refused", async () => {
    const { dir, cacheDir } = virtualAppProject();
    const cwd = tempDir();
    process.chdir(cwd);
    const t = await install({ projectDir: dir, cacheDir, dest: "t" });
    expect(t.dest).toBe(join(cwd, "t"));
    expect(existsSync(join(cwd, "t", "idna", "__init__.py"))).toBe(true);
    await install({ projectDir: dir, cacheDir, dest: "p", scheme: "prefix" });
    expect(existsSync(join(cwd, "p", "lib", "python3.13", "site-packages", "idna", "__init__.py"))).toBe(true);
    const e = await errorOf(
      install({ projectDir: dir, cacheDir, dest: "x", layout: "target" } as Parameters<typeof install>[0]),
    );
    expect([e.code, e.message]).toEqual(["TSPACK_USAGE", 'install() takes no "layout" (got "target")']);
    expect(existsSync(join(cwd, "x"))).toBe(false);
  });
});

describe("build({ exclude })", () => {
  it("leaves the project's matching files out, on top of [tool.tspack] exclude", async () => {
    const { dir, cacheDir } = virtualAppProject();
    writeFileSync(join(dir, "app", "secret.py"), "KEY = 1\n");
    const names = async (exclude?: string[]) => {
      const r = await build({ projectDir: dir, cacheDir, ...(exclude ? { exclude } : {}) });
      return Object.keys(unzipSync(readFileSync(r.artifacts[0]!.path))).filter((n) => n.startsWith("app/"));
    };
    expect((await names()).sort()).toEqual(["app/__init__.py", "app/main.py", "app/secret.py"]);
    expect((await names(["app/secret.py"])).sort()).toEqual(["app/__init__.py", "app/main.py"]);
  });
});
