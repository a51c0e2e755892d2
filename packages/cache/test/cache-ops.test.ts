import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTspackError } from "@tspack/errors";
import { afterAll, describe, expect, it } from "vitest";
import {
  CACHEDIR_TAG,
  cachePathFor,
  cleanCache,
  createTempPath,
  hasEntry,
  hashFile,
  initCache,
  pruneCache,
  publishDirectory,
  publishFile,
  unpackedDirFor,
  verifyCache,
} from "../src/index.js";

const roots: string[] = [];
function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), "tspack-cache-"));
  roots.push(d);
  return join(d, "cache");
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

/** The pid of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  if (pid === undefined) throw new Error("spawn failed");
  return pid;
}

async function put(root: string, content: string): Promise<string> {
  const tmp = await createTempPath(root);
  writeFileSync(tmp, content, { flag: "wx" });
  const path = cachePathFor(root, sha(content));
  await publishFile(tmp, path);
  return path;
}

describe("cache operations", () => {
  it("initCache writes CACHEDIR.TAG and .gitignore, idempotently", async () => {
    const root = fresh();
    await Promise.all([initCache(root), initCache(root)]);
    expect(readFileSync(join(root, "CACHEDIR.TAG"), "utf8")).toBe(CACHEDIR_TAG);
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toBe("*\n");
  });

  it("publishFile + hasEntry + hashFile", async () => {
    const root = fresh();
    const path = await put(root, "hello");
    expect(await hasEntry(root, sha("hello"))).toBe(true);
    expect(await hasEntry(root, sha("hello"), 5)).toBe(true);
    expect(await hasEntry(root, sha("hello"), 6)).toBe(false);
    expect(await hasEntry(root, sha("other"))).toBe(false);
    expect(await hashFile(path)).toEqual({ sha256: sha("hello"), size: 5 });
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("temp paths are unique and carry the pid", async () => {
    const root = fresh();
    const paths = await Promise.all(Array.from({ length: 50 }, () => createTempPath(root)));
    expect(new Set(paths).size).toBe(50);
    expect(paths[0]).toMatch(new RegExp(`/tmp/${process.pid}-[0-9a-f]{16}\\.part$`));
  });

  it("publishDirectory: the first writer wins, the loser's temp dir is removed", async () => {
    const root = fresh();
    const final = unpackedDirFor(root, sha("w"));
    const a = await createTempPath(root, "");
    const b = await createTempPath(root, "");
    for (const [d, v] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      mkdirSync(d);
      writeFileSync(join(d, "f"), v);
    }
    expect(await publishDirectory(a, final)).toBe("published");
    expect(await publishDirectory(b, final)).toBe("existing");
    expect(readFileSync(join(final, "f"), "utf8")).toBe("a");
    expect(existsSync(b)).toBe(false);
  });

  it("verifyCache re-hashes, removes and reports bad entries", async () => {
    const root = fresh();
    await put(root, "good");
    const badPath = await put(root, "bad");
    writeFileSync(badPath, "tampered");
    const r = await verifyCache(root);
    expect(r.checked).toBe(2);
    expect(r.bytes).toBe(4 + 8);
    expect(r.bad).toEqual([
      {
        path: `wheels-v1/sha256/${sha("bad").slice(0, 2)}/${sha("bad").slice(2)}`,
        expected: sha("bad"),
        actual: sha("tampered"),
      },
    ]);
    expect(existsSync(badPath)).toBe(false);
    expect(await hasEntry(root, sha("good"))).toBe(true);
    expect(await verifyCache(join(root, "nonexistent"))).toEqual({ checked: 0, bytes: 0, bad: [] });
  });

  it("pruneCache removes dead processes' and old temp files, unknown buckets and misnamed files only", async () => {
    const root = fresh();
    await initCache(root);
    await put(root, "keep");
    // A temp file of this (running) process is kept however old; one of a process that is gone is removed.
    const live = await createTempPath(root);
    writeFileSync(live, "in progress");
    utimesSync(live, new Date(0), new Date(0));
    const dead = join(root, "tmp", `${deadPid()}-${"0".repeat(16)}.part`);
    writeFileSync(dead, "partial");
    // A name without a pid goes by age.
    writeFileSync(join(root, "tmp", "old.part"), "x");
    utimesSync(join(root, "tmp", "old.part"), new Date(0), new Date(0));
    writeFileSync(join(root, "tmp", "recent.part"), "x");
    mkdirSync(join(root, "wheels-v0"));
    mkdirSync(join(root, "wheels-v1", "sha256", "zz"), { recursive: true });
    mkdirSync(join(root, "wheels-v1", "sha256", "ab"), { recursive: true });
    writeFileSync(join(root, "wheels-v1", "sha256", "ab", "short"), "x");
    // A temp file next to its entry: kept while its process runs.
    const liveEntryTemp = `${"c".repeat(62)}.${process.pid}.0123abcd.tmp`;
    writeFileSync(join(root, "wheels-v1", "sha256", "ab", liveEntryTemp), "x");
    const r = await pruneCache(root, { tempOlderThanMinutes: 60 });
    expect(r.removed).toEqual([
      `tmp/${dead.split("/").pop()}`,
      "tmp/old.part",
      "wheels-v0",
      "wheels-v1/sha256/ab/short",
      "wheels-v1/sha256/zz",
    ]);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(join(root, "tmp", "recent.part"))).toBe(true);
    expect(existsSync(join(root, "wheels-v1", "sha256", "ab", liveEntryTemp))).toBe(true);
    expect(existsSync(join(root, "TSPACK-CACHE"))).toBe(true);
    expect(await hasEntry(root, sha("keep"))).toBe(true);
  });

  it("pruneCache removes the old unpacked-v1 bucket and misnamed unpacked-v2 entries, keeping good ones", async () => {
    const root = fresh();
    await initCache(root);
    const good = unpackedDirFor(root, sha("u"));
    mkdirSync(join(good, "0"), { recursive: true });
    writeFileSync(join(good, "manifest.json"), "{}");
    mkdirSync(join(root, "unpacked-v1", sha("u"), "files"), { recursive: true });
    mkdirSync(join(root, "unpacked-v2", "zz"), { recursive: true });
    mkdirSync(join(root, "unpacked-v2", "ab", sha("u")), { recursive: true }); // wrong fan-out for this sha
    mkdirSync(join(root, "unpacked-v2", "ab", "not-a-sha"), { recursive: true });
    const r = await pruneCache(root);
    expect(r.removed).toEqual([
      "unpacked-v1",
      `unpacked-v2/ab/${sha("u")}`,
      "unpacked-v2/ab/not-a-sha",
      "unpacked-v2/zz",
    ]);
    expect(existsSync(join(good, "manifest.json"))).toBe(true);
  });

  it("pruneCache removes checked-v1 (CRC-only markers, never trusted now) and keeps checked-v2", async () => {
    const root = fresh();
    await initCache(root);
    for (const bucket of ["checked-v1", "checked-v2"]) {
      mkdirSync(join(root, bucket, sha("w").slice(0, 2)), { recursive: true });
      writeFileSync(join(root, bucket, sha("w").slice(0, 2), sha("w")), "");
    }
    expect((await pruneCache(root)).removed).toEqual(["checked-v1"]);
    expect(existsSync(join(root, "checked-v2", sha("w").slice(0, 2), sha("w")))).toBe(true);
  });

  it("pruneCache removes memoized results older than 30 days (default) and keeps recent ones", async () => {
    const root = fresh();
    await initCache(root);
    const dir = join(root, "memo-v1", "plan", "ab");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "old.json"), "{}");
    writeFileSync(join(dir, "recent.json"), "{}");
    const now = Date.now();
    utimesSync(join(dir, "old.json"), new Date(now - 31 * 86_400_000), new Date(now - 31 * 86_400_000));
    utimesSync(join(dir, "recent.json"), new Date(now - 29 * 86_400_000), new Date(now - 29 * 86_400_000));
    expect((await pruneCache(root, { now })).removed).toEqual(["memo-v1/plan/ab/old.json"]);
    expect(existsSync(join(dir, "recent.json"))).toBe(true);
    expect((await pruneCache(root, { now, memoOlderThanDays: 0 })).removed).toEqual(["memo-v1/plan/ab/recent.json"]);
  });

  it("verifyCache checks downloads only: unpacked entries are the installer's (verifyUnpacked)", async () => {
    const root = fresh();
    await initCache(root);
    await put(root, "good");
    const dir = unpackedDirFor(root, sha("garbage"));
    mkdirSync(join(dir, "0"), { recursive: true });
    writeFileSync(join(dir, "manifest.json"), "{ nope");
    expect(await verifyCache(root)).toEqual({ checked: 1, bytes: 4, bad: [] });
    expect(existsSync(dir)).toBe(true);
  });

  it("cleanCache removes a cache and refuses a directory that is not one", async () => {
    const root = fresh();
    await put(root, "x");
    await initCache(root);
    expect(await cleanCache(root)).toEqual({ removed: true });
    expect(existsSync(root)).toBe(false);
    expect(readdirSync(join(root, ".."))).toEqual([]);
    expect(await cleanCache(root)).toEqual({ removed: false });
    // After a clean, the cache is usable again.
    await initCache(root);
    await put(root, "y");
    expect(await hasEntry(root, sha("y"))).toBe(true);

    const project = fresh();
    mkdirSync(project);
    writeFileSync(join(project, "pyproject.toml"), "");
    const e = await cleanCache(project).catch((err: unknown) => err);
    expect(isTspackError(e, "TSPACK_NOT_OWNED")).toBe(true);
    expect((e as Error).message).toBe(
      `The folder "${project}" is not a tspack cache: it holds "pyproject.toml" and no TSPACK-CACHE marker`,
    );
    expect(existsSync(join(project, "pyproject.toml"))).toBe(true);
  });
});
