import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pruneCache, unpackedDirFor } from "@tspack/cache";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { installWheels, readUnpacked, unpackedPath, verifyUnpacked } from "../src/index.js";
import { removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

afterAll(removeSandboxes);

const wheel = makeWheel({
  name: "vfy",
  version: "2.0",
  files: {
    "vfy/__init__.py": "from .core import run\n",
    "vfy/core.py": "def run():\n    return 42\n",
    "vfy/tool.sh": { data: "#!/bin/sh\necho vfy\n", mode: 0o100755 },
  },
});
const other = makeWheel({ name: "other", version: "1.0", files: { "other.py": "O = 1\n" } });
const base = { layout: "target" as const, python: [3, 13] as const };

/** A cache with both wheels unpacked (by a hardlink install into `<box>/t`). */
async function filled(): Promise<{ box: string; cacheDir: string; inputs: ReturnType<typeof wheelInputs> }> {
  const box = sandbox();
  const inputs = wheelInputs(box, [wheel, other]);
  const cacheDir = join(box, "cache");
  await installWheels(inputs, { ...base, dest: join(box, "t"), cacheDir, linkMode: "hardlink" });
  return { box, cacheDir, inputs };
}

/** `unpacked-v2/ab/<sha>/<bucket>/<index>` of a wheel's file. */
function relOf(cacheDir: string, sha256: string, file: string): string {
  return unpackedPath(readUnpacked(cacheDir, sha256)!, file).slice(cacheDir.length + 1);
}

describe("verifyUnpacked: every unpacked file against its manifest", () => {
  it("finds nothing wrong in a fresh cache, and reads every file", async () => {
    const { cacheDir } = await filled();
    const r = await verifyUnpacked(cacheDir);
    expect(r).toMatchObject({ entries: 2, bad: [] });
    // vfy: 3 files + METADATA, WHEEL, RECORD; other: 1 + 3
    expect(r.files).toBe(10);
    expect(r.bytes).toBeGreaterThan(0);
    expect(await verifyUnpacked(join(cacheDir, "missing"))).toEqual({ entries: 0, files: 0, bytes: 0, bad: [] });
  });

  it("reports a file edited through a hard-linked install, naming the wheel and the file, and removes the entry", async () => {
    const { box, cacheDir, inputs } = await filled();
    const rel = relOf(cacheDir, wheel.sha256, "vfy/core.py");
    const before = treeListing(join(box, "t"), { hash: 64 });
    // The user edits the installed file in place: with hardlinks, that is the cache's file.
    writeFileSync(join(box, "t/vfy/core.py"), "def run():\n    return 43\n", { flag: "r+" });
    expect(readFileSync(join(cacheDir, rel), "utf8")).toContain("43");
    const r = await verifyUnpacked(cacheDir);
    expect(r.bad).toEqual([
      {
        path: rel,
        expected: expect.stringMatching(/^crc32 [0-9a-f]{8}, 25 bytes, mode 644$/),
        actual: expect.stringMatching(/^crc32 [0-9a-f]{8}, 25 bytes, mode 644$/),
        wheel: wheel.filename,
        file: "vfy/core.py",
      },
    ]);
    expect(r.bad[0]!.expected).not.toBe(r.bad[0]!.actual);
    expect(existsSync(unpackedDirFor(cacheDir, wheel.sha256))).toBe(false);
    expect(readUnpacked(cacheDir, other.sha256)).toBeDefined(); // the other wheel is untouched
    // The next install extracts the wheel again from the verified .whl: the original bytes.
    const again = await installWheels(inputs, { ...base, dest: join(box, "again"), cacheDir, linkMode: "hardlink" });
    expect(again.packages.map((p) => p.cached)).toEqual([false, true]);
    expect(treeListing(join(box, "again"), { hash: 64 })).toBe(before);
    expect((await verifyUnpacked(cacheDir)).bad).toEqual([]);
  });

  it("reports a chmod, a truncation, a missing file and an extra file", async () => {
    const { box, cacheDir } = await filled();
    const init = relOf(cacheDir, wheel.sha256, "vfy/__init__.py");
    const tool = relOf(cacheDir, wheel.sha256, "vfy/tool.sh");
    const core = relOf(cacheDir, wheel.sha256, "vfy/core.py");
    const otherFile = relOf(cacheDir, other.sha256, "other.py");
    chmodSync(join(box, "t/vfy/tool.sh"), 0o644); // through the hard link
    writeFileSync(join(cacheDir, init), "");
    rmSync(join(cacheDir, core));
    const stray = `${otherFile.slice(0, otherFile.lastIndexOf("/"))}/99`;
    writeFileSync(join(cacheDir, stray), "x");
    const r = await verifyUnpacked(cacheDir);
    const lines = r.bad.map((b) => `${b.path} ${b.file ?? "-"} ${b.wheel}: ${b.expected} → ${b.actual}`);
    const crc = (s: string) => s.replace(/crc32 [0-9a-f]{8}/g, "crc32 <x>");
    expect(lines.map(crc).sort()).toEqual(
      [
        `${init} vfy/__init__.py ${wheel.filename}: crc32 <x>, 22 bytes, mode 644 → 0 bytes, mode 644`,
        `${tool} vfy/tool.sh ${wheel.filename}: crc32 <x>, 19 bytes, mode 755 → crc32 <x>, 19 bytes, mode 644`,
        `${core} vfy/core.py ${wheel.filename}: crc32 <x>, 25 bytes, mode 644 → missing`,
        `${stray} - ${other.filename}: no file → an extra file`,
      ].sort(),
    );
    expect(existsSync(unpackedDirFor(cacheDir, wheel.sha256))).toBe(false);
    expect(existsSync(unpackedDirFor(cacheDir, other.sha256))).toBe(false);
  });

  it("reports and removes entries whose manifest is missing, unreadable or not one", async () => {
    const { cacheDir } = await filled();
    const fake = (name: string) => `${name.charCodeAt(0).toString(16)}`.repeat(32).slice(0, 64);
    for (const [name, manifest] of [
      ["a-empty-object", "{}"],
      ["b-garbage", "{ nope"],
      ["c-missing", undefined],
    ] as const) {
      const dir = unpackedDirFor(cacheDir, fake(name));
      mkdirSync(join(dir, "0"), { recursive: true });
      if (manifest !== undefined) writeFileSync(join(dir, "manifest.json"), manifest);
    }
    const r = await verifyUnpacked(cacheDir);
    expect(r.entries).toBe(5);
    expect(r.bad).toEqual(
      ["a", "b", "c"].map((n) => {
        const s = fake(n);
        return { path: `unpacked-v2/${s.slice(0, 2)}/${s}`, expected: s, actual: "" };
      }),
    );
    for (const n of ["a", "b", "c"]) expect(existsSync(unpackedDirFor(cacheDir, fake(n)))).toBe(false);
    expect(readUnpacked(cacheDir, wheel.sha256)).toBeDefined();
  });

  it("the manifests survive prune: entries stay warm and verifiable", async () => {
    const { box, cacheDir, inputs } = await filled();
    const dir = unpackedDirFor(cacheDir, wheel.sha256);
    const manifest = readFileSync(join(dir, "manifest.json"), "utf8");
    const pruned = await pruneCache(cacheDir, { tempOlderThanMinutes: 0 });
    expect(pruned.removed.filter((p) => p.startsWith("unpacked-v2"))).toEqual([]);
    expect(readFileSync(join(dir, "manifest.json"), "utf8")).toBe(manifest);
    expect(await verifyUnpacked(cacheDir)).toMatchObject({ entries: 2, files: 10, bad: [] });
    const warm = await installWheels(inputs, { ...base, dest: join(box, "warm"), cacheDir });
    expect(warm.packages.map((p) => p.cached)).toEqual([true, true]);
  });
});
