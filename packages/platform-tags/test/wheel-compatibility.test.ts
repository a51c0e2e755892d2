import { describe, expect, it } from "vitest";
import {
  compareCompatibility,
  createTagIndex,
  DEFAULT_TARGET,
  isFreethreadedCompatibleAbi,
  type TagCompatibility,
  type Target,
  type WheelTags,
  wheelCompatibility,
} from "../src/index.js";

/** `cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64` → tag sets. */
const tags = (s: string): WheelTags => {
  const [python, abi, platform] = s.split("-").map((p) => p.split("."));
  return { python: python!, abi: abi!, platform: platform! };
};
const x86 = createTagIndex(DEFAULT_TARGET);
const check = (s: string, index = x86) => wheelCompatibility(tags(s), index);

describe("wheelCompatibility on cp313 x86_64 manylinux2014", () => {
  it.each<[string, string, number | string]>([
    ["exact ABI, dotted platforms", "cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64", 509],
    ["abi3 from cp39", "cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp39-abi3-manylinux_2_17_x86_64"],
    ["plain linux_x86_64", "cp313-cp313-linux_x86_64", "cp313-cp313-linux_x86_64"],
    ["manylinux1 legacy alias", "cp313-cp313-manylinux1_x86_64", "cp313-cp313-manylinux1_x86_64"],
    ["py2.py3-none-any", "py2.py3-none-any", "py3-none-any"],
    ["py3-none-any", "py3-none-any", "py3-none-any"],
    ["cp313-none-any", "cp313-none-any", "cp313-none-any"],
    ["pure binary py3 for a platform", "py3-none-manylinux1_x86_64", "py3-none-manylinux1_x86_64"],
  ])("accepts %s", (_name, wheel, expected) => {
    const c = check(wheel);
    expect(c.kind).toBe("compatible");
    if (c.kind !== "compatible") return;
    if (typeof expected === "number") expect(c.priority).toBe(expected);
    else {
      expect(c.tag).toBe(expected);
      expect(c.priority).toBe(x86.priorityOf(expected));
    }
  });

  it.each<[string, string, TagCompatibility]>([
    [
      "cp312-cp312 (python tag exists for abi3, so the ABI is the miss)",
      "cp312-cp312-manylinux_2_17_x86_64",
      { kind: "incompatible", reason: "abi", example: "cp313" },
    ],
    [
      "cp314-cp314 (no cp314 tags at all)",
      "cp314-cp314-manylinux_2_17_x86_64",
      { kind: "incompatible", reason: "python", example: "cp313" },
    ],
    ["py2-only", "py2-none-any", { kind: "incompatible", reason: "python", example: "cp313" }],
    [
      "manylinux_2_28 on a 2014 target",
      "cp313-cp313-manylinux_2_28_x86_64",
      { kind: "incompatible", reason: "platform", example: "manylinux_2_17_x86_64" },
    ],
    [
      "musllinux",
      "cp313-cp313-musllinux_1_2_x86_64",
      { kind: "incompatible", reason: "platform", example: "manylinux_2_17_x86_64" },
    ],
    [
      "macOS",
      "cp313-cp313-macosx_11_0_arm64",
      { kind: "incompatible", reason: "platform", example: "manylinux_2_17_x86_64" },
    ],
    [
      "the other architecture",
      "cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64",
      { kind: "incompatible", reason: "platform", example: "manylinux_2_17_x86_64" },
    ],
    [
      "cp313t on a GIL build",
      "cp313-cp313t-manylinux_2_17_x86_64",
      { kind: "incompatible", reason: "abi", example: "cp313" },
    ],
  ])("refuses %s", (_name, wheel, expected) => {
    expect(check(wheel)).toEqual(expected);
  });

  it("reports the closest miss over the cartesian product (platform beats python)", () => {
    expect(check("cp27.cp313-cp313-win_amd64")).toMatchObject({ reason: "platform" });
    expect(check("cp27.cp312-none.cp312-any")).toMatchObject({ reason: "abi" });
  });

  it("takes the best priority over dotted tags", () => {
    const c = check("cp313-abi3.cp313-manylinux1_x86_64.manylinux_2_17_x86_64");
    expect(c).toEqual({ kind: "compatible", priority: 509, tag: "cp313-cp313-manylinux_2_17_x86_64" });
  });

  it("names an empty component instead of uv's `Invalid`", () => {
    expect(wheelCompatibility({ python: [], abi: ["none"], platform: ["any"] }, x86)).toMatchObject({
      reason: "python",
    });
    expect(wheelCompatibility({ python: ["py3"], abi: ["none"], platform: [] }, x86)).toMatchObject({
      reason: "platform",
    });
  });
});

describe("wheelCompatibility on a free-threaded target", () => {
  const ft: Target = { ...DEFAULT_TARGET, freeThreaded: true };
  const index = createTagIndex(ft);

  it("accepts cp313t, abi3t and none; refuses abi3 and cp313 as freethreaded-abi", () => {
    expect(check("cp313-cp313t-manylinux_2_17_x86_64", index)).toMatchObject({ kind: "compatible", priority: 509 });
    expect(check("cp313-abi3t-manylinux_2_17_x86_64", index)).toMatchObject({ kind: "compatible" });
    expect(check("py3-none-any", index)).toMatchObject({ kind: "compatible" });
    expect(check("cp39-abi3-manylinux_2_17_x86_64", index)).toEqual({
      kind: "incompatible",
      reason: "freethreaded-abi",
      example: undefined,
    });
    expect(check("cp313-cp313-manylinux_2_17_x86_64", index)).toMatchObject({ reason: "freethreaded-abi" });
  });

  it.each([
    ["none", true],
    ["abi3t", true],
    ["cp313t", true],
    ["cp314td", true],
    ["cp313", false],
    ["abi3", false],
    ["cp313d", false],
  ])("isFreethreadedCompatibleAbi(%s) = %s", (abi, ok) => {
    expect(isFreethreadedCompatibleAbi(abi)).toBe(ok);
  });
});

describe("compareCompatibility", () => {
  it("orders compatible by priority above every incompatible, then misses by closeness", () => {
    const list: TagCompatibility[] = [
      { kind: "incompatible", reason: "platform", example: undefined },
      { kind: "compatible", priority: 3, tag: "a" },
      { kind: "incompatible", reason: "python", example: undefined },
      { kind: "compatible", priority: 10, tag: "b" },
      { kind: "incompatible", reason: "freethreaded-abi", example: undefined },
      { kind: "incompatible", reason: "abi", example: undefined },
    ];
    const sorted = [...list].sort(compareCompatibility).map((c) => (c.kind === "compatible" ? c.tag : c.reason));
    expect(sorted).toEqual(["python", "abi", "freethreaded-abi", "platform", "a", "b"]);
  });
});
