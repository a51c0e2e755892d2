import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHEDIR_TAG } from "@tspack/cache";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { installWheels, readUnpacked, unpackedPath } from "../src/index.js";
import { removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

const files: Record<string, string | { data: string; mode: number }> = { "flat/__init__.py": "" };
for (let i = 0; i < 40; i++) files[`flat/sub${i % 3}/m${i}.py`] = `N = ${i}\n`;
files["flat/tool.sh"] = { data: "#!/bin/sh\n", mode: 0o100755 };
const wheel = makeWheel({ name: "flat", version: "1.0", files });
const base = { layout: "target" as const, python: [3, 13] as const };

describe("unpacked cache v2 (flat, files by entry index)", () => {
  it("stores a wheel as manifest.json plus buckets of entry-indexed files, and installs warm from it", async () => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [wheel]);
    await installWheels(inputs, { ...base, dest: join(box, "cold"), cacheDir });
    const dir = join(cacheDir, "unpacked-v2", wheel.sha256.slice(0, 2), wheel.sha256);
    // 45 entries (42 files + METADATA, WHEEL, RECORD) → buckets 0 and 1 of 32 files
    expect(readdirSync(dir).sort()).toEqual(["0", "1", "manifest.json"]);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.version).toBe(2);
    expect(manifest.files["flat/m0.py"]).toBeUndefined();
    const i = manifest.files["flat/sub0/m0.py"] as number;
    expect(manifest.entries[i].name).toBe("flat/sub0/m0.py");
    expect(readFileSync(join(dir, String(i >> 5), String(i)), "utf8")).toBe("N = 0\n");
    const u = readUnpacked(cacheDir, wheel.sha256)!;
    expect(unpackedPath(u, "flat/tool.sh")).toBe(
      join(dir, String(manifest.files["flat/tool.sh"] >> 5), String(manifest.files["flat/tool.sh"])),
    );
    expect(statSync(unpackedPath(u, "flat/tool.sh")).mode & 0o777).toBe(0o755);

    const warm = await installWheels(inputs, { ...base, dest: join(box, "warm"), cacheDir });
    expect(warm.packages[0]!.cached).toBe(true);
    expect(warm.linkMode).not.toBe("extract");
    expect(treeListing(join(box, "warm"), { dirs: true, hash: 64 })).toBe(
      treeListing(join(box, "cold"), { dirs: true, hash: 64 }),
    );
  });

  const damages: Record<string, (dir: string, manifest: { files: Record<string, number> }) => void> = {
    "a missing file": (dir, m) => {
      const i = m.files["flat/sub1/m1.py"]!;
      rmSync(join(dir, String(i >> 5), String(i)));
    },
    "a missing bucket": (dir) => rmSync(join(dir, "1"), { recursive: true }),
    "an unreadable manifest": (dir) => writeFileSync(join(dir, "manifest.json"), "{ not json"),
    "an old manifest version": (dir) => writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: 1 })),
    "no manifest": (dir) => rmSync(join(dir, "manifest.json")),
    "an out-of-range index": (dir, m) =>
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...m, files: { ...m.files, x: 9999 } })),
  };

  it.each(Object.keys(damages))("ignores an entry with %s and extracts the wheel again", async (damage) => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [wheel]);
    await installWheels(inputs, { ...base, dest: join(box, "cold"), cacheDir });
    const dir = join(cacheDir, "unpacked-v2", wheel.sha256.slice(0, 2), wheel.sha256);
    damages[damage]!(dir, JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
    const again = await installWheels(inputs, { ...base, dest: join(box, "again"), cacheDir });
    expect(again.packages[0]!.cached).toBe(false);
    expect(treeListing(join(box, "again"), { hash: 64 })).toBe(treeListing(join(box, "cold"), { hash: 64 }));
    // the damaged entry was replaced by a complete one
    expect(readUnpacked(cacheDir, wheel.sha256)).toBeDefined();
    const warm = await installWheels(inputs, { ...base, dest: join(box, "warm"), cacheDir });
    expect(warm.packages[0]!.cached).toBe(true);
    expect(treeListing(join(box, "warm"), { hash: 64 })).toBe(treeListing(join(box, "cold"), { hash: 64 }));
    expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
  });

  it("does not read the old unpacked-v1 bucket (of an older tspack's cache, which it adopts)", async () => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [wheel]);
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, "CACHEDIR.TAG"), CACHEDIR_TAG);
    const v1 = join(cacheDir, "unpacked-v1", wheel.sha256);
    mkdirSync(join(v1, "files"), { recursive: true });
    writeFileSync(join(v1, "manifest.json"), JSON.stringify({ version: 1, sha256: wheel.sha256, entries: [] }));
    const r = await installWheels(inputs, { ...base, dest: join(box, "t"), cacheDir });
    expect(r.packages[0]!.cached).toBe(false);
    expect(readUnpacked(cacheDir, wheel.sha256)!.dir).toBe(
      join(cacheDir, "unpacked-v2", wheel.sha256.slice(0, 2), wheel.sha256),
    );
  });
});
