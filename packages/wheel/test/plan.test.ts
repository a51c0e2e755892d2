import { describe, expect, it } from "vitest";
import { makeWheel, type RawEntry, zeroBombPayload } from "../../../test/helpers/make-wheel.js";
import { planWheelInstall } from "../src/index.js";
import { generatedText, listing, opBytes, PREFIX, planOf, TARGET } from "./plan-fixture.js";

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
    "rich.plugins": { x: "rich_pkg.core" },
  },
  data: {
    scripts: {
      "rich-legacy": "#!python\nprint('legacy')\n",
      "helper.sh": "#!/bin/sh\necho helper\n",
      rich: "#!python\nprint('shadowed by the entry point')\n",
    },
    headers: { "rich.h": "#define RICH 1\n" },
    data: { "share/rich/config.json": "{}\n" },
    purelib: { "rich_extra_pure.py": "X = 1\n" },
    platlib: { "rich_native.so": { data: "\x7fELF", mode: 0o100755 } },
  },
});

describe("planWheelInstall: golden trees", () => {
  it("installs every scheme into --target", () => {
    const plan = planOf(rich, TARGET);
    expect(plan.name).toBe("Rich.Pkg");
    expect(plan.normalizedName).toBe("rich-pkg");
    expect(plan.distInfo).toBe("Rich_Pkg-1.2.0.dist-info");
    expect(plan.scripts).toEqual(["rich", "rich-extra", "rich-gui"]);
    expect(listing(rich, plan)).toMatchInlineSnapshot(`
      "Rich_Pkg-1.2.0.dist-info/INSTALLER 644 d8acd9966d4b8a23 (generated)
      Rich_Pkg-1.2.0.dist-info/METADATA 644 e8341ef2b04e80e7
      Rich_Pkg-1.2.0.dist-info/RECORD 644 68eef658f0e48132 (generated)
      Rich_Pkg-1.2.0.dist-info/REQUESTED 644 e3b0c44298fc1c14 (generated)
      Rich_Pkg-1.2.0.dist-info/WHEEL 644 b99ee881062ce033
      Rich_Pkg-1.2.0.dist-info/entry_points.txt 644 7c5f13963a30cf44
      bin/helper.sh 755 7b920614f7512898
      bin/rich 755 f7ebbf99068de1e3 (generated)
      bin/rich-extra 755 8c3cd13bda507cef (generated)
      bin/rich-gui 755 8c3cd13bda507cef (generated)
      bin/rich-legacy 755 a226e587a5c7cafb (generated)
      include/rich-pkg/rich.h 644 9f9f7f5898af0f3e
      nspkg/sub/__init__.py 644 e3b0c44298fc1c14
      rich_extra_pure.py 644 0abae1e0ae728216
      rich_native.so 755 3bdbb4fe8397cd2b
      rich_pkg.pth 644 b5b47f56023c7b3b
      rich_pkg/__init__.py 644 eaa34898ddb1b3b2
      rich_pkg/core.py 644 1043ef52e8b21453
      rich_pkg/données/é.txt 644 ebc45fabefbabdd0
      rich_pkg/odd.bin 644 990cb8ebd0afb715
      rich_pkg/tool.sh 755 299001868fb8c02f
      share/rich/config.json 644 ca3d163bab055381"
    `);
  });

  it("installs every scheme into --prefix", () => {
    const plan = planOf(rich, PREFIX);
    expect(plan.distInfo).toBe("lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info");
    expect(listing(rich, plan)).toMatchInlineSnapshot(`
      "bin/helper.sh 755 7b920614f7512898
      bin/rich 755 f7ebbf99068de1e3 (generated)
      bin/rich-extra 755 8c3cd13bda507cef (generated)
      bin/rich-gui 755 8c3cd13bda507cef (generated)
      bin/rich-legacy 755 a226e587a5c7cafb (generated)
      include/site/python3.13/rich-pkg/rich.h 644 9f9f7f5898af0f3e
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/INSTALLER 644 d8acd9966d4b8a23 (generated)
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/METADATA 644 e8341ef2b04e80e7
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/RECORD 644 fc781a543c6fd7d8 (generated)
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/REQUESTED 644 e3b0c44298fc1c14 (generated)
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/WHEEL 644 b99ee881062ce033
      lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/entry_points.txt 644 7c5f13963a30cf44
      lib/python3.13/site-packages/nspkg/sub/__init__.py 644 e3b0c44298fc1c14
      lib/python3.13/site-packages/rich_extra_pure.py 644 0abae1e0ae728216
      lib/python3.13/site-packages/rich_native.so 755 3bdbb4fe8397cd2b
      lib/python3.13/site-packages/rich_pkg.pth 644 b5b47f56023c7b3b
      lib/python3.13/site-packages/rich_pkg/__init__.py 644 eaa34898ddb1b3b2
      lib/python3.13/site-packages/rich_pkg/core.py 644 1043ef52e8b21453
      lib/python3.13/site-packages/rich_pkg/données/é.txt 644 ebc45fabefbabdd0
      lib/python3.13/site-packages/rich_pkg/odd.bin 644 990cb8ebd0afb715
      lib/python3.13/site-packages/rich_pkg/tool.sh 755 299001868fb8c02f
      share/rich/config.json 644 ca3d163bab055381"
    `);
  });

  it("rewrites RECORD: moved paths, healed rows, generated files, byte order", () => {
    expect(generatedText(planOf(rich, TARGET), "Rich_Pkg-1.2.0.dist-info/RECORD")).toMatchInlineSnapshot(`
      "Rich_Pkg-1.2.0.dist-info/INSTALLER,sha256=2KzZlm1LiiMpPoNbsuk_Hq2V7chAyiGnr2zPQC9stNg,6
      Rich_Pkg-1.2.0.dist-info/METADATA,sha256=6DQe8rBOgOdfyL9BLzsWl5jGifJKiQvLPdK4WpGMz4o,52
      Rich_Pkg-1.2.0.dist-info/RECORD,,
      Rich_Pkg-1.2.0.dist-info/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0
      Rich_Pkg-1.2.0.dist-info/WHEEL,sha256=uZ7ogQYs4DPySZH6-7Qkg833bZtsH9L_sT6PnM7j2ss,88
      Rich_Pkg-1.2.0.dist-info/entry_points.txt,sha256=fF8Tljowz0QdBGJbxuY8bT10MHJq0Y3CS5v3MTmoDZg,162
      bin/helper.sh,sha256=e5IGFPdRKJhStZ4OgN3-753exxEPKYQZW5p8ubIscP4,22
      bin/rich,sha256=9-u_mQaN4eOR7g1y9nvLuWVBWAEYjLGvRoCGUmGvI4U,298
      bin/rich-extra,sha256=jDzRO9pQfO83qXaQkpVWPKTPQ5qn1KNt9nbCKkiLViA,303
      bin/rich-gui,sha256=jDzRO9pQfO83qXaQkpVWPKTPQ5qn1KNt9nbCKkiLViA,303
      bin/rich-legacy,sha256=oiblh6XHyvto47Z262W4DVhSFl3_UyvuRp6jE2USg6Q,43
      include/rich-pkg/rich.h,sha256=n59_WJivDz7jnd8JLCeDnH57ZV2kFkXe2e4jubyv-no,15
      nspkg/sub/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0
      rich_extra_pure.py,sha256=Crrh4K5yghbuRJk8Wjp1X4scOH2Uf8TE9yyrDkqEIUs,6
      rich_native.so,sha256=O9u0_oOXzSuEJDCznM_wGoZjx1GUXvXpoJ4mf7ix01k,4
      rich_pkg.pth,sha256=tbR_VgI8ezubpCrNlwoO_K_6nKCoDa-AxVCjtab3q84,16
      rich_pkg/__init__.py,sha256=6qNImN2xs7LWWJ81GcfAFURiVkvNCn8flQIwbm1zwmM,23
      rich_pkg/core.py,sha256=EEPvUuiyFFOCNorP4yRHIPMZ9TmlTxVCqcPIV-09IRE,25
      rich_pkg/données/é.txt,sha256=68Rfq--6vdBkJLPEdrEek_7HhAaf8QhE5zg9WfSR-Ms,8
      rich_pkg/odd.bin,sha256=mQy469CvtxUNpFOiEwNqkvLAXgkd8NgD5i0lfqd5bCc,3
      rich_pkg/tool.sh,sha256=KZABho-4wC_UMcM2xtBY9VWMXf9bWvXm_gS4cKapy7o,18
      share/rich/config.json,sha256=yj0WO6sFU4GCciYUBWjzvvfqrBh869doeOC2Pp5EI1Y,3
      "
    `);
    expect(
      generatedText(planOf(rich, PREFIX), "lib/python3.13/site-packages/Rich_Pkg-1.2.0.dist-info/RECORD"),
    ).toMatchInlineSnapshot(`
      "../../../bin/helper.sh,sha256=e5IGFPdRKJhStZ4OgN3-753exxEPKYQZW5p8ubIscP4,22
      ../../../bin/rich,sha256=9-u_mQaN4eOR7g1y9nvLuWVBWAEYjLGvRoCGUmGvI4U,298
      ../../../bin/rich-extra,sha256=jDzRO9pQfO83qXaQkpVWPKTPQ5qn1KNt9nbCKkiLViA,303
      ../../../bin/rich-gui,sha256=jDzRO9pQfO83qXaQkpVWPKTPQ5qn1KNt9nbCKkiLViA,303
      ../../../bin/rich-legacy,sha256=oiblh6XHyvto47Z262W4DVhSFl3_UyvuRp6jE2USg6Q,43
      ../../../include/site/python3.13/rich-pkg/rich.h,sha256=n59_WJivDz7jnd8JLCeDnH57ZV2kFkXe2e4jubyv-no,15
      ../../../share/rich/config.json,sha256=yj0WO6sFU4GCciYUBWjzvvfqrBh869doeOC2Pp5EI1Y,3
      Rich_Pkg-1.2.0.dist-info/INSTALLER,sha256=2KzZlm1LiiMpPoNbsuk_Hq2V7chAyiGnr2zPQC9stNg,6
      Rich_Pkg-1.2.0.dist-info/METADATA,sha256=6DQe8rBOgOdfyL9BLzsWl5jGifJKiQvLPdK4WpGMz4o,52
      Rich_Pkg-1.2.0.dist-info/RECORD,,
      Rich_Pkg-1.2.0.dist-info/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0
      Rich_Pkg-1.2.0.dist-info/WHEEL,sha256=uZ7ogQYs4DPySZH6-7Qkg833bZtsH9L_sT6PnM7j2ss,88
      Rich_Pkg-1.2.0.dist-info/entry_points.txt,sha256=fF8Tljowz0QdBGJbxuY8bT10MHJq0Y3CS5v3MTmoDZg,162
      nspkg/sub/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0
      rich_extra_pure.py,sha256=Crrh4K5yghbuRJk8Wjp1X4scOH2Uf8TE9yyrDkqEIUs,6
      rich_native.so,sha256=O9u0_oOXzSuEJDCznM_wGoZjx1GUXvXpoJ4mf7ix01k,4
      rich_pkg.pth,sha256=tbR_VgI8ezubpCrNlwoO_K_6nKCoDa-AxVCjtab3q84,16
      rich_pkg/__init__.py,sha256=6qNImN2xs7LWWJ81GcfAFURiVkvNCn8flQIwbm1zwmM,23
      rich_pkg/core.py,sha256=EEPvUuiyFFOCNorP4yRHIPMZ9TmlTxVCqcPIV-09IRE,25
      rich_pkg/données/é.txt,sha256=68Rfq--6vdBkJLPEdrEek_7HhAaf8QhE5zg9WfSR-Ms,8
      rich_pkg/odd.bin,sha256=mQy469CvtxUNpFOiEwNqkvLAXgkd8NgD5i0lfqd5bCc,3
      rich_pkg/tool.sh,sha256=KZABho-4wC_UMcM2xtBY9VWMXf9bWvXm_gS4cKapy7o,18
      "
    `);
  });

  it("writes uv's launcher and rewrites #!python scripts with the target shebang", () => {
    const plan = planOf(rich, TARGET);
    expect(generatedText(plan, "bin/rich-extra")).toMatchInlineSnapshot(`
      "#!/var/lang/bin/python3.13
      # -*- coding: utf-8 -*-
      import sys
      from rich_pkg.core import main
      if __name__ == "__main__":
          if sys.argv[0].endswith("-script.pyw"):
              sys.argv[0] = sys.argv[0][:-11]
          elif sys.argv[0].endswith(".exe"):
              sys.argv[0] = sys.argv[0][:-4]
          sys.exit(main())
      "
    `);
    expect(generatedText(plan, "bin/rich-legacy")).toBe("#!/var/lang/bin/python3.13\nprint('legacy')\n");
    const long = planOf(rich, { ...TARGET, shebang: `/opt/${"x".repeat(130)}/python` });
    expect(generatedText(long, "bin/rich").split("\n").slice(0, 3).join("\n")).toBe(
      `#!/bin/sh\n'''exec' '/opt/${"x".repeat(130)}/python' "$0" "$@"\n' '''`,
    );
  });

  it("omits INSTALLER and REQUESTED without installer metadata, and honours `installer`", () => {
    const off = planOf(rich, { ...TARGET, installerMetadata: false });
    expect(off.ops.map((o) => o.dest).filter((d) => /INSTALLER|REQUESTED/.test(d))).toEqual([]);
    expect(generatedText(off, "Rich_Pkg-1.2.0.dist-info/RECORD")).not.toMatch(/INSTALLER|REQUESTED/);
    const custom = planOf(rich, { ...TARGET, installer: "uv" });
    expect(generatedText(custom, "Rich_Pkg-1.2.0.dist-info/INSTALLER")).toBe("uv");
    expect(generatedText(custom, "Rich_Pkg-1.2.0.dist-info/RECORD")).toContain(
      "Rich_Pkg-1.2.0.dist-info/INSTALLER,sha256=5hhM4Q4mYTT9z6QB6PGpUAW81PGNFrYrdXMj4oM_6ak,2\n",
    );
    expect(generatedText(custom, "Rich_Pkg-1.2.0.dist-info/RECORD")).toContain(
      "Rich_Pkg-1.2.0.dist-info/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n",
    );
  });

  it("puts a platlib wheel (Root-Is-Purelib: false) in the same places", () => {
    const plat = makeWheel({
      name: "native",
      version: "2.0",
      tags: "cp313-cp313-manylinux_2_17_x86_64",
      rootIsPurelib: false,
      files: { "native/_ext.cpython-313-x86_64-linux-gnu.so": { data: "ELF", mode: 0o100755 } },
    });
    const plan = planOf(plat, PREFIX);
    expect(plan.rootIsPurelib).toBe(false);
    expect(plan.ops.map((o) => `${o.dest} ${o.mode.toString(8)}`)).toEqual([
      "lib/python3.13/site-packages/native-2.0.dist-info/INSTALLER 644",
      "lib/python3.13/site-packages/native-2.0.dist-info/METADATA 644",
      "lib/python3.13/site-packages/native-2.0.dist-info/RECORD 644",
      "lib/python3.13/site-packages/native-2.0.dist-info/REQUESTED 644",
      "lib/python3.13/site-packages/native-2.0.dist-info/WHEEL 644",
      "lib/python3.13/site-packages/native/_ext.cpython-313-x86_64-linux-gnu.so 755",
    ]);
  });

  it("heals a RECORD that disagrees with the wheel like uv (rows kept verbatim), and warns", () => {
    const stale = makeWheel({
      name: "stale",
      version: "1.0",
      files: { "stale.py": "A = 1\n" },
      record: "stale.py,sha256=kept-verbatim,999\ngone.py,sha256=x,1\n/stale-1.0.dist-info/WHEEL,,\n",
    });
    const plan = planOf(stale, { ...TARGET, installerMetadata: false });
    expect(generatedText(plan, "stale-1.0.dist-info/RECORD")).toMatchInlineSnapshot(`
        "stale-1.0.dist-info/METADATA,,47
        stale-1.0.dist-info/RECORD,,
        stale-1.0.dist-info/WHEEL,,
        stale.py,sha256=kept-verbatim,999
        "
      `);
    expect(plan.warnings).toEqual([
      'RECORD gives the wrong size for 1 file (installed as in the wheel): "stale.py" has 6 bytes, RECORD says 999',
      'RECORD does not list 1 file of the wheel (installed anyway, as uv and pip do): "stale-1.0.dist-info/METADATA"',
      'RECORD lists 1 file the wheel does not have (left out of the installed RECORD, as uv does): "gone.py"',
    ]);
  });

  it("has no warnings for a correct RECORD, and ignores the hash RECORD gives itself", () => {
    const good = makeWheel({ name: "good", version: "1.0", files: { "good.py": "A = 1\n" } });
    expect(planOf(good).warnings).toEqual([]);
    const text = new TextDecoder().decode(
      opBytes(good, planOf(good).ops.find((o) => o.dest === "good-1.0.dist-info/RECORD")!),
    );
    const selfHashed = makeWheel({
      name: "good",
      version: "1.0",
      files: { "good.py": "A = 1\n" },
      record: text
        .split("\n")
        .filter((l) => l.startsWith("good") && !l.includes("INSTALLER") && !l.includes("REQUESTED"))
        .map((l) => (l.startsWith("good-1.0.dist-info/RECORD,") ? "good-1.0.dist-info/RECORD,sha256=AAAA,10" : l))
        .join("\n"),
    });
    const plan = planOf(selfHashed);
    expect(plan.warnings).toEqual([]);
    expect(generatedText(plan, "good-1.0.dist-info/RECORD")).toContain("good-1.0.dist-info/RECORD,,\n");
  });

  it("warns for Wheel-Version 0.1 and a newer 1.x minor with uv's words, and installs", () => {
    const old = planOf(makeWheel({ name: "old", version: "1.0", wheelVersion: "0.1", files: { "old.py": "" } }));
    expect(old.warnings).toEqual(["Ancient wheel version 0.1 (expected is 1.0)"]);
    const newer = planOf(makeWheel({ name: "new", version: "1.0", wheelVersion: "1.9", files: { "new.py": "" } }));
    expect(newer.warnings).toEqual(["Unsupported wheel minor version (expected 0, got 9)"]);
    expect(newer.ops.map((o) => o.dest)).toContain("new.py");
  });

  it("accepts a METADATA version that differs only in form, or drops the filename's local label (uv's rule)", () => {
    const w = makeWheel({ name: "v", version: "1.0", metadataText: "Name: V\nVersion: 1.0.0\n" });
    expect(planOf(w).version).toBe("1.0.0");
    const local = makeWheel({ name: "t", version: "2.1.0+cpu", metadataText: "Name: t\nVersion: 2.1\n" });
    expect(planOf(local).version).toBe("2.1");
    const extra = makeWheel({ name: "u", version: "1.0", metadataText: "Name: u\nVersion: 1.0+local\n" });
    expect(() => planOf(extra)).toThrow('METADATA says Version "1.0+local" but the filename says "1.0"');
  });

  it("accepts a .dist-info directory named in another spelling of the same name and version", () => {
    for (const prefix of ["Rich.Pkg-1.2", "rich-pkg-1.2.0", "RICH__PKG-1.2.0"]) {
      const w = makeWheel({ name: "rich_pkg", version: "1.2.0", files: { "r.py": "" }, distInfoPrefix: prefix });
      expect(planOf(w).distInfo).toBe(`${prefix}.dist-info`);
    }
  });

  it("tolerates identical duplicate entries", () => {
    const w = makeWheel({
      name: "dup",
      version: "1.0",
      files: { "dup.py": "same\n" },
      rawEntries: [{ name: "dup.py", data: "same\n" }],
    });
    expect(planOf(w).ops.filter((o) => o.dest === "dup.py")).toHaveLength(1);
  });
});

describe("planWheelInstall: hostile and malformed wheels are refused", () => {
  const base = { name: "evil", version: "1.0", files: { "evil/__init__.py": "" } };
  const raw = (...rawEntries: RawEntry[]) => makeWheel({ ...base, rawEntries });
  const cases: Array<[string, () => unknown]> = [
    ["zip-slip ../", () => planOf(raw({ name: "../evil.py", data: "x" }))],
    ["zip-slip nested", () => planOf(raw({ name: "evil/../../evil.py", data: "x" }))],
    ["absolute path", () => planOf(raw({ name: "/etc/cron.d/evil", data: "x" }))],
    ["drive letter", () => planOf(raw({ name: "C:/evil.py", data: "x" }))],
    ["backslash", () => planOf(raw({ name: "..\\evil.py", data: "x" }))],
    ["NUL", () => planOf(raw({ name: "evil\u0000.py", data: "x" }))],
    ["control character", () => planOf(raw({ name: "evil\u001b.py", data: "x" }))],
    ["symlink", () => planOf(raw({ name: "evil/link", data: "/etc/passwd", mode: 0o120777 }))],
    ["duplicate, different content", () => planOf(raw({ name: "evil/__init__.py", data: "other" }))],
    ["file and directory", () => planOf(raw({ name: "evil/__init__.py/x", data: "x" }))],
    [
      "zip bomb (declared size beyond deflate's ratio)",
      () => planOf(raw({ name: "evil/bomb", compressedData: zeroBombPayload(1000), uncompressedSize: 2 ** 31 })),
    ],
    ["two dist-info", () => planOf(raw({ name: "other-1.0.dist-info/METADATA", data: "Name: other\n" }))],
    ["missing WHEEL", () => planOf(makeWheel({ ...base, wheelText: null }))],
    ["missing METADATA", () => planOf(makeWheel({ ...base, metadataText: null }))],
    ["Wheel-Version 2.0", () => planOf(makeWheel({ ...base, wheelVersion: "2.0" }))],
    ["Wheel-Version garbage", () => planOf(makeWheel({ ...base, wheelVersion: "one" }))],
    ["no RECORD", () => planOf(makeWheel({ ...base, record: "none" }))],
    ["RECORD size not a number", () => planOf(makeWheel({ ...base, record: "evil/__init__.py,,abc\n" }))],
    ["dist-info of another package", () => planOf(makeWheel({ ...base, distInfoPrefix: "other-1.0" }))],
    [
      "dist-info of a longer name (uv accepts it)",
      () => planOf(makeWheel({ ...base, distInfoPrefix: "evil_twin-1.0" })),
    ],
    ["dist-info of another version", () => planOf(makeWheel({ ...base, distInfoPrefix: "evil-2.0" }))],
    ["dist-info without a version", () => planOf(makeWheel({ ...base, distInfoPrefix: "evil" }))],
    ["METADATA name mismatch", () => planOf(makeWheel({ ...base, metadataText: "Name: good\nVersion: 1.0\n" }))],
    ["METADATA version mismatch", () => planOf(makeWheel({ ...base, metadataText: "Name: evil\nVersion: 1.1\n" }))],
    ["unknown .data key", () => planOf(makeWheel({ ...base, data: { lib: { "x.py": "" } } }))],
    ["file directly in .data", () => planOf(raw({ name: "evil-1.0.data/loose", data: "x" }))],
    ["directory in .data/scripts", () => planOf(makeWheel({ ...base, data: { scripts: { "sub/x": "" } } }))],
    [
      "reserved script name",
      () => planOf(makeWheel({ ...base, entryPoints: { console_scripts: { python3: "evil:main" } } })),
    ],
    [
      "script name escaping bin/",
      () => planOf(makeWheel({ ...base, entryPoints: { gui_scripts: { "../x": "evil:main" } } })),
    ],
    ["invalid entry point", () => planOf(makeWheel({ ...base, entryPoints: { console_scripts: { x: "evil" } } }))],
    ["bad filename", () => planOf({ ...makeWheel(base), filename: "evil.whl" })],
  ];
  it("refuses each with a clear error naming the wheel and the entry", () => {
    const out = cases.map(([name, run]) => {
      try {
        run();
        return `${name}: NOT REFUSED`;
      } catch (e) {
        const err = e as { code: string; message: string };
        return `${name}:\n  ${err.code}: ${err.message}`;
      }
    });
    expect(out.join("\n")).toMatchInlineSnapshot(`
      "zip-slip ../:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "../evil.py": its ".." segments climb above the install directory
      zip-slip nested:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "evil/../../evil.py": its ".." segments climb above the install directory
      absolute path:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "/etc/cron.d/evil": it is an absolute path
      drive letter:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "C:/evil.py": it starts with a drive letter
      backslash:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "..\\\\evil.py": it contains a backslash (a path separator on Windows)
      NUL:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "evil\\u0000.py": it contains a control character
      control character:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has an unsafe entry "evil\\u001b.py": it contains a control character
      symlink:
        TSPACK_UNSAFE_PATH: The wheel "evil-1.0-py3-none-any.whl" has a symbolic link entry "evil/link": tspack refuses links in wheels
      duplicate, different content:
        TSPACK_ZIP_INVALID: The wheel "evil-1.0-py3-none-any.whl" has an invalid entry "evil/__init__.py": the archive has two entries for "evil/__init__.py" with different content
      file and directory:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: "evil/__init__.py" is both a file and a directory
      zip bomb (declared size beyond deflate's ratio):
        TSPACK_ZIP_INVALID: The wheel "evil-1.0-py3-none-any.whl" has an invalid entry "evil/bomb": it declares 2147483648 bytes from 11 compressed bytes, more than deflate can produce (zip bomb?)
      two dist-info:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: it has 2 .dist-info directories: evil-1.0.dist-info, other-1.0.dist-info
      missing WHEEL:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: "evil-1.0.dist-info/WHEEL" is missing
      missing METADATA:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: "evil-1.0.dist-info/METADATA" is missing
      Wheel-Version 2.0:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: Unsupported wheel major version (expected 1, got 2)
      Wheel-Version garbage:
        TSPACK_WHEEL_INVALID: The WHEEL file "evil-1.0-py3-none-any.whl/evil-1.0.dist-info/WHEEL" is invalid: Wheel-Version "one" is not of the form X.Y
      no RECORD:
        TSPACK_RECORD_MISMATCH: The wheel "evil-1.0-py3-none-any.whl" has no RECORD: "evil-1.0.dist-info/RECORD" is missing
      RECORD size not a number:
        TSPACK_WHEEL_INVALID: The RECORD file "evil-1.0-py3-none-any.whl/evil-1.0.dist-info/RECORD" is invalid: the size of "evil/__init__.py" is "abc", not a number
      dist-info of another package:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: its .dist-info directory "other-1.0.dist-info" does not match the filename (expected "evil-1.0.dist-info")
      dist-info of a longer name (uv accepts it):
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: its .dist-info directory "evil_twin-1.0.dist-info" does not match the filename (expected "evil-1.0.dist-info")
      dist-info of another version:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: its .dist-info directory "evil-2.0.dist-info" does not match the filename (expected "evil-1.0.dist-info")
      dist-info without a version:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: its .dist-info directory "evil.dist-info" does not match the filename (expected "evil-1.0.dist-info")
      METADATA name mismatch:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: METADATA says Name "good" but the filename says "evil"
      METADATA version mismatch:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: METADATA says Version "1.1" but the filename says "1.0"
      unknown .data key:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: unknown .data key "lib" in "evil-1.0.data/lib/x.py" (expected purelib, platlib, data, headers or scripts)
      file directly in .data:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: unknown .data key "loose" in "evil-1.0.data/loose" (expected purelib, platlib, data, headers or scripts)
      directory in .data/scripts:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: "evil-1.0.data/scripts/sub/x" is a directory inside .data/scripts
      reserved script name:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: the script name "python3" is reserved for the Python interpreter
      script name escaping bin/:
        TSPACK_WHEEL_INVALID: The wheel "evil-1.0-py3-none-any.whl" is invalid: the script name "../x" does not resolve to a file within bin/
      invalid entry point:
        TSPACK_WHEEL_INVALID: The entry points file "evil-1.0-py3-none-any.whl/evil-1.0.dist-info/entry_points.txt" is invalid: [console_scripts] "x = evil" is not of the form "module:function [extras]"
      bad filename:
        TSPACK_FILENAME_INVALID: The wheel filename "evil.whl" is invalid: expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl"
    `);
  });

  it("refuses compression methods other than stored/deflate (entries from any reader)", () => {
    const w = makeWheel(base);
    const fake = [
      { name: "x.py", method: 12, crc32: 0, compressedSize: 1, uncompressedSize: 1, externalAttributes: 0 },
    ];
    expect(() =>
      planWheelInstall({ filename: w.filename, entries: fake, read: () => new Uint8Array() }, TARGET),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The wheel "evil-1.0-py3-none-any.whl" has an invalid entry "x.py": compression method 12 is not supported (only stored and deflate)]`,
    );
  });
});
