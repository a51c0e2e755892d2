import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  cacheTempPid,
  innerPath,
  isInnerStagingName,
  isMountPoint,
  leftoverPid,
  moveEntry,
  processGone,
  replaceFolder,
  siblingPath,
  stagingFor,
  sweepCacheTemp,
  sweepLeftovers,
} from "../src/index.js";

const roots: string[] = [];
function box(): string {
  const d = mkdtempSync(join(tmpdir(), "tspack-staging-"));
  roots.push(d);
  return d;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  if (pid === undefined) throw new Error("spawn failed");
  return pid;
}

describe("staging names (pure)", () => {
  it("fresh names carry the tag and this process's id", () => {
    const re = new RegExp(`^/x/\\.out\\.tspack-build-${process.pid}-[0-9a-f]{8}$`);
    expect(siblingPath("/x/out", "build")).toMatch(re);
    expect(innerPath("/x/out", "staging")).toMatch(new RegExp(`^/x/out/\\.tspack-staging-${process.pid}-[0-9a-f]{8}$`));
    expect(leftoverPid(siblingPath("/x/out", "old").slice(3), "out")).toBe(process.pid);
  });

  it("beside a folder: tspack's names exactly, with the pid; the older tag-less forms too", () => {
    expect(leftoverPid(".out.tspack-build-123-0a1b2c3d", "out")).toBe(123);
    expect(leftoverPid(".out.tspack-staging-9-0a1b2c3d", "out")).toBe(9);
    expect(leftoverPid(".out.tspack-old-77-0a1b2c3d", "out")).toBe(77);
    expect(leftoverPid(".out.tspack-123-0a1b2c3d", "out")).toBe(123); // older build staging
    expect(leftoverPid(".out.tspack-123-0a1b2c3d.old", "out")).toBe(123); // older build's old output
    expect(leftoverPid("requirements.txt.tspack-55.tmp", "requirements.txt")).toBe(55); // older export temp
    expect(leftoverPid("cache.deleting-55-0a1b2c3d", "cache")).toBe(55); // older cache clean
    for (const name of [
      ".out.tspack-build-123-0a1b2c3",
      ".out.tspack-build-123-0a1b2c3dd",
      ".out.tspack-build-123-0A1B2C3D",
      ".out.tspack-build-0-0a1b2c3d",
      ".out.tspack-build-x-0a1b2c3d",
      ".out.tspack-mine-123-0a1b2c3d",
      ".out.tspack-build-123-0a1b2c3d.old",
      ".out2.tspack-build-123-0a1b2c3d",
      ".other.tspack-build-123-0a1b2c3d",
      "out.tspack-build-123-0a1b2c3d",
      ".out.tspack-build-123-0a1b2c3d ",
      "out",
      "notes.txt",
    ])
      expect(leftoverPid(name, "out"), name).toBeUndefined();
  });

  it("inside a folder: `.tspack-<tag>-<pid>-<8 hex>` only", () => {
    expect(leftoverPid(".tspack-staging-42-deadbeef")).toBe(42);
    expect(isInnerStagingName(".tspack-build-42-deadbeef")).toBe(true);
    for (const name of [".tspack-staging-42-deadbee", "tspack-staging-42-deadbeef", ".tspack-x-42-deadbeef", ".tspack"])
      expect(isInnerStagingName(name), name).toBe(false);
  });

  it("cache temp names: `<pid>-<16 hex>[.suffix]`", () => {
    expect(cacheTempPid("123-0123456789abcdef.part")).toBe(123);
    expect(cacheTempPid("123-0123456789abcdef")).toBe(123);
    expect(cacheTempPid("123-0123456789abcdef.unpack")).toBe(123);
    expect(cacheTempPid("123-0123456789abcde.part")).toBeUndefined();
    expect(cacheTempPid("probe")).toBeUndefined();
  });
});

describe("processGone", () => {
  it("is true only for an exited process (ESRCH); this process, a live one and nonsense are alive", async () => {
    expect(processGone(deadPid())).toBe(true);
    expect(processGone(process.pid)).toBe(false);
    expect(processGone(0)).toBe(false);
    expect(processGone(-1)).toBe(false);
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      expect(processGone(child.pid!)).toBe(false);
    } finally {
      child.kill();
    }
  });
});

describe("sweepLeftovers", () => {
  it("removes a dead process's staging folders beside and inside a folder; keeps live ones and other names", async () => {
    const b = box();
    const dest = join(b, "out");
    mkdirSync(dest);
    writeFileSync(join(dest, "mine.txt"), "user");
    const dead = deadPid();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const live = child.pid!;
      const made = [
        `.out.tspack-build-${dead}-0a1b2c3d`,
        `.out.tspack-staging-${dead}-0a1b2c3d`,
        `.out.tspack-${dead}-0a1b2c3d.old`,
        `.out.tspack-build-${live}-0a1b2c3d`,
        `.out.tspack-build-${process.pid}-0a1b2c3d`,
        `.out.tspack-mine-${dead}-0a1b2c3d`,
        `.other.tspack-build-${dead}-0a1b2c3d`,
      ];
      for (const name of made) {
        mkdirSync(join(b, name, "deep"), { recursive: true });
        writeFileSync(join(b, name, "deep", "f"), "x".repeat(1000));
      }
      mkdirSync(join(dest, `.tspack-staging-${dead}-0a1b2c3d`));
      mkdirSync(join(dest, `.tspack-staging-${live}-0a1b2c3d`));
      const removed = sweepLeftovers(dest);
      expect(removed.map((p) => p.slice(b.length + 1)).sort()).toEqual(
        [made[0], made[1], made[2], `out/.tspack-staging-${dead}-0a1b2c3d`].sort(),
      );
      expect(readdirSync(b).sort()).toEqual(["out", ...made.slice(3)].sort());
      expect(readdirSync(dest).sort()).toEqual([`.tspack-staging-${live}-0a1b2c3d`, "mine.txt"]);
    } finally {
      child.kill();
    }
  });

  it("sweepCacheTemp removes dead processes' temp entries only", () => {
    const b = box();
    const dead = deadPid();
    mkdirSync(join(b, `${dead}-0123456789abcdef.unpack`, "0"), { recursive: true });
    writeFileSync(join(b, `${dead}-0123456789abcdef.part`), "x");
    writeFileSync(join(b, `${process.pid}-0123456789abcdef.part`), "x");
    writeFileSync(join(b, "odd-name"), "x");
    expect(sweepCacheTemp(b).length).toBe(2);
    expect(readdirSync(b).sort()).toEqual([`${process.pid}-0123456789abcdef.part`, "odd-name"]);
  });
});

describe("replaceFolder", () => {
  const tree = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (rel: string): void => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const r = rel === "" ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) walk(r);
        else out[r] = readFileSync(join(dir, r), "utf8");
      }
    };
    walk("");
    return out;
  };

  it("swaps an ordinary folder (and renames into a missing one)", () => {
    const b = box();
    const dest = join(b, "out");
    const first = stagingFor(dest, "build");
    expect(first.inPlace).toBe(false);
    mkdirSync(join(first.path, "task"), { recursive: true });
    writeFileSync(join(first.path, "task", "a"), "1");
    expect(replaceFolder(first.path, dest, { inPlace: false, old: () => [] })).toBe("rename");
    const second = stagingFor(dest, "build");
    mkdirSync(second.path);
    writeFileSync(join(second.path, "b"), "2");
    expect(replaceFolder(second.path, dest, { inPlace: false, old: () => ["task"] })).toBe("replace");
    expect(tree(dest)).toEqual({ b: "2" });
    expect(readdirSync(b)).toEqual(["out"]);
  });

  it("in place: replaces only the listed old entries, proof last out and first in; the folder itself stays", () => {
    const b = box();
    const dest = join(b, "mnt");
    mkdirSync(join(dest, "task"), { recursive: true });
    writeFileSync(join(dest, "task", "old"), "old");
    writeFileSync(join(dest, "build.json"), "old manifest");
    const staging = innerPath(dest, "build");
    mkdirSync(join(staging, "task"), { recursive: true });
    writeFileSync(join(staging, "task", "new"), "new");
    writeFileSync(join(staging, "build.json"), "new manifest");
    writeFileSync(join(staging, "Dockerfile"), "FROM x");
    expect(
      replaceFolder(staging, dest, {
        inPlace: true,
        old: () => ["task", "build.json"],
        isProof: (n) => n === "build.json",
      }),
    ).toBe("replace");
    expect(tree(dest)).toEqual({ "build.json": "new manifest", Dockerfile: "FROM x", "task/new": "new" });
  });

  it("in place: a failure while moving in puts the old entries back", () => {
    const b = box();
    const dest = join(b, "mnt");
    mkdirSync(dest);
    writeFileSync(join(dest, "function.zip"), "old zip");
    writeFileSync(join(dest, "build.json"), "old manifest");
    const staging = innerPath(dest, "build");
    mkdirSync(staging);
    writeFileSync(join(staging, "build.json"), "new manifest");
    writeFileSync(join(staging, "function.zip"), "new zip");
    // An entry that is not in the old list and that the staged one cannot replace (a non-empty folder).
    mkdirSync(join(staging, "layer.zip"));
    mkdirSync(join(dest, "layer.zip", "user"), { recursive: true });
    expect(() =>
      replaceFolder(staging, dest, {
        inPlace: true,
        old: () => ["function.zip", "build.json"],
        isProof: (n) => n === "build.json",
      }),
    ).toThrow();
    expect(readFileSync(join(dest, "function.zip"), "utf8")).toBe("old zip");
    expect(readFileSync(join(dest, "build.json"), "utf8")).toBe("old manifest");
    expect(existsSync(join(dest, "layer.zip", "user"))).toBe(true);
  });
});

describe("moveEntry", () => {
  // Two file systems to move between: the temp folder and /dev/shm (a tmpfs on Linux), when they differ.
  const other = existsSync("/dev/shm") ? "/dev/shm" : undefined;
  const crossDevice = other !== undefined && statSync(other).dev !== statSync(tmpdir()).dev;
  if (!crossDevice) console.warn("skipped: moveEntry across file systems (no /dev/shm on another file system)");
  it.skipIf(!crossDevice)(
    "across file systems (EXDEV) copies a tree and a file over a file, then deletes the source",
    () => {
      const b = box();
      const far = mkdtempSync(join(other!, "tspack-move-"));
      roots.push(far);
      mkdirSync(join(b, "tree", "sub"), { recursive: true });
      writeFileSync(join(b, "tree", "sub", "f"), "tree", { mode: 0o755 });
      writeFileSync(join(b, "file"), "new");
      writeFileSync(join(far, "file"), "old");
      moveEntry(join(b, "tree"), join(far, "tree"));
      moveEntry(join(b, "file"), join(far, "file"));
      expect(readFileSync(join(far, "tree", "sub", "f"), "utf8")).toBe("tree");
      expect(statSync(join(far, "tree", "sub", "f")).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(far, "file"), "utf8")).toBe("new");
      expect(readdirSync(b)).toEqual([]);
    },
  );
});

describe("isMountPoint", () => {
  it("an ordinary folder is not one; / is", () => {
    const b = box();
    expect(isMountPoint(b)).toBe(false);
    expect(isMountPoint(join(b, "missing"))).toBe(false);
    expect(isMountPoint("/")).toBe(true);
  });

  const noMount =
    process.platform !== "linux"
      ? "bind mounts are Linux-only"
      : process.getuid?.() !== 0
        ? "mount --bind needs root"
        : undefined;
  if (noMount) console.warn(`skipped: the bind-mount test of isMountPoint (${noMount})`);
  it.skipIf(noMount !== undefined)("a bind mount of a folder on the same file system is one (root only)", () => {
    const b = box();
    mkdirSync(join(b, "src"));
    mkdirSync(join(b, "mnt"));
    const r = spawnSync("mount", ["--bind", join(b, "src"), join(b, "mnt")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mount --bind failed: ${r.stderr}`);
    try {
      expect(isMountPoint(join(b, "mnt"))).toBe(true);
      expect(stagingFor(join(b, "mnt"), "staging").path.startsWith(join(b, "mnt", ".tspack-staging-"))).toBe(true);
    } finally {
      spawnSync("umount", [join(b, "mnt")]);
    }
  });
});
