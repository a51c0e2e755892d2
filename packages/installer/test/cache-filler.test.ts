import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MadeWheel, makeWheel } from "../../../test/helpers/make-wheel.js";
import { type InstallEvent, installWheels, readUnpacked, unpackedPath } from "../src/index.js";
import { errorOf, names, removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

/**
 * Two packages sharing paths, with enough files for the worker to fill the cache while the main
 * thread plans: `aa` sorts first (loses every conflict), `zz` last (wins).
 */
function sharing(name: string, files: number, content: string): MadeWheel {
  const f: Record<string, string | { data: string; mode: number }> = {};
  for (let i = 0; i < files; i++) f[`${name}/d${i % 5}/m${i}.py`] = `# ${name} ${i}\n`;
  f["shared/__init__.py"] = "";
  f["shared/util.py"] = content;
  f["shared/tool.sh"] = { data: `#!/bin/sh\necho ${name}\n`, mode: name === "zz" ? 0o100755 : 0o100644 };
  return makeWheel({ name, version: "1.0", files: f });
}

const aa = sharing("aa", 300, "A = 1\n");
const zz = sharing("zz", 300, "Z = 2\n");
const base = { layout: "target" as const, python: [3, 13] as const };

/**
 * The events of installing aa + zz: the link mode's come after the wheels and the conflict warnings
 * (the default clone falls back to copy, silently, where reflinks are unsupported).
 */
const eventTypes = (linkMode: string): string[] => [
  "wheel",
  "wheel",
  "warning",
  "warning",
  ...(linkMode === "copy" ? ["link-fallback"] : []),
];

describe("cold installs fill the unpacked cache while planning, conflicts are resolved afterwards", () => {
  it("gives the serial path's tree whatever the wheel order and thread split; the winner's cache file is linked", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [aa, zz]);
    const reference = await installWheels(inputs, { ...base, dest: join(box, "plain"), parallel: false });
    const tree = treeListing(join(box, "plain"), { dirs: true, hash: 64 });
    expect(readFileSync(join(box, "plain/shared/util.py"), "utf8")).toBe("Z = 2\n");
    expect(tree).toContain("shared/tool.sh 755");
    const caches: string[] = [];
    let run = 0;
    for (const order of [inputs, [...inputs].reverse()]) {
      for (const parallel of [false, true, undefined]) {
        const cacheDir = join(box, `cache${run}`);
        const dest = join(box, `cold${run++}`);
        const events: InstallEvent[] = [];
        const r = await installWheels(order, { ...base, dest, cacheDir, parallel, onEvent: (e) => events.push(e) });
        expect(r.conflicts).toEqual(reference.conflicts);
        expect(r.warnings).toEqual(reference.warnings);
        expect(treeListing(dest, { dirs: true, hash: 64 })).toBe(tree);
        caches.push(treeListing(join(cacheDir, "unpacked-v2"), { dirs: true, hash: 64 }));
        expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
        // The link mode's events come after the wheels and the conflict warnings, as when the first link decides it.
        expect(events.map((e) => e.type)).toEqual(eventTypes(r.linkMode));
        const ua = readUnpacked(cacheDir, aa.sha256)!;
        const uz = readUnpacked(cacheDir, zz.sha256)!;
        // Both versions are cached; the target holds the winner's.
        expect(readFileSync(unpackedPath(ua, "shared/util.py"), "utf8")).toBe("A = 1\n");
        expect(readFileSync(unpackedPath(uz, "shared/util.py"), "utf8")).toBe("Z = 2\n");
        // The default never shares an inode with the cache (clone or copy).
        expect(["clone", "copy"]).toContain(r.linkMode);
        expect(statSync(join(dest, "shared/util.py")).nlink).toBe(1);
        expect(statSync(unpackedPath(uz, "shared/util.py")).nlink).toBe(1);
        expect(statSync(join(dest, "aa/d0/m0.py")).nlink).toBe(1);
      }
    }
    for (const c of caches) expect(c).toBe(caches[0]);
    // warm from the last cache: the same tree
    const warm = await installWheels(inputs, { ...base, dest: join(box, "warm"), cacheDir: join(box, "cache5") });
    expect(warm.packages.every((p) => p.cached)).toBe(true);
    expect(treeListing(join(box, "warm"), { dirs: true, hash: 64 })).toBe(tree);
    // half warm (aa cached), half cold: the same tree and events
    for (const parallel of [false, true]) {
      const mixedCache = join(box, `mixed-cache-${parallel}`);
      await installWheels(inputs.slice(0, 1), {
        ...base,
        dest: join(box, `aa-only-${parallel}`),
        cacheDir: mixedCache,
      });
      const events: InstallEvent[] = [];
      const dest = join(box, `mixed-${parallel}`);
      const r = await installWheels(inputs, {
        ...base,
        dest,
        cacheDir: mixedCache,
        parallel,
        onEvent: (e) => events.push(e),
      });
      expect(r.packages.map((p) => p.cached)).toEqual([true, false]);
      expect(treeListing(dest, { dirs: true, hash: 64 })).toBe(tree);
      expect(events.map((e) => e.type)).toEqual(eventTypes(r.linkMode));
    }
  });

  it("fails like the serial path on a corrupt file that only the cache holds (a lost conflict), and leaves nothing", async () => {
    const bad = makeWheel({
      name: "aa",
      version: "1.0",
      files: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`aa/d${i % 5}/m${i}.py`, `# ${i}\n`])),
      rawEntries: [{ name: "shared/util.py", data: "A = 1\n", crc32: 5 }],
    });
    const outcomes: string[] = [];
    for (const parallel of [false, true, undefined]) {
      const box = sandbox();
      const inputs = wheelInputs(box, [zz, bad]);
      // Without the cache the losing file is never inflated: the install succeeds.
      const plain = await installWheels(inputs, { ...base, dest: join(box, "plain"), parallel });
      expect(plain.files).toBeGreaterThan(600);
      const cacheDir = join(box, "cache");
      outcomes.push(
        await errorOf(() => installWheels(inputs, { ...base, dest: join(box, "t"), cacheDir, parallel }), box),
      );
      expect(names(box)).toEqual(["cache", "plain", "wheels"]);
      expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
      expect(names(cacheDir)).not.toContain("unpacked-v2");
    }
    for (const o of outcomes) expect(o).toBe(outcomes[0]);
    expect(outcomes[0]).toBe(
      'TSPACK_ZIP_INVALID: "aa-1.0-py3-none-any.whl": entry "shared/util.py": CRC-32 is 0xa883df5e, expected 0x00000005',
    );
  });

  it("fills the cache by copying with linkMode copy (no shared inodes) and installs warm from it", async () => {
    const box = sandbox();
    const inputs = wheelInputs(box, [aa, zz]);
    const cacheDir = join(box, "cache");
    const events: InstallEvent[] = [];
    const cold = await installWheels(inputs, {
      ...base,
      dest: join(box, "cold"),
      cacheDir,
      linkMode: "copy",
      parallel: true,
      onEvent: (e) => events.push(e),
    });
    expect(cold.linkMode).toBe("copy");
    expect(events.filter((e) => e.type === "link-fallback")).toEqual([]);
    expect(statSync(join(box, "cold/aa/d0/m0.py")).nlink).toBe(1);
    expect(statSync(unpackedPath(readUnpacked(cacheDir, aa.sha256)!, "aa/d0/m0.py")).nlink).toBe(1);
    const warm = await installWheels(inputs, { ...base, dest: join(box, "warm"), cacheDir, linkMode: "copy" });
    expect(warm.packages.every((p) => p.cached)).toBe(true);
    expect(treeListing(join(box, "warm"), { dirs: true, hash: 64 })).toBe(
      treeListing(join(box, "cold"), { dirs: true, hash: 64 }),
    );
  });
});
