import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ONE_CALL_MAX_BYTES } from "@tspack/zip";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel, zeroStream } from "../../../test/helpers/make-wheel.js";
import { recordCases } from "../../../test/helpers/record-wheels.js";
import { build } from "../src/build.js";
import { startVerifier, stopVerifier } from "../src/verify-wheels.js";
import { appProjectWith, removeTemps, virtualAppProject } from "./fixtures/local-project.js";

afterAll(removeTemps);

/** idna with one extra entry whose central-directory CRC is wrong; `big` adds 17 MB so the worker checks it. */
function corruptIdna(big: boolean) {
  return makeWheel({
    name: "idna",
    version: "3.10",
    files: { "idna/__init__.py": "x = 1\n", ...(big ? { "idna/big.bin": new Uint8Array(17 * 1024 * 1024) } : {}) },
    rawEntries: [{ name: "idna/zz_bad.py", data: new TextEncoder().encode("y = 2\n"), crc32: 0x12345678 }],
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
    expect(existsSync(join(cacheDir, "checked-v2"))).toBe(false);
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
    expect(existsSync(join(cacheDir, "checked-v2", w.sha256.slice(0, 2), w.sha256))).toBe(true);
    const r = await build({ projectDir: dir, cacheDir });
    expect(r.artifacts[0]!.unzippedBytes).toBeGreaterThan(17 * 1024 * 1024);
  });
});

describe("build: RECORD digests are compared in the worker as inline", () => {
  it.each([
    ["inline (small wheel)", false],
    ["in a worker thread (over 16 MB to inflate)", true],
  ])("%s: a wrong sha256 in RECORD is a warning naming the wheel and the file", async (_l, big) => {
    const w = makeWheel({
      name: "idna",
      version: "3.10",
      files: { "idna/__init__.py": "x = 1\n", ...(big ? { "idna/big.bin": new Uint8Array(17 * 1024 * 1024) } : {}) },
      record: (t) => t.replace(/^idna\/__init__\.py,sha256=[^,]+,/m, "idna/__init__.py,sha256=AAAA,"),
    });
    const { dir, cacheDir } = virtualAppProject("wheels", w);
    const digest = createHash("sha256").update("x = 1\n").digest("base64url");
    const expected = [
      `idna-3.10-py3-none-any.whl: RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "idna/__init__.py" has sha256=${digest}, RECORD says sha256=AAAA`,
    ];
    expect((await build({ projectDir: dir, cacheDir })).warnings).toEqual(expected);
    expect((await build({ projectDir: dir, cacheDir })).warnings).toEqual(expected);
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

describe("build: RECORD, .dist-info and Wheel-Version checks (uv's errors are errors, what it tolerates warns)", () => {
  const cases = recordCases("idna", "3.10");
  const project = (wheels: ReturnType<typeof makeWheel>[]) =>
    appProjectWith(
      wheels.map((w) => {
        const [name, version] = w.filename.split("-");
        return { name: name!, version: version!, wheel: w };
      }),
    );
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => "NOT REFUSED",
      (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
    );

  it.each(Object.entries(cases))("%s (zip, layer and dir layouts, cold and warm)", async (_name, c) => {
    for (const layout of ["zip", "layer", "dir"] as const) {
      const { dir, cacheDir } = project(c.wheels);
      const out = join(dir, "dist", layout);
      if (c.error !== undefined) {
        expect(await errorOf(build({ projectDir: dir, cacheDir, layout, outDir: out })), layout).toBe(c.error);
        // Nothing published, nothing marked as checked, no recipe.
        expect(existsSync(join(dir, "dist")) ? readdirSync(join(dir, "dist")) : [], layout).toEqual([]);
        expect(existsSync(join(cacheDir, "checked-v2")), layout).toBe(false);
        expect(existsSync(join(cacheDir, "memo-v1", "zip")), layout).toBe(false);
        continue;
      }
      const cold = await build({ projectDir: dir, cacheDir, layout, outDir: out });
      expect(cold.warnings, layout).toEqual(c.warnings);
      expect(JSON.parse(readFileSync(join(out, "build.json"), "utf8")).warnings, layout).toEqual(c.warnings);
      // Warm (the zip replayed from its recipe, no wheel inflated): the same warnings.
      const warm = await build({ projectDir: dir, cacheDir, layout, outDir: out });
      expect(warm.warnings, layout).toEqual(c.warnings);
      expect(
        warm.artifacts.map((a) => a.sha256),
        layout,
      ).toEqual(cold.artifacts.map((a) => a.sha256));
    }
  });

  it("remembers the RECORD warnings of the check with it (checked-v2); a v1 or damaged marker is not trusted", async () => {
    const c = cases["wrong sha256"]!;
    const w = c.wheels[0]!;
    const { dir, cacheDir } = project(c.wheels);
    const marker = join(cacheDir, "checked-v2", w.sha256.slice(0, 2), w.sha256);
    // An older tspack's marker (CRC only) says nothing about RECORD.
    const v1 = join(cacheDir, "checked-v1", w.sha256.slice(0, 2), w.sha256);
    mkdirSync(dirname(v1), { recursive: true });
    writeFileSync(v1, "");
    expect((await build({ projectDir: dir, cacheDir })).warnings).toEqual(c.warnings);
    const prefix = `${w.filename}: `;
    expect(JSON.parse(readFileSync(marker, "utf8"))).toEqual(c.warnings.map((m) => m.slice(prefix.length)));
    // A damaged marker is not trusted: the wheel is checked again and marked again.
    writeFileSync(marker, '["trunc');
    expect((await build({ projectDir: dir, cacheDir })).warnings).toEqual(c.warnings);
    expect(JSON.parse(readFileSync(marker, "utf8"))).toEqual(c.warnings.map((m) => m.slice(prefix.length)));
    rmSync(marker);
    expect((await build({ projectDir: dir, cacheDir })).warnings).toEqual(c.warnings);
    expect(existsSync(marker)).toBe(true);
  });
});

const REAL = ["pip-23.0.1-py3-none-any.whl", "setuptools-66.1.1-py3-none-any.whl"].map(
  (n) => `/usr/share/python-wheels/${n}`,
);

describe.skipIf(!REAL.every((p) => existsSync(p)))("build: Debian's real wheels", () => {
  it("check out without a warning (zip and dir layouts)", async () => {
    const wheels = REAL.map((p) => {
      const bytes = new Uint8Array(readFileSync(p));
      const filename = basename(p);
      const [name, version] = filename.split("-");
      return {
        name: name!,
        version: version!,
        wheel: { filename, bytes, sha256: createHash("sha256").update(bytes).digest("hex") },
      };
    });
    for (const layout of ["zip", "dir"] as const) {
      const { dir, cacheDir } = appProjectWith(wheels);
      const r = await build({ projectDir: dir, cacheDir, layout });
      expect([layout, r.warnings]).toEqual([layout, []]);
      expect(
        existsSync(join(cacheDir, "checked-v2", wheels[0]!.wheel.sha256.slice(0, 2), wheels[0]!.wheel.sha256)),
      ).toBe(true);
    }
  });
});

describe("build: the CRC check of entries above 64 MiB", () => {
  const size = ONE_CALL_MAX_BYTES + 1;
  const z = zeroStream(size, { hash: true });
  const wheel = (crc32: number, hash = z.recordHash!) =>
    makeWheel({
      name: "idna",
      version: "3.10",
      files: { "idna/__init__.py": "x = 1\n" },
      rawEntries: [
        {
          name: "idna/zeros.bin",
          compressedData: z.compressed,
          crc32,
          uncompressedSize: size,
          record: { hash, size },
        },
      ],
    });

  it("streams them (the worker leaves them): a bad CRC fails the zip build, which inflates nothing else", async () => {
    const { dir, cacheDir } = virtualAppProject("wheels", wheel(9));
    const e = await build({ projectDir: dir, cacheDir }).then(
      () => undefined,
      (err: { code: string; message: string }) => err,
    );
    expect([e?.code, e?.message]).toEqual([
      "TSPACK_ZIP_INVALID",
      `"idna-3.10-py3-none-any.whl": entry "idna/zeros.bin": CRC-32 is 0x${z.crc32.toString(16).padStart(8, "0")}, expected 0x00000009`,
    ]);
    expect(existsSync(join(cacheDir, "checked-v2"))).toBe(false);
  });

  it("a good one is marked checked; its streamed sha256 is compared with RECORD", async () => {
    const w = wheel(z.crc32);
    const { dir, cacheDir } = virtualAppProject("wheels", w);
    const r = await build({ projectDir: dir, cacheDir });
    expect(r.artifacts[0]!.unzippedBytes).toBeGreaterThan(size);
    expect(r.warnings).toEqual([]);
    expect(existsSync(join(cacheDir, "checked-v2", w.sha256.slice(0, 2), w.sha256))).toBe(true);
    const wrong = "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const other = virtualAppProject("wheels", wheel(z.crc32, wrong));
    const r2 = await build({ projectDir: other.dir, cacheDir: other.cacheDir });
    expect(r2.warnings).toEqual([
      `idna-3.10-py3-none-any.whl: RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "idna/zeros.bin" has ${z.recordHash}, RECORD says ${wrong}`,
    ]);
  });
});
