// The worker pool: one worker module (src/pool/worker.ts, loaded from its compiled file), its jobs as
// message types. A job gives the same result in the worker as on this thread, and a worker that dies
// surfaces as a TspackError naming what it was doing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readZipEntries } from "@tspack/zip";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../../test/helpers/make-wheel.js";
import { runVerify } from "../../src/pool/jobs.js";
import { acquireWorker, PoolWorker, prestartWorker, releaseWorker, stopPrestartedWorker } from "../../src/pool/pool.js";
import { VERIFY_FIELDS } from "../../src/pool/protocol.js";

const dir = mkdtempSync(join(tmpdir(), "tspack-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A wheel on disk and the verify rows of its files (optionally one with a wrong CRC). */
function wheelJob(badCrc = false) {
  const w = makeWheel({
    name: badCrc ? "bad" : "good",
    version: "1.0",
    files: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pkg/m${i}.py`, `v = ${i}\n`.repeat(i * 40)])),
    rawEntries: badCrc ? [{ name: "pkg/z.py", data: "z = 1\n", crc32: 7 }] : [],
  });
  const path = join(dir, w.filename);
  writeFileSync(path, w.bytes);
  const files = readZipEntries(w.bytes).filter((e) => !e.isDirectory);
  const rows = new Float64Array(files.length * VERIFY_FIELDS);
  files.forEach((e, i) => {
    rows.set([e.localHeaderOffset, e.compressedSize, e.uncompressedSize, e.crc32 >>> 0, e.method], i * VERIFY_FIELDS);
  });
  return { path, filename: w.filename, rows, files };
}

describe("the worker pool", () => {
  it("a verify job in the worker gives the same digests as on this thread", async () => {
    const job = wheelJob();
    const here = runVerify({ kind: "verify", id: 0, ...job });
    expect(here.bad).toBe(-1);
    expect(here.digests.some((b) => b !== 0)).toBe(true);
    const worker = acquireWorker();
    try {
      const there = await worker.verify(job);
      expect(there.bad).toBe(-1);
      expect(Buffer.from(there.digests).equals(Buffer.from(here.digests))).toBe(true);
    } finally {
      releaseWorker(worker);
    }
  });

  it("a corrupt entry is reported by its row, in the worker as on this thread (the caller re-reads it for the error)", async () => {
    const job = wheelJob(true);
    const bad = job.files.findIndex((e) => e.name === "pkg/z.py");
    expect(runVerify({ kind: "verify", id: 0, ...job }).bad).toBe(bad);
    const worker = acquireWorker();
    try {
      expect((await worker.verify(job)).bad).toBe(bad);
    } finally {
      releaseWorker(worker);
    }
  });

  it("a worker that dies in a job rejects it with a TspackError naming the wheel; the dead worker is not handed out again", async () => {
    const worker = acquireWorker();
    // rows that are not a Float64Array: the job throws outside its checks and the thread dies
    const job = worker.verify({
      path: join(dir, "x.whl"),
      filename: "crash-1.0-py3-none-any.whl",
      rows: null as never,
    });
    await expect(job).rejects.toMatchObject({
      code: "TSPACK_INTERNAL",
      message: expect.stringMatching(/^The worker thread checking "crash-1\.0-py3-none-any\.whl" stopped: /),
    });
    expect(worker.dead).toBe(true);
    // a job posted to a dead worker fails the same way, at once
    await expect(worker.verify({ ...wheelJob(), filename: "later.whl" })).rejects.toMatchObject({
      code: "TSPACK_INTERNAL",
      message: expect.stringContaining('checking "later.whl"'),
    });
    releaseWorker(worker); // terminated, not kept
    const next = acquireWorker();
    expect(next).not.toBe(worker);
    expect((await next.verify(wheelJob())).bad).toBe(-1);
    releaseWorker(next);
  });

  it("an extract run whose worker dies rejects with a TspackError naming the wheels it was extracting", async () => {
    const worker = acquireWorker();
    const run = worker.extract({} as never, 'extracting "a-1.0-py3-none-any.whl"');
    await expect(run.done).rejects.toMatchObject({
      code: "TSPACK_INTERNAL",
      message: expect.stringMatching(/^The worker thread extracting "a-1\.0-py3-none-any\.whl" stopped: /),
    });
    await expect(run.started).resolves.toBeUndefined();
    releaseWorker(worker);
  });

  it("keeps one released worker for the next job, and at most one", async () => {
    const a = acquireWorker();
    const b = acquireWorker();
    expect(b).not.toBe(a);
    releaseWorker(a);
    releaseWorker(b); // one is kept: b is terminated
    expect(b.dead).toBe(true);
    const c = acquireWorker();
    expect(c).toBe(a);
    releaseWorker(c);
  });

  it("pre-starts one worker (however often asked) that the next job takes; stop terminates one no job took", async () => {
    await acquireWorker().terminate(); // the idle slot is empty
    await stopPrestartedWorker(); // nothing pre-started: a no-op
    prestartWorker();
    prestartWorker();
    const taken = acquireWorker();
    const other = acquireWorker();
    expect(other).not.toBe(taken); // one worker was pre-started
    expect((await taken.verify(wheelJob())).bad).toBe(-1);
    await other.terminate();
    releaseWorker(taken);
    await stopPrestartedWorker(); // taken by a job and given back: kept for the next one
    expect(taken.dead).toBe(false);
    await acquireWorker().terminate();
    prestartWorker();
    await stopPrestartedWorker(); // no job took it: terminated
    const fresh = acquireWorker();
    expect(fresh.dead).toBe(false);
    await fresh.terminate();
  });

  it("constructs workers from the compiled worker file", async () => {
    const w = new PoolWorker();
    expect((await w.verify(wheelJob())).bad).toBe(-1);
    await w.terminate();
  });
});
