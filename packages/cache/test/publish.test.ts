import { spawnSync } from "node:child_process";
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
import { cachePathFor, initCache, publishFile, tempFileFor, writeFileAtomic } from "../src/index.js";

const made: string[] = [];
function box(): string {
  made.push(mkdtempSync(join(tmpdir(), "tspack-publish-")));
  return made.at(-1)!;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const SHA = "ab".repeat(32);

/** A stream of bytes that fails after its first chunk: a write that breaks half-way. */
async function* failingHalfway(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(64 * 1024).fill(0x61);
  throw new Error("disk gone");
}

describe("writeFileAtomic beside a file (files outside the cache)", () => {
  it("replaces the file whole; the temp name is gone", async () => {
    const dir = box();
    const path = join(dir, "out", "requirements.txt");
    expect(await writeFileAtomic(path, "one\n", { temp: { beside: "export" } })).toBe("published");
    expect(await writeFileAtomic(path, "two\n", { temp: { beside: "export" } })).toBe("published");
    expect(readFileSync(path, "utf8")).toBe("two\n");
    expect(readdirSync(join(dir, "out"))).toEqual(["requirements.txt"]);
  });

  it("a failure mid-write leaves the old file and no temp file", async () => {
    const dir = box();
    const path = join(dir, "requirements.txt");
    writeFileSync(path, "old\n");
    await expect(writeFileAtomic(path, failingHalfway(), { temp: { beside: "export" } })).rejects.toThrow("disk gone");
    expect(readFileSync(path, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["requirements.txt"]);
  });

  it("never replaces a folder (nor writes into it); the temp file is removed", async () => {
    const dir = box();
    const path = join(dir, "requirements.txt");
    mkdirSync(path);
    writeFileSync(join(path, "mine"), "user data");
    await expect(writeFileAtomic(path, "x", { temp: { beside: "export" } })).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/),
    });
    expect(readFileSync(join(path, "mine"), "utf8")).toBe("user data");
    expect(readdirSync(dir)).toEqual(["requirements.txt"]);
  });

  it("sweeps a dead run's temp file beside the file, keeps a live one's and other names", async () => {
    const dir = box();
    const path = join(dir, "requirements.txt");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const deadTemp = `.requirements.txt.tspack-export-${dead}-0a1b2c3d`;
    const liveTemp = `.requirements.txt.tspack-export-${process.pid}-0a1b2c3d`;
    for (const n of [deadTemp, liveTemp, "requirements.txt.bak"]) writeFileSync(join(dir, n), "x");
    await writeFileAtomic(path, "new\n", { temp: { beside: "export" } });
    expect(readdirSync(dir).sort()).toEqual([liveTemp, "requirements.txt", "requirements.txt.bak"].sort());
  });

  it("a temp path from tempFileFor is used as given (the caller names it in its errors)", async () => {
    const dir = box();
    const path = join(dir, "sub", "f.txt");
    const tmp = await tempFileFor(path, { beside: "export" });
    expect(tmp.startsWith(join(dir, "sub", `.f.txt.tspack-export-${process.pid}-`))).toBe(true);
    expect(existsSync(join(dir, "sub"))).toBe(true);
    await writeFileAtomic(path, "x", { temp: { path: tmp }, mode: 0o640 });
    expect(readFileSync(path, "utf8")).toBe("x");
    expect(statSync(path).mode & 0o777).toBe(0o640 & ~process.umask());
    expect(existsSync(tmp)).toBe(false);
  });
});

describe("writeFileAtomic in the cache", () => {
  it("goes through the cache's tmp/ (opening the cache through the guard) and leaves nothing there", async () => {
    const root = join(box(), "cache");
    const path = cachePathFor(root, SHA);
    expect(await writeFileAtomic(path, "wheel", { temp: { cacheRoot: root } })).toBe("published");
    expect(readFileSync(path, "utf8")).toBe("wheel");
    expect(existsSync(join(root, "TSPACK-CACHE"))).toBe(true);
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("replace: false never replaces an existing entry (the first writer wins)", async () => {
    const root = join(box(), "cache");
    const path = cachePathFor(root, SHA);
    expect(await writeFileAtomic(path, "first", { temp: { cacheRoot: root }, replace: false })).toBe("published");
    expect(await writeFileAtomic(path, "second", { temp: { cacheRoot: root }, replace: false })).toBe("existing");
    expect(readFileSync(path, "utf8")).toBe("first");
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("refuses a folder that is not tspack's cache before writing anything", async () => {
    const root = box();
    writeFileSync(join(root, "notes.txt"), "mine");
    await expect(writeFileAtomic(join(root, "x"), "data", { temp: { cacheRoot: root } })).rejects.toMatchObject({
      code: "TSPACK_NOT_OWNED",
    });
    expect(readdirSync(root)).toEqual(["notes.txt"]);
  });

  it("refuses a cache entry outside the cache whose temp folder would hold it", async () => {
    const dir = box();
    const root = join(dir, "cache");
    await expect(writeFileAtomic(join(dir, "elsewhere"), "x", { temp: { cacheRoot: root } })).rejects.toMatchObject({
      code: "TSPACK_INTERNAL",
    });
    expect(existsSync(join(dir, "elsewhere"))).toBe(false);
  });

  it("a failure mid-write leaves the old entry and an empty tmp/", async () => {
    const root = join(box(), "cache");
    const path = cachePathFor(root, SHA);
    await writeFileAtomic(path, "old", { temp: { cacheRoot: root } });
    await expect(writeFileAtomic(path, failingHalfway(), { temp: { cacheRoot: root } })).rejects.toThrow("disk gone");
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });
});

describe("publishFile (a temp file the caller wrote)", () => {
  it("replace: false keeps the existing file and removes the temp file", async () => {
    const root = join(box(), "cache");
    await initCache(root);
    const path = join(root, "wheels-v1", "ab", "x");
    mkdirSync(join(root, "wheels-v1", "ab"), { recursive: true });
    writeFileSync(path, "kept");
    const tmp = await tempFileFor(path, { cacheRoot: root });
    writeFileSync(tmp, "new", { flag: "wx" });
    expect(await publishFile(tmp, path, { replace: false })).toBe("existing");
    expect(readFileSync(path, "utf8")).toBe("kept");
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("a failed rename leaves the destination and removes the temp file", async () => {
    const dir = box();
    const dest = join(dir, "dest");
    mkdirSync(dest);
    writeFileSync(join(dest, "inside"), "x");
    const tmp = join(dir, ".dest.tspack-export-1-00000000");
    writeFileSync(tmp, "new");
    await expect(publishFile(tmp, dest)).rejects.toBeTruthy();
    expect(readdirSync(dest)).toEqual(["inside"]);
    expect(existsSync(tmp)).toBe(false);
  });
});
