// The remote cache against a real S3 server: a throw-away Ceph RADOS Gateway on 127.0.0.1 (one cluster for
// the file), which checks SigV4 signatures and conditional writes like AWS S3 does.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { cachePathFor, hasEntry, initCache, publishFile } from "@tspack/cache";
import { isTspackError } from "@tspack/errors";
import {
  decodeMemoEntry,
  layerStores,
  type MemoStore,
  openRemoteCache,
  prefetchWheels,
  type RemoteCacheOptions,
  remoteMemoKey,
  remoteWheelKey,
  shareWheels,
} from "@tspack/remote-cache";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cephMissing, type RgwCluster, startRgw } from "../../../test/helpers/ceph-rgw.js";

const skip = cephMissing();
if (skip !== undefined) console.warn(skip);

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const key = (label: string): string => sha(Buffer.from(label));

describe.skipIf(skip !== undefined)("remote cache on Ceph RGW", () => {
  let rgw: RgwCluster;
  let admin: S3Client;
  const dirs: string[] = [];
  let n = 0;

  beforeAll(async () => {
    rgw = await startRgw();
    admin = new S3Client({
      endpoint: rgw.endpoint,
      region: rgw.region,
      forcePathStyle: true,
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
  }, 60_000);
  afterAll(async () => {
    admin?.destroy();
    await rgw?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A fresh prefix per test, so tests never see each other's objects. */
  const prefix = (): string => `t${++n}-${randomBytes(3).toString("hex")}`;
  const tempCache = (): string => {
    const d = mkdtempSync(join(tmpdir(), "tspack-remote-test-"));
    dirs.push(d);
    return join(d, "cache");
  };
  const open = (p: string, extra: Partial<RemoteCacheOptions> = {}, warnings: string[] = []) =>
    openRemoteCache({
      url: `s3://${rgw.bucket}/${p}`,
      env: { ...rgw.env(), AWS_ENDPOINT_URL_S3: rgw.endpoint },
      warn: (m) => warnings.push(m),
      maxAttempts: 2,
      ...extra,
    });
  const listKeys = async (p: string): Promise<string[]> => {
    const res = await admin.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${p}/` }));
    return (res.Contents ?? []).map((c) => c.Key!).sort();
  };
  const rawGet = async (k: string): Promise<Uint8Array> => {
    const res = await admin.send(new GetObjectCommand({ Bucket: rgw.bucket, Key: k }));
    return await res.Body!.transformToByteArray();
  };
  /** A wheel-like file put into a local cache by its sha256. */
  const putLocalWheel = async (cacheRoot: string, bytes: Uint8Array): Promise<string> => {
    await initCache(cacheRoot);
    const h = sha(bytes);
    const tmp = join(cacheRoot, "..", `w-${h}`);
    writeFileSync(tmp, bytes);
    await publishFile(tmp, cachePathFor(cacheRoot, h));
    return h;
  };

  it("round-trips a derived entry with its digest, and layers under a local store (read-through)", async () => {
    const p = prefix();
    const remote = await open(p);
    const bytes = randomBytes(3000);
    const k = key("plan-a");
    await remote.put("plan", k, bytes);
    expect(await listKeys(p)).toEqual([remoteMemoKey(p, "plan", k)]);
    expect(remoteMemoKey(p, "plan", k)).toBe(`${p}/memo-v1/plan/${k.slice(0, 2)}/${k}`);
    // The object carries its own digest: the header names the entry and the sha256 of the bytes.
    const raw = await rawGet(remoteMemoKey(p, "plan", k));
    expect(Buffer.from(raw.subarray(0, 14)).toString()).toBe("tspack-memo 1 ");
    expect(Buffer.from(raw).toString("latin1")).toContain(sha(bytes));
    expect(decodeMemoEntry("plan", k, raw)).toEqual({ bytes: new Uint8Array(bytes) });

    // A second runner: empty local store, the remote's entry comes through and is stored locally.
    const local = new Map<string, Uint8Array>();
    const localStore: MemoStore = {
      get: async (kind, kk) => local.get(`${kind}/${kk}`),
      put: async (kind, kk, b) => void local.set(`${kind}/${kk}`, b),
    };
    const runner2 = await open(p);
    const layered = layerStores(localStore, runner2);
    expect(Buffer.from((await layered.get("plan", k))!)).toEqual(bytes);
    expect(local.has(`plan/${k}`)).toBe(true);
    expect(runner2.stats.hits).toBe(1);
    expect(await layered.get("plan", key("nothing"))).toBeUndefined();
    // A put goes to the local store at once and to the remote in the background, awaited by flush().
    const k2 = key("zip-recipe-b");
    await layered.put("zip-recipe", k2, new Uint8Array([1, 2, 3]));
    expect(local.has(`zip-recipe/${k2}`)).toBe(true);
    await runner2.flush();
    expect(await listKeys(p)).toContain(remoteMemoKey(p, "zip-recipe", k2));
    remote.close();
    runner2.close();
  });

  it("shares wheels by sha256: upload in the background, a fresh local cache fills from the bucket, verified", async () => {
    const p = prefix();
    const cacheA = tempCache();
    const wheel = randomBytes(200_000);
    const h = await putLocalWheel(cacheA, wheel);
    const a = await open(p);
    shareWheels(a, cacheA, [h]);
    await a.flush();
    expect(await listKeys(p)).toEqual([remoteWheelKey(p, h)]);
    expect(Buffer.from(await rawGet(remoteWheelKey(p, h)))).toEqual(wheel);

    const cacheB = tempCache();
    const b = await open(p);
    const served = await prefetchWheels(b, cacheB, [{ sha256: h, size: wheel.length }, { sha256: key("absent") }]);
    expect([...served]).toEqual([h]);
    expect(readFileSync(cachePathFor(cacheB, h))).toEqual(wheel);
    expect(b.stats).toMatchObject({ hits: 1, misses: 1, corrupt: 0, failures: 0 });
    a.close();
    b.close();
  });

  it("junk objects are a miss with a warning, never bytes: memo entries and wheels", async () => {
    const p = prefix();
    const k = key("junk");
    const wheel = randomBytes(5000);
    const h = sha(wheel);
    // Someone (or a foreign tool) wrote junk under tspack's keys.
    await admin.send(new PutObjectCommand({ Bucket: rgw.bucket, Key: remoteMemoKey(p, "plan", k), Body: "junk" }));
    const shifted = encodeOther(k, randomBytes(10));
    await admin.send(
      new PutObjectCommand({ Bucket: rgw.bucket, Key: remoteMemoKey(p, "plan", key("other")), Body: shifted }),
    );
    await admin.send(
      new PutObjectCommand({ Bucket: rgw.bucket, Key: remoteWheelKey(p, h), Body: randomBytes(wheel.length) }),
    );
    const warnings: string[] = [];
    const remote = await open(p, {}, warnings);
    expect(await remote.get("plan", k)).toBeUndefined();
    // An intact entry copied under another key is refused too (its header names another key).
    expect(await remote.get("plan", key("other"))).toBeUndefined();
    const cache = tempCache();
    expect(await remote.fetchWheel(cache, h, wheel.length)).toBe(false);
    expect(await hasEntry(cache, h)).toBe(false);
    expect(remote.stats.corrupt).toBe(3);
    expect(warnings).toHaveLength(3);
    for (const w of warnings) expect(w).toMatch(new RegExp(`^remote cache s3://${rgw.bucket}/${p}: the object "`));
    expect(warnings[0]).toContain("no tspack header");
    expect(warnings[1]).toContain("another entry's header");
    expect(warnings[2]).toContain("does not hash to its name");
    // Junk does not disable the remote: the next good object is served.
    const good = key("good");
    await remote.put("plan", good, new Uint8Array([7]));
    expect(await remote.get("plan", good)).toEqual(new Uint8Array([7]));
    remote.close();
  });

  it("read mode writes nothing", async () => {
    const p = prefix();
    const cache = tempCache();
    const h = await putLocalWheel(cache, randomBytes(1000));
    const remote = await open(p, { mode: "read" });
    await remote.put("plan", key("r"), new Uint8Array([1]));
    remote.putInBackground("plan", key("r2"), new Uint8Array([1]));
    shareWheels(remote, cache, [h]);
    await remote.uploadWheel(cache, h);
    await remote.flush();
    expect(await listKeys(p)).toEqual([]);
    expect(remote.stats.uploads).toBe(0);
    remote.close();
  });

  it("racing conditional writes leave one intact object", async () => {
    const p = prefix();
    const k = key("race");
    const payloads = Array.from({ length: 6 }, () => randomBytes(64 * 1024));
    const runners = await Promise.all(payloads.map(() => open(p)));
    await Promise.all(runners.map((r, i) => r.put("pyc", k, payloads[i]!)));
    expect(await listKeys(p)).toEqual([remoteMemoKey(p, "pyc", k)]);
    const uploads = runners.reduce((s, r) => s + r.stats.uploads, 0);
    const existing = runners.reduce((s, r) => s + r.stats.existing, 0);
    expect(uploads).toBe(1);
    expect(existing).toBe(5);
    const decoded = decodeMemoEntry("pyc", k, await rawGet(remoteMemoKey(p, "pyc", k)));
    expect("bytes" in decoded).toBe(true);
    const winner = runners.findIndex((r) => r.stats.uploads === 1);
    expect(Buffer.from((decoded as { bytes: Uint8Array }).bytes)).toEqual(payloads[winner]);
    // A later writer never overwrites either.
    const late = await open(p);
    await late.put("pyc", k, new Uint8Array([9]));
    expect(late.stats.existing).toBe(1);
    expect(Buffer.from((await late.get("pyc", k))!)).toEqual(payloads[winner]);
    for (const r of [...runners, late]) r.close();
  });

  it("wrong credentials: a warning naming the cache (no secret), then misses without more requests; an error when required", async () => {
    const p = prefix();
    const secret = "wrong-secret-0123456789abcdef";
    const env = { ...rgw.env(), AWS_SECRET_ACCESS_KEY: secret };
    const warnings: string[] = [];
    const remote = await open(p, { env }, warnings);
    expect(await remote.get("plan", key("x"))).toBeUndefined();
    expect(await remote.fetchWheel(tempCache(), key("w"))).toBe(false);
    await remote.put("plan", key("y"), new Uint8Array([1]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^remote cache s3://${rgw.bucket}/${p}: access denied \\(HTTP 403`));
    expect(warnings[0]).toContain("going on without it");
    expect(warnings.join("\n")).not.toContain(secret);
    expect(remote.stats.failures).toBe(1);
    expect(await listKeys(p)).toEqual([]);
    remote.close();

    const strict = await open(p, { env, required: true });
    const err = await strict.get("plan", key("x")).catch((e: unknown) => e);
    expect(isTspackError(err)).toBe(true);
    expect(err).toMatchObject({ code: "TSPACK_REMOTE_CACHE" });
    expect(String((err as Error).message)).toContain(`s3://${rgw.bucket}/${p}`);
    expect(String((err as Error).message)).toContain("access denied");
    expect(JSON.stringify(err)).not.toContain(secret);
    // A background upload's failure comes out of flush().
    strict.putInBackground("plan", key("z"), new Uint8Array([1]));
    await expect(strict.flush()).rejects.toMatchObject({ code: "TSPACK_REMOTE_CACHE" });
    strict.close();
  });

  it("a stopped gateway: a warning and a miss, quickly; an error when required", async () => {
    const p = prefix();
    await rgw.stopGateway();
    try {
      const warnings: string[] = [];
      const remote = await open(p, {}, warnings);
      const t0 = performance.now();
      expect(await remote.get("plan", key("x"))).toBeUndefined();
      expect(await remote.fetchWheel(tempCache(), key("w"))).toBe(false);
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`remote cache s3://${rgw.bucket}/${p}: cannot reach ${rgw.endpoint} (ECONNREFUSED`);
      remote.close();
      const strict = await open(p, { required: true });
      await expect(strict.get("plan", key("x"))).rejects.toMatchObject({ code: "TSPACK_REMOTE_CACHE" });
      strict.close();
    } finally {
      await rgw.startGateway();
    }
    // Back up: the same cache works again in a new run.
    const again = await open(p);
    await again.put("plan", key("x"), new Uint8Array([5]));
    expect(await again.get("plan", key("x"))).toEqual(new Uint8Array([5]));
    again.close();
  });
});

/** An intact entry for key `k`, to be stored under another key (a misplaced or foreign object). */
function encodeOther(k: string, bytes: Uint8Array): Uint8Array {
  const h = createHash("sha256").update(bytes).digest("hex");
  const header = Buffer.from(`tspack-memo 1 plan ${k} ${h} ${bytes.length}\n`);
  return Buffer.concat([header, bytes]);
}
