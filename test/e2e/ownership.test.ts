/**
 * tspack deletes only what it can prove it created (issue 13: ownership, mounts, leftovers), through the
 * built CLI: a user's folder survives every command pointed at it, file for file; refusals are
 * TSPACK_NOT_OWNED naming the folder; tspack's own output, caches and installs are replaced; bind and tmpfs
 * mounts work as --out and --target (root only: skipped with a message otherwise; always unmounted); the
 * staging folders of killed runs are removed by the next run while a live run's are kept.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
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
  tempDir,
  writeTree,
} from "./helpers/project.js";

const CLEAN_ENV = {
  TSPACK_CACHE_DIR: undefined,
  TSPACK_OFFLINE: undefined,
  TSPACK_CONCURRENCY: undefined,
  XDG_CACHE_HOME: undefined,
  SOURCE_DATE_EPOCH: undefined,
};
const cli = (args: string[], opts: { cwd?: string } = {}) => runCliAsync(args, { ...opts, env: { ...CLEAN_ENV } });

let server: RunningIndexServer;
let demo: DemoProject;
let project: string;
/** A warm cache shared by the runs that are not about the cache. */
let cache: string;

const net = (): string[] => ["--mirror", mirrorArg(server.url)];
const buildArgs = (out: string, ...more: string[]): string[] => [
  "build",
  project,
  "--cache-dir",
  cache,
  ...net(),
  "--out",
  out,
  "-q",
  ...more,
];
const installArgs = (flag: "--target" | "--prefix", dest: string, ...more: string[]): string[] => [
  "install",
  project,
  "--cache-dir",
  cache,
  ...net(),
  flag,
  dest,
  "-q",
  ...more,
];

/** Every entry under `dir` (files with mode and sha256, symlinks with their target, folders), sorted. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const abs = join(dir, r);
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        out.push(`${r}/ ${(st.mode & 0o777).toString(8)}`);
        walk(r);
      } else if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(abs)}`);
      else
        out.push(
          `${r} ${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(abs)).digest("hex")}`,
        );
    }
  };
  walk("");
  return out;
}

/**
 * A user's folder: 20 files in nested folders, a hidden file, a symlink, and names tspack also uses
 * (build.json, function.zip, CACHEDIR.TAG of another tool, a `.dist-info` without RECORD).
 */
function userFolder(parent: string, name = "mine"): string {
  const dir = join(parent, name);
  const files: Record<string, string> = {
    "build.json": '{"name": "my-site", "version": 3}\n',
    "function.zip": "my own zip\n",
    "notes.txt": "remember the milk\n",
    ".env": "SECRET=1\n",
    "README.md": "# mine\n",
    "src/app.py": "print('hi')\n",
    "src/util/__init__.py": "",
    "src/util/helpers.py": "def f():\n    return 1\n",
    "src/util/__pycache__/helpers.cpython-313.pyc": "not really bytecode",
    "data/table.csv": "a,b\n1,2\n",
    "data/raw/2024/01.json": "{}\n",
    "data/raw/2024/02.json": "[]\n",
    "docs/index.md": "docs\n",
    "docs/img/logo.svg": "<svg/>\n",
    "mine-1.0.dist-info/METADATA": "Name: mine\n",
    "wheels-v1/sha256/ab/cd": "looks like a cache entry\n",
    "tmp/work.txt": "work in progress\n",
    "deep/a/b/c/d/e.txt": "deep\n",
    "config/settings.toml": "[x]\ny = 1\n",
    "scripts/run.sh": "#!/bin/sh\necho hi\n",
  };
  writeTree(dir, files);
  symlinkSync("notes.txt", join(dir, "notes-link"));
  return dir;
}

/** Asserts a failed run with TSPACK_NOT_OWNED naming `folder`. */
function expectNotOwned(r: { status: number; stdout: string; stderr: string }, folder: string): void {
  expect(r.status, r.stderr).not.toBe(0);
  expect(r.stderr).toMatch(/^error\[TSPACK_NOT_OWNED\]: /);
  expect(r.stderr).toContain(`"${folder}"`);
  expect(r.stderr).toMatch(/\n {2}hint: /);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  if (pid === undefined) throw new Error("spawn failed");
  return pid;
}

/** A process that sleeps (its pid is alive) until killed. */
const sleepers: ChildProcess[] = [];
function livePid(): number {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
  sleepers.push(child);
  return child.pid!;
}

beforeAll(async () => {
  requireBuiltCli();
  demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  project = join(tempDir("tspack-own-"), "project");
  writeTree(project, demo.files);
  cache = join(tempDir("tspack-own-cache-"), "cache");
  const warm = await cli(["fetch", project, "--cache-dir", cache, ...net(), "-q"]);
  expect([warm.status, warm.stderr]).toEqual([0, ""]);
});
afterAll(async () => {
  for (const s of sleepers) s.kill();
  await server?.close();
  cleanupTemps();
});

describe("a user's folder survives every command pointed at it", () => {
  it("build --out: refused, file for file unchanged (a build.json of its own does not make it tspack's)", async () => {
    const dir = userFolder(tempDir());
    const before = snapshot(dir);
    const r = await cli(buildArgs(dir));
    expectNotOwned(r, dir);
    expect(r.stderr).toContain("(its build.json is not a tspack build manifest)");
    expect(snapshot(dir)).toEqual(before);
  });

  it("build --cache-dir: refused before anything is written into it (no CACHEDIR.TAG, no marker)", async () => {
    const dir = userFolder(tempDir());
    const before = snapshot(dir);
    const r = await cli(["build", project, "--cache-dir", dir, ...net(), "--out", join(tempDir(), "out"), "-q"]);
    expectNotOwned(r, dir);
    expect(r.stderr).toContain(`The folder "${dir}" is not a tspack cache`);
    expect(snapshot(dir)).toEqual(before);
  });

  it("install --target / --prefix without --clean merge like uv: every user file stays as it was", async () => {
    for (const flag of ["--target", "--prefix"] as const) {
      const dir = userFolder(tempDir());
      const before = snapshot(dir);
      const r = await cli(installArgs(flag, dir));
      expect([r.status, r.stderr]).toEqual([0, ""]);
      const after = new Set(snapshot(dir));
      expect(before.filter((e) => !after.has(e))).toEqual([]);
      const lib = flag === "--target" ? dir : join(dir, "lib", "python3.13", "site-packages");
      expect(existsSync(join(lib, "alpha", "core.py"))).toBe(true);
    }
  });

  it("install --target / --prefix --clean: refused, naming what no RECORD lists, file for file unchanged", async () => {
    for (const flag of ["--target", "--prefix"] as const) {
      const dir = userFolder(tempDir());
      const before = snapshot(dir);
      const r = await cli(installArgs(flag, dir, "--clean"));
      expectNotOwned(r, dir);
      expect(r.stderr).toContain(`The ${flag} folder "${dir}" holds`);
      expect(r.stderr).toContain("that no installed package's RECORD lists");
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it("install --clean after a merge into the user's folder: still refused, the user's files stay", async () => {
    const dir = userFolder(tempDir());
    expect((await cli(installArgs("--target", dir))).status).toBe(0);
    const before = snapshot(dir);
    expectNotOwned(await cli(installArgs("--target", dir, "--clean")), dir);
    expect(snapshot(dir)).toEqual(before);
  });

  it("export -o: a folder, the project's pyproject.toml and uv.lock are refused; the project is unchanged", async () => {
    const dir = userFolder(tempDir());
    const before = snapshot(dir);
    const projectBefore = snapshot(project);
    const runs = await Promise.all([
      cli(["export", project, "-o", dir, "-q"]),
      cli(["export", project, "-o", join(project, "pyproject.toml"), "-q"]),
      cli(["export", project, "-o", join(project, "uv.lock"), "-q"]),
    ]);
    expectNotOwned(runs[0]!, dir);
    expect(runs[0]!.stderr).toContain(`The file "${dir}" is a folder`);
    expectNotOwned(runs[1]!, join(project, "pyproject.toml"));
    expect(runs[1]!.stderr).toContain("is the project's pyproject.toml");
    expectNotOwned(runs[2]!, join(project, "uv.lock"));
    expect(runs[2]!.stderr).toContain("is the project's lock");
    expect(snapshot(dir)).toEqual(before);
    expect(snapshot(project)).toEqual(projectBefore);
    // A file of its own, into the user's folder: written atomically, nothing else touched.
    const ok = await cli(["export", project, "-o", join(dir, "requirements.txt"), "-q"]);
    expect([ok.status, ok.stderr]).toEqual([0, ""]);
    const after = snapshot(dir);
    expect(after.filter((e) => !e.startsWith("requirements.txt "))).toEqual(before);
    expect(readFileSync(join(dir, "requirements.txt"), "utf8")).toContain("alpha==1.0.0");
  });

  it("cache clean / prune / verify --cache-dir: refused, file for file unchanged", async () => {
    const dir = userFolder(tempDir());
    const before = snapshot(dir);
    for (const sub of ["clean", "prune", "verify"]) {
      const r = await cli(["cache", sub, "--cache-dir", dir]);
      expectNotOwned(r, dir);
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it("another tool's cache (cargo's CACHEDIR.TAG) survives clean, prune and verify", async () => {
    const dir = join(tempDir(), "target");
    writeTree(dir, {
      "CACHEDIR.TAG":
        "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n# For information about cache directory tags see https://bford.info/cachedir/\n",
      "debug/build/x.rlib": "rlib",
      "debug/deps/y.d": "deps",
      "tmp/z": "tmp",
      "wheels-v1/sha256/ab/cdef": "entry-like",
    });
    const before = snapshot(dir);
    for (const sub of ["clean", "prune", "verify"]) {
      const r = await cli(["cache", sub, "--cache-dir", dir]);
      expectNotOwned(r, dir);
      expect(r.stderr).toContain("its CACHEDIR.TAG was written by another tool");
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("the project, the cache, home and the current folder are never a destination", () => {
  it("install PROJ --target PROJ (with or without --clean) keeps pyproject.toml, uv.lock and the sources", async () => {
    const before = snapshot(project);
    for (const more of [[], ["--clean"]]) {
      for (const flag of ["--target", "--prefix"] as const) {
        const r = await cli(installArgs(flag, project, ...more));
        expectNotOwned(r, project);
        expect(r.stderr).toContain(`The ${flag} folder "${project}" is the project`);
      }
    }
    expect(snapshot(project)).toEqual(before);
  });

  it("--target/--prefix/--out = the cache, inside the cache, or holding the cache: refused, the cache intact", async () => {
    const before = snapshot(cache);
    const parent = join(cache, "..");
    const runs = await Promise.all([
      cli(installArgs("--target", cache, "--clean")),
      cli(installArgs("--prefix", cache)),
      cli(installArgs("--target", join(cache, "packages"))),
      cli(buildArgs(join(cache, "out"))),
      cli(buildArgs(parent)),
    ]);
    expect(runs.map((r) => r.stderr.split("\n")[0]!.replace(/"[^"]*"/g, "X"))).toEqual([
      "error[TSPACK_NOT_OWNED]: The --target folder X is the cache",
      "error[TSPACK_NOT_OWNED]: The --prefix folder X is the cache",
      "error[TSPACK_NOT_OWNED]: The --target folder X is inside the cache X",
      "error[TSPACK_NOT_OWNED]: The output folder X is inside the cache X",
      "error[TSPACK_NOT_OWNED]: The output folder X contains the cache X",
    ]);
    for (const r of runs) expect(r.status).not.toBe(0);
    expect(snapshot(cache)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["cache"]);
  });

  it("the current folder (or a parent of it) and / are refused", async () => {
    const work = tempDir();
    mkdirSync(join(work, "sub"));
    writeFileSync(join(work, "sub", "keep.txt"), "x");
    const runs = await Promise.all([
      cli(installArgs("--target", ".", "--clean"), { cwd: join(work, "sub") }),
      cli(installArgs("--target", work), { cwd: join(work, "sub") }),
      cli(buildArgs("/")),
    ]);
    expect(runs.map((r) => r.stderr.split("\n")[0]!.replace(/"[^"]*"/g, "X"))).toEqual([
      "error[TSPACK_NOT_OWNED]: The --target folder X is the current folder",
      "error[TSPACK_NOT_OWNED]: The --target folder X contains the current folder X",
      "error[TSPACK_NOT_OWNED]: The output folder X is the root of the file system",
    ]);
    expect(readdirSync(work)).toEqual(["sub"]);
    expect(readdirSync(join(work, "sub"))).toEqual(["keep.txt"]);
  });
});

describe("tspack's own output, installs and caches are replaced", () => {
  it("a second build replaces its own output; an older tspack's output (same build.json) too", async () => {
    const out = join(tempDir(), "out");
    expect((await cli(buildArgs(out))).status).toBe(0);
    const first = snapshot(out);
    expect(first.map((e) => e.split(" ")[0])).toEqual(["build.json", "function.zip"]);
    const again = await cli(buildArgs(out));
    expect([again.status, again.stderr]).toEqual([0, ""]);
    expect(snapshot(out)).toEqual(first);
    // The layer and dir layouts replace the zip layout's output (their build.json lists different entries).
    expect((await cli(buildArgs(out, "--layout", "dir"))).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["Dockerfile", "build.json", "task"]);
    expect((await cli(buildArgs(out, "--layout", "layer"))).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["build.json", "function.zip", "layer.zip"]);

    // An output folder as the first tspack release wrote it (build.json is unchanged since).
    const old = join(tempDir(), "old-out");
    writeTree(old, {
      "build.json": `${JSON.stringify({ tspack: 1, target: {}, layout: "zip", artifacts: [{ kind: "function", path: "function.zip" }], packages: [], projectFiles: 0, warnings: [] }, null, 2)}\n`,
      "function.zip": "an old zip",
    });
    expect((await cli(buildArgs(old))).status).toBe(0);
    expect(snapshot(old)).toEqual(first);
  });

  it("install --clean replaces tspack's own install (and one written by pip/uv: every file RECORD-listed)", async () => {
    for (const flag of ["--target", "--prefix"] as const) {
      const dest = join(tempDir(), "packages");
      expect((await cli(installArgs(flag, dest))).status).toBe(0);
      const first = snapshot(dest);
      // Bytecode Python compiled next to an installed module belongs to it.
      const lib = flag === "--target" ? dest : join(dest, "lib", "python3.13", "site-packages");
      mkdirSync(join(lib, "alpha", "__pycache__"));
      writeFileSync(join(lib, "alpha", "__pycache__", "core.cpython-313.pyc"), "pyc");
      const r = await cli(installArgs(flag, dest, "--clean"));
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(snapshot(dest)).toEqual(first);
    }
  });

  it("a cache of an older tspack (CACHEDIR.TAG, no marker) is adopted; clean then removes it", async () => {
    const old = join(tempDir(), "old-cache");
    cpSync(cache, old, { recursive: true });
    rmSync(join(old, "TSPACK-CACHE"));
    const r = await cli(buildArgs(join(tempDir(), "out")).map((a) => (a === cache ? old : a)));
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(join(old, "TSPACK-CACHE"), "utf8")).toMatch(/^tspack-cache-v1\n/);
    const clean = await cli(["cache", "clean", "--cache-dir", old]);
    expect(clean.status).toBe(0);
    expect(existsSync(old)).toBe(false);
  });
});

describe("leftovers of killed runs", () => {
  it("build and install remove dead processes' staging folders and keep a live one's; other names stay", async () => {
    const parent = tempDir();
    const dead = deadPid();
    const live = livePid();
    const names = {
      deadBuild: `.out.tspack-build-${dead}-0a1b2c3d`,
      deadOld: `.out.tspack-old-${dead}-0a1b2c3d`,
      olderBuild: `.out.tspack-${dead}-0a1b2c3d`, // an older tspack's build staging
      liveBuild: `.out.tspack-build-${live}-0a1b2c3d`,
      deadStaging: `.packages.tspack-staging-${dead}-0a1b2c3d`,
      liveStaging: `.packages.tspack-staging-${live}-0a1b2c3d`,
      notOurs: `.out.tspack-build-${dead}-0a1b2c3d-mine`,
    };
    for (const n of Object.values(names)) {
      mkdirSync(join(parent, n, "deep"), { recursive: true });
      writeFileSync(join(parent, n, "deep", "big"), new Uint8Array(64 * 1024));
    }
    // In the cache's tmp/: a dead and a live process's unpack folder.
    mkdirSync(join(cache, "tmp", `${dead}-0123456789abcdef.unpack`, "0"), { recursive: true });
    mkdirSync(join(cache, "tmp", `${live}-0123456789abcdef.unpack`, "0"), { recursive: true });

    expect((await cli(buildArgs(join(parent, "out")))).status).toBe(0);
    expect(readdirSync(parent).sort()).toEqual(
      [names.deadStaging, names.liveBuild, names.liveStaging, names.notOurs, "out"].sort(),
    );
    expect((await cli(installArgs("--target", join(parent, "packages")))).status).toBe(0);
    expect(readdirSync(parent).sort()).toEqual(
      [names.liveBuild, names.liveStaging, names.notOurs, "out", "packages"].sort(),
    );
    expect(readdirSync(join(cache, "tmp"))).toEqual([`${live}-0123456789abcdef.unpack`]);
    rmSync(join(cache, "tmp", `${live}-0123456789abcdef.unpack`), { recursive: true });
  });

  it("export -o removes a dead run's temp file beside the output", async () => {
    const dir = tempDir();
    const dead = deadPid();
    writeFileSync(join(dir, `.requirements.txt.tspack-export-${dead}-0a1b2c3d`), "partial");
    writeFileSync(join(dir, `requirements.txt.tspack-${dead}.tmp`), "partial (older tspack)");
    const r = await cli(["export", project, "-o", join(dir, "requirements.txt"), "-q"]);
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual(["requirements.txt"]);
  });
});

/** Why mount tests cannot run here, or undefined. */
const NO_MOUNT =
  process.platform !== "linux"
    ? "mounts are Linux-only"
    : process.getuid?.() !== 0
      ? "mount needs root (CI runs as root)"
      : undefined;
if (NO_MOUNT) console.warn(`skipped: the mount point tests of test/e2e/ownership.test.ts (${NO_MOUNT})`);

describe.skipIf(NO_MOUNT !== undefined)("mount points as --out and --target (root only)", () => {
  const mounted: string[] = [];
  /** A mount point at `<parent>/mnt`: a bind mount of a folder of the same file system, or a tmpfs. */
  function mountPoint(kind: "bind" | "tmpfs"): string {
    const parent = tempDir();
    const mnt = join(parent, "mnt");
    mkdirSync(mnt);
    let r: ReturnType<typeof spawnSync>;
    if (kind === "bind") {
      mkdirSync(join(parent, "src"));
      r = spawnSync("mount", ["--bind", join(parent, "src"), mnt], { encoding: "utf8" });
    } else r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mount (${kind}) failed: ${String(r.stderr)}`);
    mounted.push(mnt);
    return mnt;
  }
  afterAll(() => {
    for (const m of mounted.splice(0)) spawnSync("umount", ["-l", m]);
  });

  const hidden = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes("tspack"));

  it.each(["bind", "tmpfs"] as const)(
    "build --out a %s mount: the same tree as a plain folder, twice, zip and dir",
    async (kind) => {
      for (const layout of ["zip", "dir"]) {
        const plain = join(tempDir(), "plain");
        const mnt = mountPoint(kind);
        expect((await cli(buildArgs(plain, "--layout", layout))).status).toBe(0);
        for (let i = 0; i < 2; i++) {
          const r = await cli(buildArgs(mnt, "--layout", layout));
          expect([r.status, r.stderr]).toEqual([0, ""]);
          expect(snapshot(mnt)).toEqual(snapshot(plain));
        }
        expect(hidden(join(mnt, ".."))).toEqual([]);
      }
    },
  );

  it.each(["bind", "tmpfs"] as const)(
    "install --target a %s mount, merged and --clean: the same tree as a plain folder",
    async (kind) => {
      const plain = join(tempDir(), "plain");
      const mnt = mountPoint(kind);
      expect((await cli(installArgs("--target", plain))).status).toBe(0);
      const merged = await cli(installArgs("--target", mnt));
      expect([merged.status, merged.stderr]).toEqual([0, ""]);
      expect(snapshot(mnt)).toEqual(snapshot(plain));
      const clean = await cli(installArgs("--target", mnt, "--clean"));
      expect([clean.status, clean.stderr]).toEqual([0, ""]);
      expect(snapshot(mnt)).toEqual(snapshot(plain));
      // A user's file in the mount: --clean refuses, a merge keeps it.
      writeFileSync(join(mnt, "handler.py"), "mine");
      expectNotOwned(await cli(installArgs("--target", mnt, "--clean")), mnt);
      expect((await cli(installArgs("--target", mnt))).status).toBe(0);
      expect(readFileSync(join(mnt, "handler.py"), "utf8")).toBe("mine");
      expect(hidden(join(mnt, ".."))).toEqual([]);
    },
  );

  it("a dead run's staging folder inside a mount point is removed, a live run's kept", async () => {
    const mnt = mountPoint("bind");
    const dead = `.tspack-staging-${deadPid()}-0a1b2c3d`;
    const live = `.tspack-build-${livePid()}-0a1b2c3d`;
    mkdirSync(join(mnt, dead, "x"), { recursive: true });
    mkdirSync(join(mnt, live, "x"), { recursive: true });
    expect((await cli(buildArgs(mnt))).status).toBe(0);
    expect(readdirSync(mnt).sort()).toEqual([live, "build.json", "function.zip"].sort());
  });
});
