import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MadeWheel, makeWheel, zeroBombPayload } from "../../../test/helpers/make-wheel.js";
import { installWheels } from "../src/index.js";
import { errorOf, names, removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

/** A deterministic pseudo-random byte blob (incompressible, like a .so). */
function blob(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/** Wheels with enough files (nested dirs, executables, shared paths) for both threads to take many chunks. */
function manyWheels(count: number, files: number): MadeWheel[] {
  const out: MadeWheel[] = [];
  for (let w = 0; w < count; w++) {
    const name = `many${w}`;
    const f: Record<string, string | Uint8Array | { data: Uint8Array; mode: number }> = {};
    for (let i = 0; i < files; i++) {
      const dir = `${name}/d${i % 7}/e${i % 3}`;
      if (i % 10 === 9) f[`${dir}/native${i}.so`] = { data: blob(w * 1000 + i, 3000 + i * 7), mode: 0o100755 };
      else f[`${dir}/mod${i}.py`] = `# ${name} ${i}\n${"x = 1\n".repeat(i % 50)}`;
    }
    f["shared/__init__.py"] = `# owner ${w}\n`; // a conflict every wheel after the first loses or wins
    out.push(
      makeWheel({
        name,
        version: "1.0",
        files: f,
        entryPoints: { console_scripts: { [`${name}-cli`]: `${name}.d0:main` } },
        data: { scripts: { [`${name}-legacy`]: "#!python\nprint(1)\n" } },
      }),
    );
  }
  return out;
}

const base = { layout: "target" as const, python: [3, 13] as const };

describe("parallel extraction (main thread + worker)", () => {
  const wheels = manyWheels(4, 150);

  it("produces byte-identical trees and caches whatever the thread split", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, wheels);
    const listings: string[] = [];
    const caches: string[] = [];
    for (const [i, parallel] of [false, true, true].entries()) {
      const r = await installWheels(inputs, { ...base, dest: join(box, `x${i}`), parallel });
      // per wheel: its files, shared/__init__.py, 6 dist-info files, 2 scripts; 3 conflicts
      expect(r.files).toBe(4 * (150 + 1 + 6 + 2) - 3);
      expect(r.conflicts.map((c) => c.path)).toEqual([
        "shared/__init__.py",
        "shared/__init__.py",
        "shared/__init__.py",
      ]);
      listings.push(treeListing(join(box, `x${i}`), { dirs: true, hash: 64 }));
      const cacheDir = join(box, `cache${i}`);
      const cold = await installWheels(inputs, { ...base, dest: join(box, `c${i}`), cacheDir, parallel });
      expect(cold.packages.every((p) => !p.cached)).toBe(true);
      listings.push(treeListing(join(box, `c${i}`), { dirs: true, hash: 64 }));
      caches.push(treeListing(join(cacheDir, "unpacked-v2"), { dirs: true, hash: 64 }));
      const warm = await installWheels(inputs, { ...base, dest: join(box, `w${i}`), cacheDir, parallel });
      expect(warm.packages.every((p) => p.cached)).toBe(true);
      listings.push(treeListing(join(box, `w${i}`), { dirs: true, hash: 64 }));
      expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
      if (cold.linkMode === "hardlink") {
        // cold: staged files are linked into the cache, so the target shares their inodes
        const p = "many0/d0/e0/mod0.py";
        expect(statSync(join(box, `c${i}`, p)).nlink).toBe(3); // cold target, cache, warm target
      }
    }
    for (const l of listings) expect(l).toBe(listings[0]);
    for (const c of caches) expect(c).toBe(caches[0]);
    expect(listings[0]).toContain("many3/d2/e0/native9.so 755");
    expect(listings[0]).toContain("bin/many0-legacy 755");
  });

  it("throws the serial path's error (the first bad file in install order) and leaves nothing behind", async () => {
    const good = wheels.slice(0, 2);
    // Two bad wheels: the first failure in dest order wins, whichever thread meets which first.
    const bad = [
      makeWheel({
        name: "zz-late",
        version: "1",
        files: { "zz_late/a.py": "a" },
        rawEntries: [{ name: "zz_late/bad.py", data: "payload", crc32: 7 }],
      }),
      makeWheel({
        name: "aa-early",
        version: "1",
        files: { "aa_early/a.py": "a" },
        rawEntries: [
          { name: "aa_early/z_bomb", compressedData: zeroBombPayload(5_000_000), uncompressedSize: 100 },
          { name: "aa_early/y_bad.py", data: "payload", crc32: 1 },
        ],
      }),
    ];
    const outcomes: string[] = [];
    for (const parallel of [false, true, true]) {
      for (const cache of [false, true]) {
        const box = sandbox();
        const e = await errorOf(
          () =>
            installWheels(wheelInputs(box, [...good, ...bad]), {
              ...base,
              dest: join(box, "t"),
              parallel,
              ...(cache ? { cacheDir: join(box, "cache") } : {}),
            }),
          box,
        );
        outcomes.push(e);
        expect(names(box).filter((n) => n !== "cache")).toEqual(["wheels"]);
        if (cache) {
          expect(readdirSync(join(box, "cache", "tmp"))).toEqual([]);
          expect(names(join(box, "cache"))).not.toContain("unpacked-v2");
        }
      }
    }
    for (const o of outcomes) expect(o).toBe(outcomes[0]);
    expect(outcomes[0]).toMatchInlineSnapshot(
      `"TSPACK_ZIP_INVALID: The wheel "aa_early-1-py3-none-any.whl" has an invalid entry "aa_early/y_bad.py": its CRC-32 is 422c6a15, the central directory says 00000001"`,
    );
  });

  it("reads and checks wheels in the worker while planning, with the serial path's errors", async () => {
    const outcomes: string[] = [];
    for (const parallel of [false, true]) {
      const box = sandbox();
      const inputs = wheelInputs(box, wheels);
      // the last wheel (read by the worker first) has a wrong sha256, the third one is missing
      const bad = inputs.map((w, i) => (i === 3 ? { ...w, sha256: "0".repeat(64) } : w));
      outcomes.push(await errorOf(() => installWheels(bad, { ...base, dest: join(box, "t"), parallel }), box));
      const missing = inputs.map((w, i) => (i === 2 ? { ...w, path: join(box, "nope.whl") } : w));
      outcomes.push(await errorOf(() => installWheels(missing, { ...base, dest: join(box, "t"), parallel }), box));
      const ok = await installWheels(inputs, { ...base, dest: join(box, "ok"), parallel });
      outcomes.push(`${ok.files} files`);
      expect(names(box)).toEqual(["ok", "wheels"]);
    }
    expect(outcomes.slice(3)).toEqual(outcomes.slice(0, 3));
    expect(outcomes[0]).toMatch(
      /^TSPACK_INTEGRITY_MISMATCH: The wheel "many3-1.0-py3-none-any.whl" at "<box>\/wheels\/many3-1.0-py3-none-any.whl" has sha256 [0-9a-f]{64}, expected 0{64}$/,
    );
    expect(outcomes[1]).toBe(
      'TSPACK_FILE_NOT_FOUND: The wheel "many2-1.0-py3-none-any.whl" cannot be read from "<box>/nope.whl"',
    );
  });

  it("reports file-system errors of the worker like the serial path", async () => {
    // A file name longer than NAME_MAX, last in install order: the worker (which starts from the end) meets it.
    const long = makeWheel({ name: "zzz", version: "1", files: { [`zzz/${"n".repeat(300)}.py`]: "x" } });
    const errors: string[] = [];
    for (const parallel of [false, true]) {
      for (const cache of [false, true]) {
        const box = sandbox();
        const e = await errorOf(
          () =>
            installWheels(wheelInputs(box, [...wheels.slice(0, 2), long]), {
              ...base,
              dest: join(box, "t"),
              parallel,
              ...(cache ? { cacheDir: join(box, "cache") } : {}),
            }),
          box,
        );
        errors.push(e.replace(/tspack-staging-\d+-[0-9a-f]{8}/, "tspack-staging-<id>"));
        expect(names(box).filter((n) => n !== "cache")).toEqual(["wheels"]);
      }
    }
    for (const e of errors) expect(e).toBe(errors[0]);
    expect(errors[0]).toBe(
      `TSPACK_INSTALL_FAILED: The install into "<box>/t" failed: ENAMETOOLONG: name too long, open '<box>/.t.tspack-staging-<id>/zzz/${"n".repeat(300)}.py'`,
    );
  });
});
