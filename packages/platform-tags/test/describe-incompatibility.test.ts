import { describe, expect, it } from "vitest";
import {
  createTagIndex,
  DEFAULT_TARGET,
  describeIncompatibility,
  incompatibilityHint,
  naturalCompare,
  type WheelTags,
} from "../src/index.js";

const w = (s: string): WheelTags => {
  const [python, abi, platform] = s.split("-").map((p) => p.split("."));
  return { python: python!, abi: abi!, platform: platform! };
};
const index = createTagIndex(DEFAULT_TARGET);
const pkg = { name: "a", version: "1.0.0" };

describe("describeIncompatibility", () => {
  it.each([
    ["python", "no wheels with a matching Python implementation tag (e.g., `cp313`)"],
    ["abi", "no wheels with a matching Python ABI tag (e.g., `cp313`)"],
    ["freethreaded-abi", "no wheels with a free-threading compatible ABI tag"],
    ["platform", "no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`)"],
  ] as const)("words %s like uv", (reason, text) => {
    expect(describeIncompatibility(reason, index)).toBe(text);
  });

  it("uses the aarch64 target's best platform", () => {
    const arm = createTagIndex({ ...DEFAULT_TARGET, arch: "aarch64" });
    expect(describeIncompatibility("platform", arm)).toContain("(e.g., `manylinux_2_17_aarch64`)");
  });
});

describe("incompatibilityHint", () => {
  it("reproduces uv's platform hint (scenario no_sdist_no_wheels_with_matching_platform)", () => {
    expect(incompatibilityHint(pkg, [w("py3-none-macosx_10_0_ppc64")], "platform", index)).toBe(
      "Wheels are available for `a` (v1.0.0) on the following platform: `macosx_10_0_ppc64`",
    );
  });

  it("lists only platforms of ABI-compatible wheels, numerically sorted", () => {
    const wheels = [
      w("cp313-cp313-manylinux_2_28_x86_64"),
      w("cp313-cp313-manylinux_2_5_i686.manylinux1_i686"),
      w("cp312-cp312-win_amd64"),
    ];
    expect(incompatibilityHint(pkg, wheels, "platform", index)).toBe(
      "Wheels are available for `a` (v1.0.0) on the following platforms: `manylinux1_i686`, `manylinux_2_5_i686`, `manylinux_2_28_x86_64`",
    );
  });

  it("lists ABI tags without `none`, and Python tags", () => {
    const wheels = [w("cp312-cp312-manylinux2014_x86_64"), w("cp311-cp311-manylinux2014_x86_64"), w("cp312-none-any")];
    expect(incompatibilityHint(pkg, wheels, "abi", index)).toBe(
      "You require CPython 3.13 (`cp313`), but we only found wheels for `a` (v1.0.0) with the following Python ABI tags: `cp311`, `cp312`",
    );
    expect(incompatibilityHint(pkg, [w("py2-none-any")], "python", index)).toBe(
      "You require CPython 3.13 (`cp313`), but we only found wheels for `a` (v1.0.0) with the following Python implementation tag: `py2`",
    );
    const ft = createTagIndex({ ...DEFAULT_TARGET, freeThreaded: true });
    expect(incompatibilityHint(pkg, [w("cp39-abi3-manylinux2014_x86_64")], "freethreaded-abi", ft)).toBe(
      "You require free-threaded CPython 3.13 (`cp313t`), but we only found wheels for `a` (v1.0.0) with the following Python ABI tag: `abi3`",
    );
  });

  it("returns undefined when there is nothing to list", () => {
    expect(incompatibilityHint(pkg, [w("cp312-none-any")], "abi", index)).toBeUndefined();
    expect(incompatibilityHint(pkg, [w("cp312-cp312-linux_x86_64")], "platform", index)).toBeUndefined();
  });
});

describe("naturalCompare", () => {
  it("orders numbers numerically", () => {
    expect(["manylinux_2_17_x", "manylinux_2_5_x", "manylinux1_x", "a"].sort(naturalCompare)).toEqual([
      "a",
      "manylinux1_x",
      "manylinux_2_5_x",
      "manylinux_2_17_x",
    ]);
  });
});
