// Size limits read from the central directory alone: the metadata caps of the plan (nothing inflated for
// an oversized RECORD, METADATA, WHEEL, entry_points.txt or `#!python` script), the `#!python` sniffing
// of `.data/scripts` (a head, never the whole file), and the lower bound of what a wheel installs.
import { isTspackError } from "@tspack/errors";
import { inflateEntry, readZipEntries, type ZipEntry } from "@tspack/zip";
import { describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import {
  checkMetadataSizes,
  installedSizeFloor,
  METADATA_MAX_BYTES,
  planWheelInstall,
  type WheelZipEntry,
} from "../src/index.js";
import { TARGET } from "./plan-fixture.js";

const enc = new TextEncoder();

/** The entries of a generated wheel, with `sizes` overriding declared sizes (compressed sizes follow, so the 1032:1 check passes). */
function wheelEntries(opts: Parameters<typeof makeWheel>[0], sizes: Record<string, number> = {}) {
  const w = makeWheel(opts);
  const entries = readZipEntries(w.bytes, { name: w.filename }).map((e) =>
    sizes[e.name] === undefined
      ? e
      : { ...e, uncompressedSize: sizes[e.name]!, compressedSize: Math.ceil(sizes[e.name]! / 1000) },
  );
  return { w, entries };
}

function wheelInvalid(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isTspackError(e, "TSPACK_WHEEL_INVALID")) return e.message;
    throw e;
  }
  throw new Error("nothing thrown");
}

describe("metadata caps", () => {
  it("is 32 MiB, 17× the largest RECORD of 967 real wheels (1.9 MB)", () => {
    expect(METADATA_MAX_BYTES).toBe(33_554_432);
  });

  it.each(["RECORD", "METADATA", "WHEEL", "entry_points.txt"])(
    "refuses a %s over the cap from its declared size, naming the wheel and the file, without reading it",
    (file) => {
      const { w, entries } = wheelEntries(
        { name: "big", version: "1.0", files: { "big/__init__.py": "" }, entryPoints: "[console_scripts]\n" },
        { [`big-1.0.dist-info/${file}`]: 2 ** 30 },
      );
      const reads: string[] = [];
      const read = (e: ZipEntry) => {
        reads.push(e.name);
        if (e.uncompressedSize > METADATA_MAX_BYTES) throw new Error(`read ${e.name}`);
        return inflateEntry(w.bytes, e);
      };
      const want = `The wheel "big-1.0-py3-none-any.whl" is invalid: "big-1.0.dist-info/${file}" is 1073741824 bytes, more than the 33554432 bytes tspack reads for a metadata file`;
      expect(wheelInvalid(() => planWheelInstall({ filename: w.filename, entries, read }, TARGET))).toBe(want);
      expect(reads).toEqual([]); // refused before the first read
      expect(wheelInvalid(() => checkMetadataSizes(w.filename, entries))).toBe(want);
    },
  );

  it("accepts metadata at the cap, and ignores big files elsewhere (a package's own RECORD file, data)", () => {
    const { w, entries } = wheelEntries(
      { name: "ok", version: "1.0", files: { "ok/RECORD": "x", "ok/blob.bin": "y" } },
      { "ok/RECORD": 2 ** 31, "ok/blob.bin": 2 ** 33 },
    );
    expect(() => checkMetadataSizes(w.filename, entries)).not.toThrow();
    const capped = entries.map((e) =>
      e.name.endsWith("/METADATA") ? { ...e, uncompressedSize: METADATA_MAX_BYTES } : e,
    );
    expect(() => checkMetadataSizes(w.filename, capped)).not.toThrow();
  });
});

describe(".data/scripts: #!python is sniffed from the head", () => {
  const scripts = {
    name: "tool",
    version: "1.0",
    files: { "tool/__init__.py": "" },
    data: { scripts: { "tool-py": "#!python\nprint(1)\n", "tool-bin": "\x7fELF big binary" } },
  };

  it("reads only the head of a script that is not #!python, however big (a 3 GiB binary)", () => {
    const { w, entries } = wheelEntries(scripts, { "tool-1.0.data/scripts/tool-bin": 3 * 2 ** 30 });
    const byName = new Map(readZipEntries(w.bytes).map((e) => [e.name, e]));
    const real = (e: ZipEntry) => inflateEntry(w.bytes, byName.get(e.name)!);
    const read = (e: ZipEntry) => {
      if (e.name.endsWith("tool-bin")) throw new Error("the binary was read whole");
      return real(e);
    };
    const heads: string[] = [];
    const head = (e: ZipEntry, n: number) => {
      heads.push(`${e.name}:${n}`);
      return real(e).subarray(0, n);
    };
    const plan = planWheelInstall({ filename: w.filename, entries, read, head }, TARGET);
    expect(heads.sort()).toEqual(["tool-1.0.data/scripts/tool-bin:8", "tool-1.0.data/scripts/tool-py:8"]);
    const bin = plan.ops.find((o) => o.dest === "bin/tool-bin");
    expect(bin).toMatchObject({ kind: "entry", mode: 0o755 });
    const py = plan.ops.find((o) => o.dest === "bin/tool-py");
    expect(py?.kind === "generated" && new TextDecoder().decode(py.data)).toBe(
      "#!/var/lang/bin/python3.13\nprint(1)\n",
    );
  });

  it("refuses a #!python script over the cap (it is rewritten in memory)", () => {
    const { w, entries } = wheelEntries(scripts, { "tool-1.0.data/scripts/tool-py": METADATA_MAX_BYTES + 1 });
    const byName = new Map(readZipEntries(w.bytes).map((e) => [e.name, e]));
    const read = (e: ZipEntry) => {
      if (e.name.endsWith("tool-py")) throw new Error("the script was read");
      return inflateEntry(w.bytes, byName.get(e.name)!);
    };
    const head = () => enc.encode("#!python");
    expect(wheelInvalid(() => planWheelInstall({ filename: w.filename, entries, read, head }, TARGET))).toBe(
      'The wheel "tool-1.0-py3-none-any.whl" is invalid: "tool-1.0.data/scripts/tool-py" is 33554433 bytes, more than the 33554432 bytes tspack reads for a metadata file',
    );
  });
});

describe("installedSizeFloor", () => {
  const entry = (name: string, uncompressedSize: number): WheelZipEntry => ({
    name,
    method: 8,
    crc32: 0,
    compressedSize: 1,
    uncompressedSize,
    externalAttributes: 0,
  });
  const wheel = [
    entry("pkg/", 0),
    entry("pkg/a.py", 100),
    entry("pkg/./b.py", 200),
    entry("pkg-1.0.dist-info/METADATA", 10),
    entry("pkg-1.0.dist-info/RECORD", 5000),
    entry("pkg-1.0.data/purelib/pure.py", 30),
    entry("pkg-1.0.data/platlib/pkg/a.py", 40), // the same destination as pkg/a.py: counted once, the smaller
    entry("pkg-1.0.data/data/share/x.txt", 7),
    entry("pkg-1.0.data/scripts/tool", 1000), // an entry point may replace it
    entry("pkg-1.0.data/headers/pkg.h", 9), // under include/<name>/: not counted
    entry("bin/runner", 50), // a --target root: a launcher may replace it
    entry("../escape.py", 1), // unsafe: the plan refuses the wheel
  ];

  it("counts what the plan certainly writes, keyed by site-packages path", () => {
    expect(Object.fromEntries(installedSizeFloor(wheel, "all"))).toEqual({
      "pkg/a.py": 40,
      "pkg/b.py": 200,
      "pkg-1.0.dist-info/METADATA": 10,
      "pkg-1.0.dist-info/RECORD": 0,
      "pure.py": 30,
      "share/x.txt": 7,
      "bin/runner": 0,
    });
    // A layer keeps site-packages only: no .data/data; bin/runner is a package file there.
    expect(Object.fromEntries(installedSizeFloor(wheel, "lib"))).toEqual({
      "pkg/a.py": 40,
      "pkg/b.py": 200,
      "pkg-1.0.dist-info/METADATA": 10,
      "pkg-1.0.dist-info/RECORD": 0,
      "pure.py": 30,
      "bin/runner": 50,
    });
  });

  it("counts nothing for a wheel the plan refuses for its .dist-info (none, or two)", () => {
    expect(installedSizeFloor([entry("a.py", 5)], "all").size).toBe(0);
    expect(
      installedSizeFloor([entry("a-1.dist-info/METADATA", 5), entry("b-1.dist-info/METADATA", 5)], "all").size,
    ).toBe(0);
  });
});
