/**
 * Ordinary failures at the edges are classified, not called bugs: a full disk (a 1 MB tmpfs), a read-only
 * mount, a folder the user may not write (the CLI run as `nobody`), a name too long, `--out` under a file
 * give TSPACK_IO naming the folder the user gave (never tspack's hidden staging or temp paths) and the fix;
 * a host that does not resolve and a refused connection give TSPACK_NETWORK after the configured retries.
 * No stack trace on stderr, ever. The mount-based tests need root (they run as root in CI) and skip with a
 * message elsewhere; every mount is unmounted in `finally` and again in afterAll.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeWheel } from "../helpers/make-wheel.js";
import { seededBytes } from "../helpers/seeded-bytes.js";
import {
  CLI,
  type CliRun,
  cleanupTemps,
  FAKE_HOST,
  lockText,
  mirrorArg,
  pyprojectText,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const IS_ROOT = process.getuid?.() === 0;
const ROOT_ONLY = IS_ROOT ? false : "needs root (mount, setpriv): run as root, as CI does";
if (!IS_ROOT) console.warn(`io-errors: skipping the mount and setpriv tests: ${ROOT_ONLY}`);

const CLEAN_ENV = {
  TSPACK_CACHE_DIR: undefined,
  TSPACK_OFFLINE: undefined,
  TSPACK_CONCURRENCY: undefined,
  XDG_CACHE_HOME: undefined,
  UV_HTTP_RETRIES: undefined,
};

/** A 1.5 MB wheel of random (incompressible) bytes: it cannot fit a 1 MB tmpfs in any form. */
const big = makeWheel({ name: "bigpkg", version: "1.0", files: { "bigpkg/blob.bin": seededBytes(13, 1_500_000) } });
const small = makeWheel({ name: "smallpkg", version: "1.0", files: { "smallpkg/__init__.py": "X = 1\n" } });

let server: RunningIndexServer;
let project: string;
/** A warm cache (every wheel in it), for the tests whose failure is not in the cache. */
let warmCache: string;
const mounts: string[] = [];

function umount(dir: string): void {
  try {
    execFileSync("umount", [dir], { stdio: "ignore" });
  } catch {
    // not mounted (any more)
  }
}

/** Runs `body` with a fresh tmpfs of `size` (read-only when `readOnly`, after `fill` wrote into it); always unmounted. */
async function withTmpfs<T>(
  opts: { size?: string; readOnly?: boolean; fill?: (dir: string) => void },
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = tempDir("tspack-mnt-");
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${opts.size ?? "1m"},mode=0755`, "tmpfs", dir]);
  mounts.push(dir);
  try {
    opts.fill?.(dir);
    if (opts.readOnly) execFileSync("mount", ["-o", "remount,ro", dir]);
    return await body(dir);
  } finally {
    umount(dir);
  }
}

const cli = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> =>
  runCliAsync(args, { env: { ...CLEAN_ENV, ...env } });

/** Runs the built CLI as `nobody` (uid/gid 65534, no groups). */
async function cliAsNobody(args: string[]): Promise<CliRun> {
  const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, ...args], {
    cwd: "/",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: "/nonexistent",
      NO_COLOR: "1",
      TSPACK_NO_COMPILE_CACHE: "1",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return { status, stdout, stderr };
}

/**
 * The run failed with `code` (exit 1), its message names `userPath` (for every failure, when several
 * downloads failed) and no hidden path, and stderr has nothing but the error and its hint (no stack trace).
 */
function expectClassified(r: CliRun, code: string, userPath: string | RegExp, reason: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]: `));
  const lines = r.stderr.trimEnd().split("\n");
  const hintAt = lines.findIndex((l) => l.startsWith("  hint: "));
  expect(hintAt, r.stderr).toBeGreaterThan(0);
  const message = lines.slice(0, hintAt);
  const failures = message.length === 1 ? message : message.slice(1); // "N files could not be fetched:" + one line each
  for (const line of failures) {
    if (typeof userPath === "string") expect(line).toContain(`"${userPath}"`);
    else expect(line).toMatch(userPath);
    expect(line).toMatch(reason);
  }
  expect(lines.slice(hintAt + 1).every((l) => l.startsWith("        "))).toBe(true); // the hint's own lines
  expect(r.stderr).not.toMatch(/\.tspack-|tspack-staging|\/tmp\/[0-9]+-[0-9a-f]+\.part|\.unpack/);
  expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(r.stderr).not.toContain("node:internal");
}

/** Entries of `dir` that tspack left behind (hidden staging or temp names). */
const leftovers = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes(".tspack-"));

beforeAll(async () => {
  requireBuiltCli();
  server = await startIndexServer({ files: serverFiles([big, small]) });
  project = tempDir("tspack-io-project-");
  writeTree(project, {
    "pyproject.toml": pyprojectText("io-app", ["bigpkg", "smallpkg"]),
    "uv.lock": lockText({
      roots: [{ name: "io-app", version: "0.1.0", deps: ["bigpkg", "smallpkg"] }],
      packages: [
        { name: "bigpkg", version: "1.0", wheel: big },
        { name: "smallpkg", version: "1.0", wheel: small },
      ],
    }),
    "app/main.py": "def handler(event, context):\n    return 1\n",
  });
  warmCache = join(tempDir("tspack-io-cache-"), "cache");
  const r = await cli(["fetch", project, "--cache-dir", warmCache, "--mirror", mirrorArg(server.url)]);
  expect(r.status, r.stderr).toBe(0);
  // readable by nobody: the project, the warm cache and the folders above them (mkdtemp makes them 0700)
  for (const d of [project, join(warmCache, "..")]) chmodSync(d, 0o755);
  execFileSync("chmod", ["-R", "a+rX", warmCache]);
});

afterAll(async () => {
  for (const m of mounts) umount(m);
  await server?.close();
  cleanupTemps();
});

describe("ENOSPC: a full tmpfs", () => {
  it.skipIf(ROOT_ONLY)("as --out: TSPACK_IO naming the output folder; nothing left on it", async () => {
    await withTmpfs({}, async (mnt) => {
      const out = join(mnt, "out");
      const r = await cli(["build", project, "--out", out, "--cache-dir", warmCache, "--offline"]);
      expectClassified(r, "TSPACK_IO", out, /cannot be written: no space left on device \(ENOSPC/);
      expect(r.stderr).toContain("choose a folder on another file system with --out");
      expect(readdirSync(mnt)).toEqual([]);
    });
  });

  it.skipIf(ROOT_ONLY)("as --target: TSPACK_IO naming the target folder; nothing left on it", async () => {
    await withTmpfs({}, async (mnt) => {
      const target = join(mnt, "t");
      const r = await cli(["install", project, "--target", target, "--cache-dir", warmCache, "--offline"]);
      expectClassified(r, "TSPACK_IO", target, /cannot be written: no space left on device \(ENOSPC/);
      expect(r.stderr).toContain("with --target");
      expect(leftovers(mnt)).toEqual([]);
      expect(existsSync(target)).toBe(false);
    });
  });

  it.skipIf(ROOT_ONLY)(
    "as --cache-dir: TSPACK_IO naming the cache (not TSPACK_CACHE_CORRUPT), not retried",
    async () => {
      await withTmpfs({}, async (mnt) => {
        const cache = join(mnt, "cache");
        const before = server.totalRequests();
        const r = await cli(["fetch", project, "--cache-dir", cache, "--mirror", mirrorArg(server.url)]);
        expectClassified(r, "TSPACK_IO", cache, /cannot be written: no space left on device \(ENOSPC/);
        expect(r.stderr).toContain("with --cache-dir");
        expect(server.totalRequests() - before).toBe(2); // one per wheel: a full disk is not retried
        expect(readdirSync(join(cache, "tmp"))).toEqual([]);
      });
    },
  );
});

describe("EROFS: a read-only mount", () => {
  it.skipIf(ROOT_ONLY)("as --out, --target and --cache-dir: TSPACK_IO naming each", async () => {
    await withTmpfs({ readOnly: true, fill: (d) => mkdirSync(join(d, "cache")) }, async (mnt) => {
      const out = join(mnt, "out");
      const build = await cli(["build", project, "--out", out, "--cache-dir", warmCache, "--offline"]);
      expectClassified(build, "TSPACK_IO", out, /cannot be written: read-only file system \(EROFS/);
      expect(build.stderr).toContain("choose a writable folder with --out");
      const target = join(mnt, "t");
      const install = await cli(["install", project, "--target", target, "--cache-dir", warmCache, "--offline"]);
      expectClassified(install, "TSPACK_IO", target, /cannot be written: read-only file system \(EROFS/);
      const cache = join(mnt, "cache");
      const fetch = await cli(["fetch", project, "--cache-dir", cache, "--mirror", mirrorArg(server.url)]);
      expectClassified(fetch, "TSPACK_IO", cache, /cannot be written: read-only file system \(EROFS/);
      expect(fetch.stderr).toContain("choose a writable folder with --cache-dir");
    });
  });
});

describe("EACCES: a root-owned 0755 folder, the CLI run as nobody", () => {
  it.skipIf(ROOT_ONLY)(
    "as --out, --target and --cache-dir: TSPACK_IO naming each, with the permissions hint",
    async () => {
      const locked = tempDir("tspack-locked-");
      chmodSync(locked, 0o755); // root's, readable by all, writable by root only
      const nobodyCache = join(tempDir("tspack-nobody-"), "cache");
      chmodSync(join(nobodyCache, ".."), 0o777);
      const mirror = ["--mirror", mirrorArg(server.url)];
      const out = join(locked, "out");
      const build = await cliAsNobody(["build", project, "--out", out, "--cache-dir", nobodyCache, ...mirror]);
      expectClassified(build, "TSPACK_IO", out, /cannot be written: permission denied \(EACCES/);
      expect(build.stderr).toContain("fix its permissions or owner");
      const target = join(locked, "t");
      const install = await cliAsNobody([
        "install",
        project,
        "--target",
        target,
        "--cache-dir",
        nobodyCache,
        ...mirror,
      ]);
      expectClassified(install, "TSPACK_IO", target, /cannot be written: permission denied \(EACCES/);
      const cache = join(locked, "cache");
      const fetch = await cliAsNobody(["fetch", project, "--cache-dir", cache, ...mirror]);
      expectClassified(fetch, "TSPACK_IO", cache, /cannot be written: permission denied \(EACCES/);
      expect(fetch.stderr).toContain("choose a folder you own with --cache-dir");
      expect(readdirSync(locked)).toEqual([]);
    },
  );
});

describe("paths that cannot be folders", () => {
  it("ENAMETOOLONG: a 300-character component in --out", async () => {
    const out = join(tempDir("tspack-long-"), "x".repeat(300), "out");
    const r = await cli(["build", project, "--out", out, "--cache-dir", warmCache, "--offline"]);
    expectClassified(r, "TSPACK_IO", out, /: file name too long \(ENAMETOOLONG/);
    expect(r.stderr).toContain("choose a shorter path with --out");
  });

  it("ENOTDIR: --out under a file", async () => {
    const dir = tempDir("tspack-notdir-");
    writeFileSync(join(dir, "file"), "a user's file\n");
    const out = join(dir, "file", "out");
    const r = await cli(["build", project, "--out", out, "--cache-dir", warmCache, "--offline"]);
    expectClassified(r, "TSPACK_IO", out, /: a part of the path is a file, not a folder \(ENOTDIR/);
    expect(readdirSync(dir)).toEqual(["file"]);
  });
});

describe("EMFILE: a low limit of open files", () => {
  it("150 parallel downloads under `ulimit -n 64`: TSPACK_IO with the limit's fix, blaming no folder", async () => {
    const packages = Array.from({ length: 150 }, (_, i) => {
      const name = `many${i}`;
      return {
        name,
        version: "1.0",
        wheel: makeWheel({ name, version: "1.0", files: { [`${name}/__init__.py`]: "X = 1\n" } }),
      };
    });
    const many = await startIndexServer({ files: serverFiles(packages.map((p) => p.wheel)) });
    try {
      const dir = tempDir("tspack-emfile-");
      const names = packages.map((p) => p.name);
      writeTree(dir, {
        "pyproject.toml": pyprojectText("many-app", names),
        "uv.lock": lockText({ roots: [{ name: "many-app", version: "0.1.0", deps: names }], packages }),
      });
      const cache = join(tempDir(), "cache");
      const args = ["fetch", dir, "--cache-dir", cache, "--mirror", mirrorArg(many.url), "--concurrency", "150"];
      const child = spawn("bash", ["-c", 'ulimit -n 64 && exec "$0" "$@"', process.execPath, CLI, ...args], {
        env: { ...process.env, ...CLEAN_ENV, NO_COLOR: "1", TSPACK_NO_COMPILE_CACHE: "1" },
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
      });
      const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
      expectClassified(
        { status, stdout: "", stderr },
        "TSPACK_IO",
        /^( {2}- )?The download of "many\d+==1\.0" from "http:\/\/127\.0\.0\.1:\d+\/files\/many\d+-1\.0-py3-none-any\.whl" failed: /,
        /too many open files \(EMFILE\)$/,
      );
      expect(stderr).toContain("raise it (`ulimit -n 4096`), or lower --concurrency (TSPACK_CONCURRENCY)");
      expect(stderr).not.toContain(`"${cache}"`);
    } finally {
      await many.close();
    }
  });
});

describe("network failures: TSPACK_NETWORK after the configured retries (UV_HTTP_RETRIES)", () => {
  /** The `fetch:retry` events of a `--json` run (stderr JSON lines). */
  const retryEvents = (stderr: string) =>
    stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { event: { type: string; key: string; attempt: number } }).event)
      .filter((e) => e.type === "fetch:retry");

  // The lock's URLs are on pypi.example.invalid: without --mirror, they are looked up, and `.invalid` never resolves.
  it("a host that does not resolve (the lock's URLs, then --index-url)", async () => {
    const direct = await cli(["fetch", project, "--cache-dir", join(tempDir(), "c"), "--json"], {
      UV_HTTP_RETRIES: "1",
    });
    expect(direct.status).toBe(1);
    const error = (
      JSON.parse(direct.stdout) as { error: { code: string; message: string; details: { failures: unknown[] } } }
    ).error;
    expect(error.code).toBe("TSPACK_NETWORK");
    expect(error.message).toContain(
      `from "${FAKE_HOST}files/bigpkg-1.0-py3-none-any.whl" failed after 2 attempts: the host name does not resolve`,
    );
    expect(error.details.failures).toHaveLength(2);
    expect(
      retryEvents(direct.stderr)
        .map((e) => [e.key, e.attempt])
        .sort(),
    ).toEqual([
      ["bigpkg==1.0", 1],
      ["smallpkg==1.0", 1],
    ]);
    const index = await cli(
      [
        "fetch",
        project,
        "--cache-dir",
        join(tempDir(), "c"),
        "--index-url",
        "http://nonexistent.invalid/simple",
        "--json",
      ],
      { UV_HTTP_RETRIES: "2" },
    );
    expect(index.status).toBe(1);
    const indexError = (JSON.parse(index.stdout) as { error: { code: string; message: string } }).error;
    expect(indexError.code).toBe("TSPACK_NETWORK");
    expect(indexError.message).toContain(
      'The download of "bigpkg" from "http://nonexistent.invalid/simple/bigpkg/" failed after 3 attempts: the host name does not resolve',
    );
    expect(
      retryEvents(index.stderr)
        .map((e) => [e.key, e.attempt])
        .sort(),
    ).toEqual([
      ["bigpkg", 1],
      ["bigpkg", 2],
      ["smallpkg", 1],
      ["smallpkg", 2],
    ]);
    // the same, for people: no stack trace
    const human = await cli(
      ["fetch", project, "--cache-dir", join(tempDir(), "c"), "--index-url", "http://nonexistent.invalid/simple"],
      {
        UV_HTTP_RETRIES: "0",
      },
    );
    expectClassified(
      human,
      "TSPACK_NETWORK",
      / from "http:\/\/nonexistent\.invalid\/simple\/(big|small)pkg\/" failed: /,
      /the host name does not resolve/,
    );
  });

  it("a refused connection (a closed loopback port)", async () => {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    const r = await cli(
      [
        "fetch",
        project,
        "--cache-dir",
        join(tempDir(), "c"),
        "--mirror",
        `${FAKE_HOST}=http://127.0.0.1:${port}/`,
        "--json",
      ],
      { UV_HTTP_RETRIES: "1" },
    );
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } }).error;
    expect(r.status).toBe(1);
    expect(error.code).toBe("TSPACK_NETWORK");
    expect(error.message).toContain(
      `failed after 2 attempts: the connection was refused (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(error.hint).toContain("that the server is up");
    expect(retryEvents(r.stderr)).toHaveLength(2);
  });

  it("UV_HTTP_RETRIES must be a whole number", async () => {
    const r = await cli(["fetch", project, "--cache-dir", warmCache], { UV_HTTP_RETRIES: "many" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[TSPACK_USAGE\]: UV_HTTP_RETRIES "many" is not a whole number/);
  });
});
