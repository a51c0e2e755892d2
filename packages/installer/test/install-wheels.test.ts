import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { entryFileMode, validateWheelEntries } from "@tspack/wheel";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel, type RawEntry, zeroBombPayload } from "../../../test/helpers/make-wheel.js";
import { recordCases } from "../../../test/helpers/record-wheels.js";
import {
  type InstallEvent,
  inflateWheelEntry,
  installWheels,
  openWheelArchive,
  readUnpacked,
  unpackedPath,
} from "../src/index.js";
import { errorOf, names, removeSandboxes, sandbox, treeListing, wheelInputs } from "./fs-fixture.js";

const rich = makeWheel({
  name: "Rich.Pkg",
  version: "1.2.0",
  files: {
    "rich_pkg/__init__.py": "from .core import main\n",
    "rich_pkg/core.py": "def main():\n    return 0\n",
    "rich_pkg/tool.sh": { data: "#!/bin/sh\necho hi\n", mode: 0o100755 },
    "rich_pkg/odd.bin": { data: "odd", mode: 0o777 },
    "rich_pkg/données/é.txt": "unicode\n",
    "nspkg/sub/__init__.py": "",
    "rich_pkg.pth": "import rich_pkg\n",
  },
  entryPoints: {
    console_scripts: { rich: "rich_pkg:main", "rich-extra": "rich_pkg.core:main [cli, fast]" },
    gui_scripts: { "rich-gui": "rich_pkg.core:main" },
  },
  data: {
    scripts: { "rich-legacy": "#!python\nprint('legacy')\n", "helper.sh": "#!/bin/sh\necho helper\n" },
    headers: { "rich.h": "#define RICH 1\n" },
    data: { "share/rich/config.json": "{}\n" },
    purelib: { "rich_extra_pure.py": "X = 1\n" },
    platlib: { "rich_native.so": { data: "\x7fELF", mode: 0o100755 } },
  },
});

afterAll(removeSandboxes);

const alpha = makeWheel({
  name: "alpha",
  version: "1.0",
  files: { "shared/__init__.py": "", "shared/util.py": "A = 1\n", "alpha.py": "" },
});
const beta = makeWheel({
  name: "beta",
  version: "2.0",
  files: { "shared/__init__.py": "", "shared/util.py": "B = 2\n", "beta.py": "" },
});

describe("installWheels: golden trees", () => {
  it("installs into --target (extracting from the wheel)", async () => {
    const box = sandbox();
    const dest = join(box, "target");
    const r = await installWheels(wheelInputs(box, [rich]), { dest, layout: "target", python: [3, 13] });
    expect(r.linkMode).toBe("extract");
    expect(r.publish).toBe("rename");
    expect(r.files).toBe(22);
    expect(r.packages).toEqual([
      { name: "Rich.Pkg", version: "1.2.0", filename: rich.filename, files: 22, unzippedBytes: r.bytes, cached: false },
    ]);
    expect(treeListing(dest, { dirs: true })).toMatchInlineSnapshot(`
      "Rich_Pkg-1.2.0.dist-info/ 755
      Rich_Pkg-1.2.0.dist-info/INSTALLER 644 d8acd9966d4b8a23
      Rich_Pkg-1.2.0.dist-info/METADATA 644 e8341ef2b04e80e7
      Rich_Pkg-1.2.0.dist-info/RECORD 644 edca753df5d01ca8
      Rich_Pkg-1.2.0.dist-info/REQUESTED 644 e3b0c44298fc1c14
      Rich_Pkg-1.2.0.dist-info/WHEEL 644 b99ee881062ce033
      Rich_Pkg-1.2.0.dist-info/entry_points.txt 644 e98aff01a536437c
      bin/ 755
      bin/helper.sh 755 7b920614f7512898
      bin/rich 755 f7ebbf99068de1e3
      bin/rich-extra 755 8c3cd13bda507cef
      bin/rich-gui 755 8c3cd13bda507cef
      bin/rich-legacy 755 a226e587a5c7cafb
      include/ 755
      include/rich-pkg/ 755
      include/rich-pkg/rich.h 644 9f9f7f5898af0f3e
      nspkg/ 755
      nspkg/sub/ 755
      nspkg/sub/__init__.py 644 e3b0c44298fc1c14
      rich_extra_pure.py 644 0abae1e0ae728216
      rich_native.so 755 3bdbb4fe8397cd2b
      rich_pkg.pth 644 b5b47f56023c7b3b
      rich_pkg/ 755
      rich_pkg/__init__.py 644 eaa34898ddb1b3b2
      rich_pkg/core.py 644 1043ef52e8b21453
      rich_pkg/données/ 755
      rich_pkg/données/é.txt 644 ebc45fabefbabdd0
      rich_pkg/odd.bin 644 990cb8ebd0afb715
      rich_pkg/tool.sh 755 299001868fb8c02f
      share/ 755
      share/rich/ 755
      share/rich/config.json 644 ca3d163bab055381"
    `);
    expect(names(box)).toEqual(["target", "wheels"]);
  });

  it("installs into --prefix, through the unpacked cache (cold then warm give the same tree)", async () => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [rich]);
    const events: InstallEvent[] = [];
    const cold = await installWheels(inputs, {
      dest: join(box, "cold"),
      layout: "prefix",
      python: [3, 13],
      cacheDir,
      onEvent: (e) => events.push(e),
    });
    const warm = await installWheels(inputs, { dest: join(box, "warm"), layout: "prefix", python: [3, 13], cacheDir });
    expect(cold.packages[0]?.cached).toBe(false);
    expect(warm.packages[0]?.cached).toBe(true);
    // The default clones where the file system can, else copies: never a hard link into the cache.
    expect(["clone", "copy"]).toContain(warm.linkMode);
    if (warm.linkMode === "copy") {
      expect(events).toContainEqual({ type: "link-fallback", from: "clone", to: "copy", reason: expect.any(String) });
    }
    expect(statSync(join(box, "warm/lib/python3.13/site-packages/rich_pkg/core.py")).nlink).toBe(1);
    expect(cold.warnings).toEqual([]); // clone → copy is silent (uv's clone → hardlink is too)
    const listing = treeListing(join(box, "cold"), { dirs: true });
    expect(treeListing(join(box, "warm"), { dirs: true })).toBe(listing);
    expect(listing).toMatchInlineSnapshot(`
      "bin/ 755
      bin/helper.sh 755 7b920614f7512898
      bin/rich 755 f7ebbf99068de1e3
      bin/rich-extra 755 8c3cd13bda507cef
      bin/rich-gui 755 8c3cd13bda507cef
      bin/rich-legacy 755 a226e587a5c7cafb
      include/ 755
      include/site/ 755
      include/site/python3.13/ 755
      include/site/python3.13/rich-pkg/ 755
      include/site/python3.13/rich-pkg/rich.h 644 9f9f7f5898af0f3e
      lib/ 755
      lib/python3.13/ 755
      lib/python3.13/site-packages/ 755
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/ 755
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/INSTALLER 644 d8acd9966d4b8a23
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/METADATA 644 e8341ef2b04e80e7
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/RECORD 644 3bae51a799d444fc
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/REQUESTED 644 e3b0c44298fc1c14
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/WHEEL 644 b99ee881062ce033
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/entry_points.txt 644 e98aff01a536437c
      lib/python3.13/site-packages/nspkg/ 755
      lib/python3.13/site-packages/nspkg/sub/ 755
      lib/python3.13/site-packages/nspkg/sub/__init__.py 644 e3b0c44298fc1c14
      lib/python3.13/site-packages/rich_extra_pure.py 644 0abae1e0ae728216
      lib/python3.13/site-packages/rich_native.so 755 3bdbb4fe8397cd2b
      lib/python3.13/site-packages/rich_pkg.pth 644 b5b47f56023c7b3b
      lib/python3.13/site-packages/rich_pkg/ 755
      lib/python3.13/site-packages/rich_pkg/__init__.py 644 eaa34898ddb1b3b2
      lib/python3.13/site-packages/rich_pkg/core.py 644 1043ef52e8b21453
      lib/python3.13/site-packages/rich_pkg/données/ 755
      lib/python3.13/site-packages/rich_pkg/données/é.txt 644 ebc45fabefbabdd0
      lib/python3.13/site-packages/rich_pkg/odd.bin 644 990cb8ebd0afb715
      lib/python3.13/site-packages/rich_pkg/tool.sh 755 299001868fb8c02f
      share/ 755
      share/rich/ 755
      share/rich/config.json 644 ca3d163bab055381"
    `);
  });

  it("copies with linkMode copy (no shared inodes), and #!python scripts are never linked", async () => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [rich]);
    await installWheels(inputs, { dest: join(box, "a"), layout: "target", python: [3, 13], cacheDir });
    const r = await installWheels(inputs, {
      dest: join(box, "b"),
      layout: "target",
      python: [3, 13],
      cacheDir,
      linkMode: "copy",
    });
    expect(r.linkMode).toBe("copy");
    expect(statSync(join(box, "b/rich_pkg/core.py")).nlink).toBe(1);
    expect(statSync(join(box, "b/bin/helper.sh")).mode & 0o777).toBe(0o755);
    expect(treeListing(join(box, "b"))).toBe(treeListing(join(box, "a")));
  });

  it("fills the cache on a cold install with the wheel's own bytes and modes, linked to the target where identical", async () => {
    const box = sandbox();
    const cacheDir = join(box, "cache");
    const inputs = wheelInputs(box, [rich]);
    const cold = await installWheels(inputs, {
      dest: join(box, "t"),
      layout: "target",
      python: [3, 13],
      cacheDir,
      linkMode: "hardlink",
    });
    expect(cold.linkMode).toBe("hardlink");
    const u = readUnpacked(cacheDir, rich.sha256);
    expect(u).toBeDefined();
    const archive = openWheelArchive(inputs[0]!.path, rich.filename, rich.sha256);
    const files = validateWheelEntries(rich.filename, archive.entries);
    expect(files.length).toBe(17);
    for (const { path, entry } of files) {
      const cached = unpackedPath(u!, path);
      expect(Buffer.from(readFileSync(cached)).equals(Buffer.from(inflateWheelEntry(archive, entry))), path).toBe(true);
      expect(statSync(cached).mode & 0o777, path).toBe(entryFileMode(entry));
    }
    // Rewritten (#!python), replaced (RECORD) and re-moded (odd.bin 0o777 → 0o644 vs .data/scripts 0o755) files are
    // written, not linked; verbatim files share the target's inode when hardlinking.
    expect(readFileSync(unpackedPath(u!, "Rich_Pkg-1.2.0.data/scripts/rich-legacy"), "utf8")).toBe(
      "#!python\nprint('legacy')\n",
    );
    expect(statSync(unpackedPath(u!, "rich_pkg/core.py")).ino).toBe(statSync(join(box, "t/rich_pkg/core.py")).ino);
    expect(statSync(unpackedPath(u!, "Rich_Pkg-1.2.0.dist-info/RECORD")).nlink).toBe(1);
    expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
    const warm = await installWheels(inputs, { dest: join(box, "w"), layout: "target", python: [3, 13], cacheDir });
    expect(warm.packages[0]?.cached).toBe(true);
    expect(treeListing(join(box, "w"), { dirs: true })).toBe(treeListing(join(box, "t"), { dirs: true }));
  });

  it("keeps modes exact under a restrictive umask", async () => {
    const box = sandbox();
    const old = process.umask(0o077);
    try {
      await installWheels(wheelInputs(box, [rich]), { dest: join(box, "t"), layout: "target", python: [3, 13] });
    } finally {
      process.umask(old);
    }
    expect(statSync(join(box, "t/rich_pkg/core.py")).mode & 0o777).toBe(0o644);
    expect(statSync(join(box, "t/rich_pkg")).mode & 0o777).toBe(0o755);
    expect(statSync(join(box, "t/bin/rich")).mode & 0o777).toBe(0o755);
  });

  it("installs zip64 archives with data descriptors", async () => {
    const box = sandbox();
    const w = makeWheel({ name: "z", version: "1", files: { "z.py": "Z = 1\n" }, zip64: true, dataDescriptors: true });
    await installWheels(wheelInputs(box, [w]), {
      dest: join(box, "t"),
      layout: "target",
      python: [3, 13],
      installerMetadata: false,
    });
    expect(readFileSync(join(box, "t/z.py"), "utf8")).toBe("Z = 1\n");
  });
});

describe("installWheels: conflicts, merge, clean, failures", () => {
  it("warns about different content, names both packages, the last package wins", async () => {
    const box = sandbox();
    const r = await installWheels(wheelInputs(box, [beta, alpha]), {
      dest: join(box, "t"),
      layout: "target",
      python: [3, 13],
    });
    expect(r.warnings).toEqual([
      '"shared/util.py" is installed by both alpha==1.0 and beta==2.0 with different content; beta==2.0 wins (the package that sorts last)',
    ]);
    expect(r.conflicts.map((c) => `${c.path} ${c.identical}`)).toEqual([
      "shared/__init__.py true",
      "shared/util.py false",
    ]);
    expect(readFileSync(join(box, "t/shared/util.py"), "utf8")).toBe("B = 2\n");
  });

  it("merges into an existing target like uv, replacing an older version of a package", async () => {
    const box = sandbox();
    const dest = join(box, "t");
    const v1 = makeWheel({ name: "foo", version: "1.0", files: { "foo/__init__.py": "V = 1\n", "foo/old.py": "" } });
    const v2 = makeWheel({ name: "foo", version: "2.0", files: { "foo/__init__.py": "V = 2\n", "foo/new.py": "" } });
    await installWheels(wheelInputs(box, [v1, alpha]), { dest, layout: "target", python: [3, 13] });
    mkdirSync(join(dest, "foo/__pycache__"));
    writeFileSync(join(dest, "foo/__pycache__/old.cpython-313.pyc"), "stale");
    writeFileSync(join(dest, "user-file.txt"), "mine");
    const r = await installWheels(wheelInputs(box, [v2]), { dest, layout: "target", python: [3, 13] });
    expect(r.publish).toBe("merge");
    expect(r.removed).toEqual([{ distInfo: "foo-1.0.dist-info", files: 7 }]);
    expect(treeListing(dest, { dirs: true, hash: 0 })).toMatchInlineSnapshot(`
      "alpha-1.0.dist-info/ 755
      alpha-1.0.dist-info/INSTALLER 644 
      alpha-1.0.dist-info/METADATA 644 
      alpha-1.0.dist-info/RECORD 644 
      alpha-1.0.dist-info/REQUESTED 644 
      alpha-1.0.dist-info/WHEEL 644 
      alpha.py 644 
      foo-2.0.dist-info/ 755
      foo-2.0.dist-info/INSTALLER 644 
      foo-2.0.dist-info/METADATA 644 
      foo-2.0.dist-info/RECORD 644 
      foo-2.0.dist-info/REQUESTED 644 
      foo-2.0.dist-info/WHEEL 644 
      foo/ 755
      foo/__init__.py 644 
      foo/new.py 644 
      shared/ 755
      shared/__init__.py 644 
      shared/util.py 644 
      user-file.txt 644 "
    `);
  });

  it("replaces the whole target with clean when every file in it is an installed package's", async () => {
    const box = sandbox();
    const dest = join(box, "t");
    await installWheels(wheelInputs(box, [alpha]), { dest, layout: "target", python: [3, 13] });
    // Bytecode Python wrote next to a listed module is the package's too.
    mkdirSync(join(dest, "shared", "__pycache__"));
    writeFileSync(join(dest, "shared", "__pycache__", "util.cpython-313.pyc"), "pyc");
    const r = await installWheels(wheelInputs(box, [beta]), { dest, layout: "target", python: [3, 13], clean: true });
    expect(r.publish).toBe("replace");
    expect(names(dest)).toEqual(["beta-2.0.dist-info", "beta.py", "shared"]);
    expect(names(box)).toEqual(["t", "wheels"]);
  });

  it("refuses clean when a file in the target belongs to no installed package, and changes nothing", async () => {
    const box = sandbox();
    const dest = join(box, "t");
    await installWheels(wheelInputs(box, [alpha]), { dest, layout: "target", python: [3, 13] });
    writeFileSync(join(dest, "user-file.txt"), "mine");
    mkdirSync(join(dest, "notes", "deep"), { recursive: true });
    writeFileSync(join(dest, "notes", "deep", "a.md"), "a");
    writeFileSync(join(dest, "shared", "mine.py"), "x");
    const before = treeListing(dest, { dirs: true });
    const e = await errorOf(
      () => installWheels(wheelInputs(box, [beta]), { dest, layout: "target", python: [3, 13], clean: true }),
      box,
    );
    expect(e).toBe(
      `TSPACK_NOT_OWNED: The --target folder "<box>/t" holds 3 entries that no installed package's RECORD lists: "notes/", "shared/mine.py", "user-file.txt"`,
    );
    expect(treeListing(dest, { dirs: true })).toBe(before);
    expect(names(box)).toEqual(["t", "wheels"]);
  });

  it("leaves the previous target intact when a later wheel fails, and cleans its staging", async () => {
    const box = sandbox();
    const dest = join(box, "t");
    await installWheels(wheelInputs(box, [alpha]), { dest, layout: "target", python: [3, 13] });
    const before = treeListing(dest, { dirs: true });
    const badCrc = makeWheel({
      name: "bad",
      version: "1",
      files: { "bad.py": "x" },
      rawEntries: [{ name: "bad/evil.py", data: "payload", crc32: 1 }],
    });
    for (const clean of [false, true]) {
      const e = await errorOf(
        () => installWheels(wheelInputs(box, [beta, badCrc]), { dest, layout: "target", python: [3, 13], clean }),
        box,
      );
      expect(e).toMatchInlineSnapshot(
        `"TSPACK_ZIP_INVALID: "bad-1-py3-none-any.whl": entry "bad/evil.py": CRC-32 is 0x422c6a15, expected 0x00000001"`,
      );
      expect(treeListing(dest, { dirs: true })).toBe(before);
      expect(names(box)).toEqual(["t", "wheels"]);
    }
  });

  it("refuses to merge a file over a directory before touching the target", async () => {
    const box = sandbox();
    const dest = join(box, "t");
    mkdirSync(join(dest, "alpha.py"), { recursive: true });
    const e = await errorOf(
      () => installWheels(wheelInputs(box, [alpha]), { dest, layout: "target", python: [3, 13] }),
      box,
    );
    expect(e).toMatchInlineSnapshot(
      `"TSPACK_INSTALL_FAILED: The install into "<box>/t" cannot merge "alpha.py": it is a directory in the target and a file in the new packages"`,
    );
    expect(names(dest)).toEqual(["alpha.py"]);
    expect(names(box)).toEqual(["t", "wheels"]);
  });

  it("stops on abort without leaving anything behind", async () => {
    const box = sandbox();
    const ac = new AbortController();
    ac.abort();
    const e = await errorOf(() =>
      installWheels(wheelInputs(box, [alpha]), {
        dest: join(box, "t"),
        layout: "target",
        python: [3, 13],
        signal: ac.signal,
      }),
    );
    expect(e).toBe("TSPACK_ABORTED: The install was aborted");
    expect(names(box)).toEqual(["wheels"]);
  });

  it("checks the wheel's sha256 and expected name", async () => {
    const box = sandbox();
    const [input] = wheelInputs(box, [alpha]);
    const wrongSha = { ...input!, sha256: "0".repeat(64) };
    expect(
      await errorOf(() => installWheels([wrongSha], { dest: join(box, "t"), layout: "target", python: [3, 13] }), box),
    ).toMatch(
      /^TSPACK_INTEGRITY_MISMATCH: The wheel "alpha-1.0-py3-none-any.whl" at "<box>\/wheels\/alpha-1.0-py3-none-any.whl" has sha256 [0-9a-f]{64}, expected 0{64}$/,
    );
    const wrongName = { ...input!, name: "beta" };
    expect(
      await errorOf(() => installWheels([wrongName], { dest: join(box, "t"), layout: "target", python: [3, 13] })),
    ).toBe(
      'TSPACK_WHEEL_INVALID: The wheel "alpha-1.0-py3-none-any.whl" is invalid: it contains "alpha", expected "beta"',
    );
  });
});

describe("installWheels: hostile wheels write nothing", () => {
  const base = { name: "evil", version: "1.0", files: { "evil/__init__.py": "" } };
  const raw = (...rawEntries: RawEntry[]) => makeWheel({ ...base, rawEntries });
  const cases = {
    "zip-slip": raw({ name: "../../escaped.py", data: "x" }),
    absolute: raw({ name: "/tmp/tspack-escaped.py", data: "x" }),
    symlink: raw({ name: "evil/link", data: "../../../etc/passwd", mode: 0o120777 }),
    "duplicate with different content": raw({ name: "evil/__init__.py", data: "other" }),
    "bad CRC": raw({ name: "evil/data.bin", data: "payload", crc32: 0xdeadbeef }),
    "zip bomb (lying size)": raw({
      name: "evil/bomb",
      compressedData: zeroBombPayload(50_000_000),
      uncompressedSize: 1000,
    }),
    "two dist-info": raw({ name: "other-1.0.dist-info/METADATA", data: "Name: other\n" }),
    "missing WHEEL": makeWheel({ ...base, wheelText: null }),
    "Wheel-Version 2.0": makeWheel({ ...base, wheelVersion: "2.0" }),
    "no RECORD": makeWheel({ ...base, record: "none" }),
    "dist-info of another package": makeWheel({ ...base, distInfoPrefix: "alpha-1.0" }),
    "METADATA name mismatch": makeWheel({ ...base, metadataText: "Name: good\nVersion: 1.0\n" }),
    "unknown .data key": makeWheel({ ...base, data: { lib: { "x.py": "" } } }),
  };

  it("refuses each one, extracting or through the unpacked cache; no file outside or inside the target", async () => {
    const outcomes: string[][] = [];
    for (const [cacheDir, parallel] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const lines: string[] = [];
      for (const [name, wheel] of Object.entries(cases)) {
        const box = sandbox();
        const dest = join(box, "t");
        const cache = join(box, "cache");
        const e = await errorOf(
          () =>
            installWheels(wheelInputs(box, [alpha, wheel]), {
              dest,
              layout: "target",
              python: [3, 13],
              parallel,
              ...(cacheDir ? { cacheDir: cache } : {}),
            }),
          box,
        );
        lines.push(`${name}:\n  ${e}`);
        expect(existsSync(dest), name).toBe(false);
        expect(
          names(box).filter((n) => n !== "cache"),
          name,
        ).toEqual(["wheels"]);
        if (cacheDir && existsSync(join(cache, "unpacked-v2"))) {
          // only the good wheel may have been unpacked
          expect(readdirSync(join(cache, "unpacked-v2", alpha.sha256.slice(0, 2))), name).toEqual([alpha.sha256]);
        }
        if (cacheDir && existsSync(join(cache, "tmp"))) expect(readdirSync(join(cache, "tmp")), name).toEqual([]);
      }
      outcomes.push(lines);
    }
    expect(existsSync("/tmp/tspack-escaped.py")).toBe(false);
    for (const o of outcomes.slice(1)) expect(o).toEqual(outcomes[0]);
    expect(outcomes[0]!.join("\n")).toMatchInlineSnapshot(`
      "zip-slip:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "../../escaped.py": its ".." segments climb above the install directory
      absolute:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "/tmp/tspack-escaped.py": it is an absolute path
      symlink:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has a symbolic link entry "evil/link": tspack refuses links in wheels
      duplicate with different content:
        TSPACK_ZIP_INVALID: The wheel "evil-1.0-py3-none-any.whl" has an invalid entry "evil/__init__.py": the archive has two entries for "evil/__init__.py" with different content
      bad CRC:
        TSPACK_ZIP_INVALID: "evil-1.0-py3-none-any.whl": entry "evil/data.bin": CRC-32 is 0x422c6a15, expected 0xdeadbeef
      zip bomb (lying size):
        TSPACK_ZIP_INVALID: "evil-1.0-py3-none-any.whl": entry "evil/bomb": inflates to more than its declared 1000 bytes (zip bomb?)
      two dist-info:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: it has 2 .dist-info directories: evil-1.0.dist-info, other-1.0.dist-info
      missing WHEEL:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: "evil-1.0.dist-info/WHEEL" is missing
      Wheel-Version 2.0:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 2)
      no RECORD:
        TSPACK_RECORD_MISMATCH: The wheel "evil-1.0-py3-none-any.whl" has no RECORD: "evil-1.0.dist-info/RECORD" is missing
      dist-info of another package:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: its .dist-info directory "alpha-1.0.dist-info" does not match the filename (expected "evil-1.0.dist-info")
      METADATA name mismatch:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: METADATA says Name "good" but the filename says "evil"
      unknown .data key:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: unknown .data key "lib" in "evil-1.0.data/lib/x.py" (expected purelib, platlib, data, headers or scripts)"
    `);
  });
});

describe("installWheels: RECORD, .dist-info and Wheel-Version checks (uv's errors are errors, what it tolerates warns)", () => {
  const cases = recordCases("rec", "1.0");
  const modes = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;

  it.each(Object.entries(cases))(
    "%s: the same outcome extracting or through the cache, on one or two threads",
    async (_name, c) => {
      for (const [withCache, parallel] of modes) {
        const box = sandbox("rec");
        const dest = join(box, "t");
        const cacheDir = join(box, "cache");
        const install = () =>
          installWheels(wheelInputs(box, c.wheels), {
            dest,
            layout: "target",
            python: [3, 13],
            parallel,
            ...(withCache ? { cacheDir } : {}),
          });
        const mode = `cache ${withCache}, parallel ${parallel}`;
        if (c.error !== undefined) {
          expect(await errorOf(install, box), mode).toBe(c.error);
          expect(existsSync(dest), mode).toBe(false);
          expect(
            names(box).filter((n) => n !== "cache"),
            mode,
          ).toEqual(["wheels"]);
          if (existsSync(join(cacheDir, "tmp"))) expect(readdirSync(join(cacheDir, "tmp")), mode).toEqual([]);
          expect(existsSync(join(cacheDir, "checked-v2")), mode).toBe(false); // nothing is marked on failure
          continue;
        }
        const events: InstallEvent[] = [];
        const r = await installWheels(wheelInputs(box, c.wheels), {
          dest,
          layout: "target",
          python: [3, 13],
          parallel,
          ...(withCache ? { cacheDir } : {}),
          onEvent: (e) => events.push(e),
        });
        expect(r.warnings, mode).toEqual(c.warnings);
        expect(events.filter((e) => e.type === "warning").map((e) => (e as { message: string }).message)).toEqual(
          c.warnings,
        );
        // The files are installed as they are in the wheel.
        expect(readFileSync(join(dest, "rec/util.py"), "utf8"), mode).toBe("y = 2\n");
        if (!withCache) continue;
        // Warm: linked from the cache without inflating; the check's warnings are remembered with it.
        const warm = await install();
        expect(
          warm.packages.map((p) => p.cached),
          mode,
        ).toEqual([true]);
        expect(warm.warnings, mode).toEqual(c.warnings);
        // Without the marker (a cache unpacked by an older tspack), the cached files are compared once.
        const marker = join(cacheDir, "checked-v2", c.wheels[0]!.sha256.slice(0, 2), c.wheels[0]!.sha256);
        expect(existsSync(marker), mode).toBe(true);
        rmSync(marker);
        expect((await install()).warnings, mode).toEqual(c.warnings);
        expect(existsSync(marker), mode).toBe(true);
      }
    },
  );

  it("heals the installed RECORD like uv: unlisted files get their size, rows of missing files are dropped", async () => {
    const box = sandbox("rec");
    const dest = join(box, "t");
    await installWheels(wheelInputs(box, cases["a file RECORD does not list"]!.wheels), {
      dest,
      layout: "target",
      python: [3, 13],
    });
    expect(readFileSync(join(dest, "rec-1.0.dist-info/RECORD"), "utf8")).toContain("rec/extra.py,,6\n");
    const gone = sandbox("rec");
    await installWheels(wheelInputs(gone, cases["a RECORD row for a file the wheel does not have"]!.wheels), {
      dest: join(gone, "t"),
      layout: "target",
      python: [3, 13],
    });
    expect(readFileSync(join(gone, "t", "rec-1.0.dist-info/RECORD"), "utf8")).not.toContain("gone.py");
    const self = sandbox("rec");
    await installWheels(wheelInputs(self, cases["RECORD lists itself with a hash"]!.wheels), {
      dest: join(self, "t"),
      layout: "target",
      python: [3, 13],
    });
    expect(readFileSync(join(self, "t", "rec-1.0.dist-info/RECORD"), "utf8")).toContain("rec-1.0.dist-info/RECORD,,\n");
  });
});
