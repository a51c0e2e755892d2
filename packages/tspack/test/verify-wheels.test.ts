import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { build } from "../src/build.js";
import { startVerifier, stopVerifier } from "../src/verify-wheels.js";
import { removeTemps, virtualAppProject } from "./fixtures/local-project.js";

afterAll(removeTemps);

/** idna with one extra entry whose central-directory CRC is wrong; `big` adds 17 MB so the worker checks it. */
function corruptIdna(big: boolean) {
  return makeWheel({
    name: "idna",
    version: "3.10",
    files: { "idna/__init__.py": "x = 1\n", ...(big ? { "idna/big.bin": new Uint8Array(17 * 1024 * 1024) } : {}) },
    rawEntries: [{ name: "idna/zz_bad.py", data: new TextEncoder().encode("y = 2\n"), crc32: 0x12345678 }],
    record: "none",
  });
}

describe("build: the once-per-wheel CRC check", () => {
  it.each([
    ["inline (small wheel)", false],
    ["in a worker thread (over 16 MB to inflate)", true],
  ])("%s: a bad CRC fails the build with the entry's error, publishes nothing and marks nothing", async (_l, big) => {
    const { dir, cacheDir } = virtualAppProject("wheels", corruptIdna(big));
    const e = await build({ projectDir: dir, cacheDir }).then(
      () => undefined,
      (err: { code: string; message: string }) => err,
    );
    expect(e?.code).toBe("TSPACK_ZIP_INVALID");
    expect(e?.message).toBe(
      '"idna-3.10-py3-none-any.whl": entry "idna/zz_bad.py": CRC-32 is 0x6b87095d, expected 0x12345678',
    );
    // No artifacts and no staging folder left (dist/ itself may exist: it holds the staging folder).
    expect(existsSync(join(dir, "dist")) ? readdirSync(join(dir, "dist")) : []).toEqual([]);
    expect(existsSync(join(cacheDir, "checked-v1"))).toBe(false);
    expect(existsSync(join(cacheDir, "memo-v1", "zip"))).toBe(false); // no recipe of a failed build
  });

  it("a good wheel checked in the worker is marked, and the next build skips the check", async () => {
    const w = makeWheel({
      name: "idna",
      version: "3.10",
      files: { "idna/__init__.py": "x = 1\n", "idna/big.bin": new Uint8Array(17 * 1024 * 1024) },
    });
    const { dir, cacheDir } = virtualAppProject("wheels", w);
    await build({ projectDir: dir, cacheDir });
    expect(existsSync(join(cacheDir, "checked-v1", w.sha256.slice(0, 2), w.sha256))).toBe(true);
    const r = await build({ projectDir: dir, cacheDir });
    expect(r.artifacts[0]!.unzippedBytes).toBeGreaterThan(17 * 1024 * 1024);
  });
});

describe("startVerifier / stopVerifier", () => {
  it("a pre-started worker does the check (same error), and stopping an unused one is safe", async () => {
    await stopVerifier(); // nothing started: a no-op
    startVerifier();
    startVerifier(); // one worker, however often it is asked for
    const { dir, cacheDir } = virtualAppProject("wheels", corruptIdna(true));
    const e = await build({ projectDir: dir, cacheDir }).then(
      () => undefined,
      (err: { code: string; message: string }) => err,
    );
    expect(e?.message).toBe(
      '"idna-3.10-py3-none-any.whl": entry "idna/zz_bad.py": CRC-32 is 0x6b87095d, expected 0x12345678',
    );
    startVerifier();
    await expect(stopVerifier()).resolves.toBeUndefined();
  });
});
