import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_TARGET, platformTags, supportedTags, type Target } from "../src/index.js";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
    .trim()
    .split("\n");

const t = (over: Partial<Target>): Target => ({ ...DEFAULT_TARGET, ...over });
const nonManylinux = (tags: string[]) => tags.filter((tag) => !tag.includes("-manylinux"));

describe("platformTags", () => {
  it("lists the 17 x86_64 manylinux2014 platform tags in uv's order", () => {
    expect(platformTags(DEFAULT_TARGET)).toEqual([
      "manylinux_2_17_x86_64",
      "manylinux2014_x86_64",
      "manylinux_2_16_x86_64",
      "manylinux_2_15_x86_64",
      "manylinux_2_14_x86_64",
      "manylinux_2_13_x86_64",
      "manylinux_2_12_x86_64",
      "manylinux2010_x86_64",
      "manylinux_2_11_x86_64",
      "manylinux_2_10_x86_64",
      "manylinux_2_9_x86_64",
      "manylinux_2_8_x86_64",
      "manylinux_2_7_x86_64",
      "manylinux_2_6_x86_64",
      "manylinux_2_5_x86_64",
      "manylinux1_x86_64",
      "linux_x86_64",
    ]);
  });

  it("stops at manylinux 2.17 on aarch64", () => {
    expect(platformTags(t({ arch: "aarch64" }))).toEqual([
      "manylinux_2_17_aarch64",
      "manylinux2014_aarch64",
      "linux_aarch64",
    ]);
    expect(platformTags(t({ arch: "aarch64", glibc: [2, 34] }))).toHaveLength(18 + 1 + 1);
  });
});

describe("supportedTags", () => {
  it.each([
    ["x86_64 manylinux2014", t({}), 509],
    ["aarch64 manylinux2014", t({ arch: "aarch64" }), 103],
    ["x86_64 manylinux_2_28", t({ glibc: [2, 28] }), 828],
    ["x86_64 manylinux_2_34", t({ glibc: [2, 34] }), 1002],
  ])("has uv's tag count for CPython 3.13 on %s", (_name, target, count) => {
    const tags = supportedTags(target);
    expect(tags).toHaveLength(count);
    expect(new Set(tags).size).toBe(count);
  });

  it("reproduces the complete aarch64-manylinux2014 list of the spec", () => {
    expect(supportedTags(t({ arch: "aarch64" }))).toEqual(fixture("spec-aarch64-manylinux2014-cp313.txt"));
  });

  it("reproduces uv's snapshot test_system_tags_manylinux (cp39, manylinux_2_28) exactly", () => {
    const expected = fixture("uv-system-tags-manylinux-cp39-2_28.txt");
    expect(expected).toHaveLength(600);
    expect(supportedTags(t({ python: [3, 9], pythonFullVersion: "3.9.0", glibc: [2, 28] }))).toEqual(expected);
  });

  it("reproduces uv's test_manylinux_incompatible once manylinux tags are dropped", () => {
    const tags = supportedTags(t({ python: [3, 9], glibc: [2, 28] }));
    expect(nonManylinux(tags)).toEqual(fixture("uv-manylinux-incompatible-cp39.txt"));
  });

  it("reproduces uv's free-threaded snapshot (cp315t, abi3t instead of abi3)", () => {
    const tags = supportedTags(t({ python: [3, 15], glibc: [2, 28], freeThreaded: true }));
    expect(nonManylinux(tags)).toEqual(fixture("uv-system-tags-freethreaded-cp315t-no-manylinux.txt"));
    expect(tags.some((tag) => tag.includes("-abi3-"))).toBe(false);
    expect(tags[0]).toBe("cp315-cp315t-manylinux_2_28_x86_64");
  });

  it("starts with the exact ABI and ends with py30-none-any; linux_x86_64 is the last platform", () => {
    const tags = supportedTags(DEFAULT_TARGET);
    expect(tags.slice(0, 3)).toEqual([
      "cp313-cp313-manylinux_2_17_x86_64",
      "cp313-cp313-manylinux2014_x86_64",
      "cp313-cp313-manylinux_2_16_x86_64",
    ]);
    expect(tags[16]).toBe("cp313-cp313-linux_x86_64");
    expect(tags.slice(-17)).toEqual([
      "py30-none-linux_x86_64",
      "cp313-none-any",
      "py313-none-any",
      "py3-none-any",
      ...Array.from({ length: 13 }, (_, i) => `py3${12 - i}-none-any`),
    ]);
  });

  it("includes abi3 for cp32..cp313 and cp3X-none only for the exact version", () => {
    const tags = new Set(supportedTags(DEFAULT_TARGET));
    for (let m = 2; m <= 13; m++) expect(tags.has(`cp3${m}-abi3-manylinux2014_x86_64`)).toBe(true);
    expect(tags.has("cp31-abi3-manylinux2014_x86_64")).toBe(false);
    expect(tags.has("cp313-none-manylinux2014_x86_64")).toBe(true);
    expect(tags.has("cp312-none-manylinux2014_x86_64")).toBe(false);
    expect(tags.has("cp312-cp312-manylinux2014_x86_64")).toBe(false);
    expect(tags.has("py2-none-any")).toBe(false);
  });

  it("places py3 right after py313 and before py312", () => {
    const tags = supportedTags(DEFAULT_TARGET);
    const i = tags.indexOf("py313-none-linux_x86_64");
    expect(tags[i + 1]).toBe("py3-none-manylinux_2_17_x86_64");
    expect(tags.indexOf("py3-none-linux_x86_64") + 1).toBe(tags.indexOf("py312-none-manylinux_2_17_x86_64"));
  });
});

// Oracle: pip's vendored `packaging.tags` (cpython_tags + compatible_tags) given the same platform list.
const ORACLE = `
import json, sys
from pip._vendor.packaging import tags
out = {}
for key, (minor, platforms) in json.loads(sys.stdin.read()).items():
    v = (3, minor)
    abi = "cp3%d" % minor
    out[key] = [str(t) for t in tags.cpython_tags(v, abis=[abi], platforms=platforms)] + [
        str(t) for t in tags.compatible_tags(v, abi, platforms)
    ]
print(json.dumps(out))
`;
const probe = spawnSync("python3", ["-c", "import pip._vendor.packaging.tags"], { encoding: "utf8" });

describe.skipIf(probe.status !== 0)("supportedTags vs pip's packaging.tags (oracle; needs python3 + pip)", () => {
  it("agrees for CPython 3.9–3.14 on x86_64 and aarch64 at glibc 2.17, 2.26 and 2.34", () => {
    const cases: Record<string, [number, string[]]> = {};
    const targets: Record<string, Target> = {};
    for (const minor of [9, 10, 11, 12, 13, 14]) {
      for (const arch of ["x86_64", "aarch64"] as const) {
        for (const glibc of [17, 26, 34]) {
          const target = t({ python: [3, minor], arch, glibc: [2, glibc] });
          const key = `${minor}-${arch}-${glibc}`;
          targets[key] = target;
          cases[key] = [minor, platformTags(target)];
        }
      }
    }
    const run = spawnSync("python3", ["-c", ORACLE], { input: JSON.stringify(cases), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as Record<string, string[]>;
    for (const [key, target] of Object.entries(targets)) {
      expect(supportedTags(target), key).toEqual(expected[key]);
    }
  });
});
