import { createHash } from "node:crypto";
import { lstatSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MadeWheel, makeWheel, zeroBombPayload } from "../../../test/helpers/make-wheel.js";
import { seededBytes } from "../../../test/helpers/seeded-bytes.js";
import { inflateWheelEntry, installWheels, openWheelArchive, readUnpacked, unpackedPath } from "../src/index.js";
import { ParallelExtract } from "../src/parallel-extract.js";
import { PoolWorker } from "../src/pool/pool.js";
import { errorOf, names, removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

/** A deterministic pseudo-random byte blob (incompressible, like a .so). */
const blob = (seed: number, size: number): Uint8Array => seededBytes(seed, size);

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
        // a #!python script is rewritten; a shell script is linked from the cache as 0o755: copied + chmod-ed
        data: { scripts: { [`${name}-legacy`]: "#!python\nprint(1)\n", [`${name}-sh`]: "#!/bin/sh\necho\n" } },
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
      // per wheel: its files, shared/__init__.py, 6 dist-info files, 3 scripts; 3 conflicts
      expect(r.files).toBe(4 * (150 + 1 + 6 + 3) - 3);
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
      // the default (clone, else copy) shares no inode with the cache, cold or warm
      expect(["clone", "copy"]).toContain(cold.linkMode);
      const p = "many0/d0/e0/mod0.py";
      for (const d of [`c${i}`, `w${i}`]) expect(statSync(join(box, d, p)).nlink).toBe(1);
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
      `"TSPACK_ZIP_INVALID: "aa_early-1-py3-none-any.whl": entry "aa_early/y_bad.py": CRC-32 is 0x422c6a15, expected 0x00000001"`,
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
      `TSPACK_IO: The target folder "<box>/t" cannot be written: file name too long (ENAMETOOLONG, "<box>/t/zzz/${"n".repeat(300)}.py")`,
    );
  });
});

/** Every regular file under `root` (sorted) with its inode, to see which ones are links of the cache. */
function inodes(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, `${rel}${name}/`);
      else out.set(`${rel}${name}`, st.ino);
    }
  };
  walk(root, "");
  return out;
}

describe("hashing for the RECORD check on both threads", () => {
  it("gives every hashed job the sha256 of its content, whichever thread inflated it", async () => {
    const box = sandbox();
    const [input] = wheelInputs(box, manyWheels(1, 400));
    const archive = openWheelArchive(input!.path, input!.filename, input!.sha256);
    const entries = archive.entries.filter((e) => !e.isDirectory);
    const jobs = entries.map((entry, i) => ({
      archive: 0,
      entry,
      path: join(box, "out", `${i}`),
      mode: 0o644,
      from: "",
      hash: i % 5 !== 0, // some are not hashed
    }));
    const worker = new PoolWorker();
    try {
      const run = new ParallelExtract([archive], jobs, "copy", [box], worker);
      await run.complete(undefined, true);
      entries.forEach((e, i) => {
        const expected = createHash("sha256").update(inflateWheelEntry(archive, e)).digest("base64url");
        expect(run.digestOf(i)).toBe(i % 5 !== 0 ? expected : undefined);
      });
    } finally {
      await worker.terminate();
    }
  });

  it("finds a wrong RECORD digest deep in a big install, on one or two threads, with and without the cache", async () => {
    const wheels = manyWheels(3, 150);
    const bad = makeWheel({
      name: "zz-bad",
      version: "1",
      files: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`zz_bad/m${i}.py`, `v = ${i}\n`])),
      record: (t) => t.replace(/^zz_bad\/m150\.py,sha256=[^,]+,/m, "zz_bad/m150.py,sha256=AAAA,"),
    });
    const outcomes: string[][] = [];
    for (const parallel of [false, true]) {
      for (const cache of [false, true]) {
        const box = sandbox();
        const r = await installWheels(wheelInputs(box, [...wheels, bad]), {
          ...base,
          dest: join(box, "t"),
          parallel,
          ...(cache ? { cacheDir: join(box, "cache") } : {}),
        });
        outcomes.push(r.warnings);
      }
    }
    for (const o of outcomes) expect(o).toEqual(outcomes[0]);
    expect(outcomes[0]!.filter((w) => w.includes("RECORD"))).toEqual([
      `${bad.filename}: RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "zz_bad/m150.py" has sha256=${createHash("sha256").update("v = 150\n").digest("base64url")}, RECORD says sha256=AAAA`,
    ]);
  });
});

describe("warm install (links from the unpacked cache) on two threads", () => {
  const wheels = manyWheels(4, 150);
  const norm = (e: string) =>
    e
      .replace(/tspack-staging-\d+-[0-9a-f]{8}/, "tspack-staging-<id>")
      .replace(/\/[0-9a-f]{2}\/[0-9a-f]{64}\//, "/<xx>/<sha>/");

  it("links the same files, bytes and modes with the worker forced or disabled (hardlinks share the cache's inodes)", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, wheels);
    const cacheDir = join(box, "cache");
    const opts = { ...base, cacheDir, linkMode: "hardlink" as const };
    const copies: string[] = [];
    await installWheels(inputs, { ...opts, dest: join(box, "cold"), parallel: false });
    const cacheInodes = new Set(inodes(join(cacheDir, "unpacked-v2")).values());
    const listings: string[] = [];
    const shared: string[] = [];
    for (const [i, parallel] of [false, true, true, undefined].entries()) {
      const dest = join(box, `w${i}`);
      const r = await installWheels(inputs, { ...opts, dest, parallel });
      expect(r.packages.every((p) => p.cached)).toBe(true);
      expect(r.linkMode).toBe("hardlink");
      listings.push(treeListing(dest, { dirs: true, hash: 64 }));
      const linked = [...inodes(dest)].filter(([, ino]) => cacheInodes.has(ino)).map(([p]) => p);
      shared.push(linked.join("\n"));
      // not links: launchers, #!python and re-moded scripts, generated dist-info files
      const notLinked = [...inodes(dest).keys()].filter((p) => !linked.includes(p));
      const expected = [0, 1, 2, 3].flatMap((w) => [
        ...["cli", "legacy", "sh"].map((s) => `bin/many${w}-${s}`),
        ...["INSTALLER", "RECORD", "REQUESTED"].map((f) => `many${w}-1.0.dist-info/${f}`),
      ]);
      expect(notLinked.sort()).toEqual(expected.sort());
      expect(linked.length).toBe(4 * (150 + 3) + 1); // wheel files, METADATA, WHEEL, entry_points.txt, one shared/__init__.py
    }
    // The same cache copied (the default where reflinks are unsupported, and copy): the same tree, no shared inode.
    for (const [i, [linkMode, parallel]] of (
      [
        [undefined, true],
        ["copy", false],
      ] as const
    ).entries()) {
      const dest = join(box, `copy${i}`);
      const r = await installWheels(inputs, { ...base, cacheDir, dest, parallel, ...(linkMode ? { linkMode } : {}) });
      expect(r.packages.every((p) => p.cached)).toBe(true);
      expect(["clone", "copy"]).toContain(r.linkMode);
      copies.push(treeListing(dest, { dirs: true, hash: 64 }));
      expect([...inodes(dest).values()].filter((ino) => cacheInodes.has(ino))).toEqual([]);
    }
    for (const l of [...listings, ...copies]) expect(l).toBe(listings[0]);
    for (const l of shared) expect(l).toBe(shared[0]);
    expect(listings[0]).toContain("bin/many2-sh 755");
    expect(shared[0]).not.toContain("bin/many2-sh");
    expect(shared[0]).toContain("many3/d1/e1/mod148.py");
    // the copied script kept the cache file's mode intact
    const u = readUnpacked(cacheDir, inputs[2]!.sha256)!;
    expect(statSync(unpackedPath(u, "many2-1.0.data/scripts/many2-sh")).mode & 0o777).toBe(0o644);
  });

  it.each([
    ["hardlink", "link"],
    ["copy", "open"],
  ] as const)(
    "fails like the serial path when cached files vanish behind its back, and recovers when the cache shows it (%s)",
    async (linkMode, syscall) => {
      const outcomes: string[] = [];
      for (const parallel of [false, true, true]) {
        const box = sandbox();
        const inputs = wheelInputs(box, wheels);
        const cacheDir = join(box, "cache");
        const opts = { ...base, cacheDir, linkMode };
        await installWheels(inputs, { ...opts, dest: join(box, "t"), parallel: false });
        const before = treeListing(join(box, "t"), { dirs: true, hash: 64 });
        // Two files gone, their buckets' file counts kept (readUnpacked cannot tell): an early one (the
        // main thread's end of the list) and a late one (the worker's); the serial path meets the early one.
        for (const [w, path] of [
          [1, "many1/d3/e1/mod10.py"],
          [3, "many3/d1/e1/mod148.py"],
        ] as const) {
          const file = unpackedPath(readUnpacked(cacheDir, inputs[w]!.sha256)!, path);
          rmSync(file);
          writeFileSync(`${file}.stray`, "x");
        }
        const e = await errorOf(() => installWheels(inputs, { ...opts, dest: join(box, "t"), parallel }), box);
        outcomes.push(norm(e));
        expect(treeListing(join(box, "t"), { dirs: true, hash: 64 })).toBe(before); // target untouched
        expect(names(box)).toEqual(["cache", "t", "wheels"]); // staging removed
        // A plain deletion changes the bucket's count: the entry is dropped and the wheel extracted again.
        const u = readUnpacked(cacheDir, inputs[0]!.sha256)!;
        rmSync(unpackedPath(u, "many0/d0/e0/mod0.py"));
        const r = await installWheels(inputs.slice(0, 1), { ...opts, dest: join(box, "r"), parallel });
        expect(r.packages.map((p) => p.cached)).toEqual([false]);
        const again = await installWheels(inputs.slice(0, 1), { ...opts, dest: join(box, "r2"), parallel });
        expect(again.packages.map((p) => p.cached)).toEqual([true]);
        expect(treeListing(join(box, "r2"), { dirs: true, hash: 64 })).toBe(
          treeListing(join(box, "r"), { dirs: true, hash: 64 }),
        );
        outcomes.push(`${r.files} files`);
      }
      for (let i = 2; i < outcomes.length; i += 2) expect(outcomes.slice(i, i + 2)).toEqual(outcomes.slice(0, 2));
      expect(outcomes[0]).toBe(
        `TSPACK_IO: The cache "<box>/cache" cannot be ${syscall === "link" ? "read" : "used"}: no such file or folder (ENOENT, "<box>/cache/unpacked-v2/<xx>/<sha>/0/10")`,
      );
    },
  );
});
