import { execFileSync } from "node:child_process";
import {
  chmodSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { seededBytes } from "../../../test/helpers/seeded-bytes.js";
import { type InstallEvent, installWheels, Linker, type LinkFallback, parseLinkMode } from "../src/index.js";
import { COPY_CHUNK, copyInto } from "../src/link-mode.js";
import { errorOf, removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

/** Mounting a tmpfs needs root (as in CI); elsewhere those tests are skipped (their names say so). */
const isRoot = process.getuid?.() === 0;

/** True when `dir`'s file system makes reflinks (btrfs, XFS…); ext4 and tmpfs do not. */
function reflinks(dir: string): boolean {
  writeFileSync(join(dir, "probe-src"), "x");
  try {
    copyFileSync(join(dir, "probe-src"), join(dir, "probe-dst"), constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(join(dir, "probe-src"), { force: true });
    rmSync(join(dir, "probe-dst"), { force: true });
  }
}

/** Runs `fn` with a fresh tmpfs mounted on `<sandbox>/mnt` (root only), unmounted afterwards, even on failure. */
async function withTmpfs(fn: (mnt: string, box: string) => Promise<void>, size = "64m"): Promise<void> {
  const box = sandbox("tmpfs");
  const mnt = join(box, "mnt");
  mkdirSync(mnt);
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", mnt]);
  try {
    await fn(mnt, box);
  } finally {
    execFileSync("umount", [mnt]);
  }
}

describe("parseLinkMode: uv's values, symlink refused", () => {
  it("accepts clone, copy, hardlink and uv's alias reflink", () => {
    expect(["clone", "copy", "hardlink", "reflink"].map((m) => parseLinkMode(m, "--link-mode"))).toEqual([
      "clone",
      "copy",
      "hardlink",
      "clone",
    ]);
  });

  it("refuses symlink with a usage error that says why, and anything else naming the source", () => {
    let e: unknown;
    try {
      parseLinkMode("symlink", "UV_LINK_MODE=symlink");
    } catch (err) {
      e = err;
    }
    expect(e).toMatchObject({
      code: "TSPACK_USAGE",
      message: expect.stringMatching(
        /^The link mode "symlink" \(UV_LINK_MODE=symlink\) is not supported by tspack: .*symlinks into the cache, which break when the cache is cleaned or pruned, and which zip tools store as links/,
      ),
      hint: expect.stringContaining("clone"),
    });
    expect(() => parseLinkMode("Copy", "--link-mode")).toThrow(
      'The link mode "Copy" (--link-mode) is not one of clone, copy, hardlink',
    );
  });

  it("installWheels refuses a bad linkMode option before writing anything", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [makeWheel({ name: "a", version: "1", files: { "a.py": "" } })]);
    const cacheDir = join(box, "cache");
    const options = { dest: join(box, "t"), layout: "target" as const, python: [3, 13] as const, cacheDir };
    expect(await errorOf(() => installWheels(inputs, { ...options, linkMode: "symlink" as never }))).toMatch(
      /^TSPACK_USAGE: The link mode "symlink" \(the linkMode option\) is not supported by tspack/,
    );
    expect(() => statSync(join(box, "t"))).toThrow();
    expect(() => statSync(cacheDir)).toThrow();
  });
});

describe("copyInto: the copy of the copy and clone modes", () => {
  it("copies bytes of any size into a new inode with the exact mode, whatever the umask", () => {
    const box = sandbox();
    const big = seededBytes(7, COPY_CHUNK * 2 + 123); // more than one read
    writeFileSync(join(box, "big"), big);
    writeFileSync(join(box, "empty"), "");
    const old = process.umask(0o077);
    try {
      copyInto(join(box, "big"), join(box, "big2"), 0o755, 0o077);
      copyInto(join(box, "empty"), join(box, "empty2"), 0o644, 0o077);
    } finally {
      process.umask(old);
    }
    expect(Buffer.from(readFileSync(join(box, "big2"))).equals(Buffer.from(big))).toBe(true);
    expect(statSync(join(box, "big2")).mode & 0o777).toBe(0o755);
    expect(statSync(join(box, "big2")).ino).not.toBe(statSync(join(box, "big")).ino);
    expect(readFileSync(join(box, "empty2"), "utf8")).toBe("");
    expect(statSync(join(box, "empty2")).mode & 0o777).toBe(0o644);
    // never over an existing file
    expect(() => copyInto(join(box, "big"), join(box, "empty2"), 0o644, 0)).toThrow(/EEXIST/);
  });

  it.runIf(isRoot)("leaves no partial file when the disk is full (needs root to mount a tmpfs)", async () => {
    await withTmpfs(async (mnt, box) => {
      writeFileSync(join(box, "big"), seededBytes(9, 2 * 1024 * 1024));
      expect(() => copyInto(join(box, "big"), join(mnt, "big"), 0o644, 0)).toThrow(/ENOSPC/);
      expect(readdirSync(mnt)).toEqual([]);
    }, "1m");
  });
});

describe("Linker: clone → copy and hardlink → copy, decided on the first file", () => {
  it("clones where the file system makes reflinks, else copies (never a hard link)", () => {
    const box = sandbox();
    writeFileSync(join(box, "src"), "data\n", { mode: 0o644 });
    const fallbacks: LinkFallback[] = [];
    const linker = new Linker("clone", (f) => fallbacks.push(f));
    linker.link(join(box, "src"), join(box, "a"), 0o644);
    linker.link(join(box, "src"), join(box, "b"), 0o644);
    if (reflinks(box)) {
      expect([linker.mode, fallbacks]).toEqual(["clone", []]);
    } else {
      expect(linker.mode).toBe("copy");
      expect(fallbacks).toEqual([{ from: "clone", to: "copy", reason: expect.stringMatching(/^E[A-Z]+$/) }]);
    }
    for (const f of ["a", "b"]) {
      expect(readFileSync(join(box, f), "utf8")).toBe("data\n");
      expect(statSync(join(box, f)).ino).not.toBe(statSync(join(box, "src")).ino);
    }
    expect(statSync(join(box, "src")).nlink).toBe(1);
  });

  it.runIf(isRoot)("falls back from clone to copy on tmpfs, which has no reflinks (needs root to mount)", async () => {
    await withTmpfs(async (mnt) => {
      writeFileSync(join(mnt, "src"), "data\n", { mode: 0o755 });
      expect(reflinks(mnt)).toBe(false);
      const fallbacks: LinkFallback[] = [];
      const linker = new Linker("clone", (f) => fallbacks.push(f));
      linker.link(join(mnt, "src"), join(mnt, "dst"), 0o755);
      expect(fallbacks).toEqual([{ from: "clone", to: "copy", reason: "ENOTSUP" }]);
      expect(statSync(join(mnt, "dst")).mode & 0o777).toBe(0o755);
      expect(statSync(join(mnt, "dst")).ino).not.toBe(statSync(join(mnt, "src")).ino);
    });
  });

  it("after the first file, a failure is an error (no fallback half-way)", () => {
    const box = sandbox();
    writeFileSync(join(box, "src"), "x");
    const linker = new Linker("hardlink", () => {
      throw new Error("no fallback expected");
    });
    linker.link(join(box, "src"), join(box, "a"), 0o644);
    expect(linker.decided).toBe(true);
    expect(() => linker.link(join(box, "missing"), join(box, "b"), 0o644)).toThrow(/ENOENT/);
    expect(linker.mode).toBe("hardlink");
  });
});

describe.runIf(isRoot)("a cache on another file system (tmpfs; needs root to mount)", () => {
  const wheel = makeWheel({
    name: "xfs",
    version: "1.0",
    files: { "xfs/__init__.py": "X = 1\n", "xfs/run.sh": { data: "#!/bin/sh\n", mode: 0o100755 } },
  });
  const base = { layout: "target" as const, python: [3, 13] as const };

  it("copies silently with the default (EXDEV), and warns once when hardlink falls back to copy, like uv", async () => {
    await withTmpfs(async (mnt, box) => {
      const inputs = wheelInputs(box, [wheel]);
      const cacheDir = join(mnt, "cache");
      const trees: string[] = [];
      for (const linkMode of [undefined, "hardlink", "hardlink"] as const) {
        const events: InstallEvent[] = [];
        const dest = join(box, `t${trees.length}`);
        const r = await installWheels(inputs, {
          ...base,
          dest,
          cacheDir,
          ...(linkMode ? { linkMode } : {}),
          onEvent: (e) => events.push(e),
        });
        expect(r.linkMode).toBe("copy");
        const from = linkMode ?? "clone";
        expect(events.filter((e) => e.type === "link-fallback")).toEqual([
          { type: "link-fallback", from, to: "copy", reason: "EXDEV" },
        ]);
        expect(r.warnings).toEqual(
          linkMode === "hardlink"
            ? [
                'Failed to hardlink files (EXDEV); falling back to full copy. This may lead to degraded performance. Set the link mode to "copy" to suppress this warning.',
              ]
            : [],
        );
        expect(statSync(join(dest, "xfs/__init__.py")).nlink).toBe(1);
        trees.push(treeListing(dest, { dirs: true, hash: 64 }));
      }
      expect(trees[1]).toBe(trees[0]);
      expect(trees[2]).toBe(trees[0]);
      expect(trees[0]).toContain("xfs/run.sh 755");
    });
  });
});

/** Every regular file under `root` with its inode (to compare with the cache's). */
function inodes(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const st = lstatSync(join(dir, name));
      if (st.isDirectory()) walk(join(dir, name), `${rel}${name}/`);
      else out.set(`${rel}${name}`, st.ino);
    }
  };
  walk(root, "");
  return out;
}

describe("installWheels in every link mode: the same tree, inodes shared only with hardlink", () => {
  // Enough files for the worker (parallel: true), a script whose mode differs from the cache's, an executable.
  const files: Record<string, string | { data: string | Uint8Array; mode: number }> = {};
  for (let i = 0; i < 120; i++) files[`lm/d${i % 4}/m${i}.py`] = `N = ${i}\n${"# pad\n".repeat(i)}`;
  files["lm/native.so"] = { data: seededBytes(3, COPY_CHUNK + 17), mode: 0o100755 };
  const wheel = makeWheel({
    name: "lm",
    version: "1.0",
    files,
    data: { scripts: { "lm-sh": "#!/bin/sh\necho\n" } },
    entryPoints: { console_scripts: { lm: "lm.d0.m0:main" } },
  });
  const base = { layout: "target" as const, python: [3, 13] as const };

  it("cold and warm, one thread or two: byte-identical trees; no shared inode unless hardlink", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [wheel]);
    const reference = await installWheels(inputs, { ...base, dest: join(box, "extract") });
    expect(reference.linkMode).toBe("extract");
    const tree = treeListing(join(box, "extract"), { dirs: true, hash: 64 });
    expect(tree).toContain("lm/native.so 755");
    expect(tree).toContain("bin/lm-sh 755");
    let n = 0;
    for (const linkMode of [undefined, "clone", "copy", "hardlink"] as const) {
      for (const parallel of [false, true]) {
        const cacheDir = join(box, `cache${n}`);
        const opts = { ...base, cacheDir, parallel, ...(linkMode ? { linkMode } : {}) };
        const cold = await installWheels(inputs, { ...opts, dest: join(box, `cold${n}`) });
        const warm = await installWheels(inputs, { ...opts, dest: join(box, `warm${n}`) });
        expect([cold.packages[0]!.cached, warm.packages[0]!.cached]).toEqual([false, true]);
        const cacheInodes = new Set(inodes(join(cacheDir, "unpacked-v2")).values());
        for (const [r, dest] of [
          [cold, `cold${n}`],
          [warm, `warm${n}`],
        ] as const) {
          expect(treeListing(join(box, dest), { dirs: true, hash: 64 }), `${linkMode} ${parallel} ${dest}`).toBe(tree);
          const shared = [...inodes(join(box, dest)).entries()].filter(([, ino]) => cacheInodes.has(ino));
          if (linkMode === "hardlink") {
            expect(r.linkMode).toBe("hardlink");
            // every file installed as cached (not the generated RECORD/INSTALLER/REQUESTED, launcher, re-moded script)
            expect(shared.length).toBe(120 + 1 + 3);
          } else {
            expect(["clone", "copy"]).toContain(r.linkMode);
            expect(shared).toEqual([]);
            expect(statSync(join(box, dest, "lm/d0/m0.py")).nlink).toBe(1);
          }
        }
        n++;
      }
    }
  });

  it("editing an installed file after a default install changes neither the cache nor the next install", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [wheel]);
    const cacheDir = join(box, "cache");
    await installWheels(inputs, { ...base, dest: join(box, "first"), cacheDir });
    const before = treeListing(join(box, "first"), { dirs: true, hash: 64 });
    // in place (same inode), as an editor that writes through the file or `echo >>` would
    writeFileSync(join(box, "first/lm/d1/m1.py"), "EDITED = True\n", { flag: "r+" });
    chmodSync(join(box, "first/lm/d2/m2.py"), 0o600);
    const second = await installWheels(inputs, { ...base, dest: join(box, "second"), cacheDir });
    expect(second.packages[0]!.cached).toBe(true);
    expect(treeListing(join(box, "second"), { dirs: true, hash: 64 })).toBe(before);
    expect(readFileSync(join(box, "second/lm/d1/m1.py"), "utf8")).toBe(`N = 1\n# pad\n`);
  });

  it("with hardlink, the same edit reaches the cache and the next install: the trade-off the option documents", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [wheel]);
    const cacheDir = join(box, "cache");
    const opts = { ...base, cacheDir, linkMode: "hardlink" as const };
    await installWheels(inputs, { ...opts, dest: join(box, "first") });
    writeFileSync(join(box, "first/lm/d1/m1.py"), "EDITED = True\n", { flag: "r+" });
    await installWheels(inputs, { ...opts, dest: join(box, "second") });
    expect(readFileSync(join(box, "second/lm/d1/m1.py"), "utf8")).toBe("EDITED = True\n");
  });
});
