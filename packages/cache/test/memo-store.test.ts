import {
  chmodSync,
  existsSync,
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
import { encodeMemoEntry, localMemoStore, MEMO_BUCKET, memoEntryPath } from "../src/index.js";

const roots: string[] = [];
const root = (): string => {
  const d = mkdtempSync(join(tmpdir(), "tspack-memo-store-"));
  roots.push(d);
  return d;
};
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

const KEY = "a".repeat(64);
const OTHER = "b".repeat(64);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("localMemoStore", () => {
  it("round-trips bytes under (kind, key), in memo-v1/<kind>/ab/<key>, owner-only", async () => {
    const dir = root();
    const store = localMemoStore(dir);
    expect(await store.get("plan", KEY)).toBeUndefined();
    await store.put("plan", KEY, bytes("hello"));
    expect(Buffer.from((await store.get("plan", KEY))!).toString()).toBe("hello");
    expect(await store.get("zip", KEY)).toBeUndefined(); // kinds are apart
    const file = memoEntryPath(dir, "plan", KEY);
    expect(file).toBe(join(dir, MEMO_BUCKET, "plan", "aa", KEY));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const d of [MEMO_BUCKET, `${MEMO_BUCKET}/plan`, `${MEMO_BUCKET}/plan/aa`])
      expect(statSync(join(dir, d)).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]); // the temp file is gone
  });

  it("never replaces an entry", async () => {
    const store = localMemoStore(root());
    await store.put("plan", KEY, bytes("first"));
    await store.put("plan", KEY, bytes("second"));
    expect(Buffer.from((await store.get("plan", KEY))!).toString()).toBe("first");
  });

  it("a corrupt entry, or one copied under another key, is a miss (removed, so a put stores it again)", async () => {
    const dir = root();
    const store = localMemoStore(dir);
    await store.put("plan", KEY, bytes("value"));
    const file = memoEntryPath(dir, "plan", KEY);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 1;
    writeFileSync(file, flipped);
    expect(await store.get("plan", KEY)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    await store.put("plan", KEY, bytes("value"));
    expect(Buffer.from((await store.get("plan", KEY))!).toString()).toBe("value");
    // The same bytes under another key (or kind) do not verify.
    await store.put("plan", OTHER, bytes("x"));
    writeFileSync(memoEntryPath(dir, "plan", OTHER), good);
    expect(await store.get("plan", OTHER)).toBeUndefined();
    writeFileSync(memoEntryPath(dir, "plan", KEY), encodeMemoEntry("zip", KEY, bytes("value")));
    expect(await store.get("plan", KEY)).toBeUndefined();
    // A truncated header.
    writeFileSync(memoEntryPath(dir, "plan", KEY), "tspmemo1");
    expect(await store.get("plan", KEY)).toBeUndefined();
  });

  it("rejects kinds and keys that are not names (no path can leave the bucket)", async () => {
    const dir = root();
    const store = localMemoStore(dir);
    await store.put("../x", KEY, bytes("v"));
    await store.put("plan", "../../etc", bytes("v"));
    expect(await store.get("../x", KEY)).toBeUndefined();
    expect(existsSync(join(dir, MEMO_BUCKET))).toBe(false);
  });

  it("never throws for a cache it cannot write (a file in its place, a read-only folder)", async () => {
    const file = join(root(), "file");
    writeFileSync(file, "not a folder");
    await expect(localMemoStore(file).put("plan", KEY, bytes("v"))).resolves.toBeUndefined();
    expect(await localMemoStore(file).get("plan", KEY)).toBeUndefined();
    const dir = root();
    const store = localMemoStore(dir);
    await store.put("plan", OTHER, bytes("v")); // creates the cache
    chmodSync(join(dir, MEMO_BUCKET, "plan"), 0o500);
    try {
      await expect(store.put("plan", KEY, bytes("v"))).resolves.toBeUndefined();
    } finally {
      chmodSync(join(dir, MEMO_BUCKET, "plan"), 0o700);
    }
  });
});
