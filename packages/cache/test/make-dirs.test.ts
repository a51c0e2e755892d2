import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeDirs, makeDirsSync } from "../src/index.js";

const box = mkdtempSync(join(tmpdir(), "tspack-make-dirs-"));
afterAll(() => rmSync(box, { recursive: true, force: true }));

const codeOf = async (f: () => unknown): Promise<string | undefined> => {
  try {
    await f();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
  return undefined;
};

describe("makeDirs / makeDirsSync", () => {
  it("make every missing folder, and accept existing ones", async () => {
    makeDirsSync(join(box, "a", "b", "c"));
    await makeDirs(join(box, "d", "e"));
    await makeDirs(join(box, "d", "e"));
    expect(statSync(join(box, "a", "b", "c")).isDirectory()).toBe(true);
    expect(statSync(join(box, "d", "e")).isDirectory()).toBe(true);
  });

  it("report a file in the way as ENOTDIR (Node says EEXIST for the last part)", async () => {
    writeFileSync(join(box, "file"), "x");
    for (const dir of [join(box, "file"), join(box, "file", "sub")]) {
      expect(await codeOf(() => makeDirsSync(dir))).toBe("ENOTDIR");
      expect(await codeOf(() => makeDirs(dir))).toBe("ENOTDIR");
    }
  });

  // Node's recursive mkdir says ENOENT for EROFS (nodejs/node#47098; for ENOSPC on older Nodes, #42808).
  it.skipIf(process.getuid?.() !== 0)("report EROFS and ENOSPC as they are (root: tmpfs)", async () => {
    const mnt = join(box, "mnt");
    mkdirSync(mnt);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k,nr_inodes=4", "tmpfs", mnt]);
    try {
      // tmpfs with 4 inodes: the root and three folders, then ENOSPC
      for (let i = 0; i < 3; i++) mkdirSync(join(mnt, `d${i}`));
      const full = join(mnt, "x");
      expect(await codeOf(() => makeDirsSync(full))).toBe("ENOSPC");
      expect(await codeOf(() => makeDirs(full))).toBe("ENOSPC");
      execFileSync("mount", ["-o", "remount,ro", mnt]);
      const ro = join(mnt, "d0", "z");
      expect(await codeOf(() => makeDirsSync(ro))).toBe("EROFS");
      expect(await codeOf(() => makeDirs(ro))).toBe("EROFS");
    } finally {
      execFileSync("umount", [mnt]);
    }
  });
});
