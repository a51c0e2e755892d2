import { compareBuildTags, parseWheelFilename } from "@tspack/dist-filename";
import { chooseWheel, type WheelChoice } from "@tspack/plan";
import {
  compareCompatibility,
  createTagIndex,
  DEFAULT_TARGET,
  PYTHON_PLATFORMS,
  type TagCompatibility,
  type TagIndex,
  type Target,
  targetFromPlatform,
  type WheelTags,
  wheelCompatibility,
} from "@tspack/platform-tags";
import type { LockPackage } from "@tspack/uv-lock";
import { describe, expect, it } from "vitest";
import { bigLockText } from "./helpers/big-lock.js";
import { lockFrom, readExampleLockText } from "./helpers/load.js";

/** The obvious implementation (every wheel parsed and ranked): chooseWheel must agree with it. */
function reference(pkg: LockPackage, index: TagIndex): WheelChoice {
  let best: { i: number; priority: number; build: ReturnType<typeof parseWheelFilename>["buildTag"] } | undefined;
  let closest: Extract<TagCompatibility, { kind: "incompatible" }> | undefined;
  const wheelTags: WheelTags[] = [];
  pkg.wheels.forEach((w, i) => {
    let parsed: ReturnType<typeof parseWheelFilename>;
    try {
      parsed = parseWheelFilename(w.filename);
    } catch {
      return;
    }
    wheelTags.push(parsed.tags);
    const c = wheelCompatibility(parsed.tags, index);
    if (c.kind === "incompatible") {
      if (closest === undefined || compareCompatibility(c, closest) > 0) closest = c;
    } else if (
      best === undefined ||
      c.priority > best.priority ||
      (c.priority === best.priority && compareBuildTags(parsed.buildTag, best.build) > 0)
    ) {
      best = { i, priority: c.priority, build: parsed.buildTag };
    }
  });
  if (best === undefined) return { kind: "none", reason: closest?.reason, wheelTags };
  return {
    kind: "wheel",
    wheel: pkg.wheels[best.i] as LockPackage["wheels"][number],
    index: best.i,
    priority: best.priority,
  };
}

const wheel = (filename: string) => ({ filename, url: `https://example.invalid/${filename}` });
const pkg = (filenames: string[]): LockPackage =>
  ({ ...(lockFrom(readExampleLockText()).packages[0] as LockPackage), wheels: filenames.map(wheel) }) as LockPackage;

describe("chooseWheel", () => {
  const targets: Target[] = [
    ...PYTHON_PLATFORMS.flatMap((p) => ["3.9", "3.13"].map((py) => targetFromPlatform(p.name, py))),
    { ...DEFAULT_TARGET, freeThreaded: true },
  ];

  it("agrees with the parse-every-wheel reference on the real lock and a generated lock, for every platform", () => {
    const packages = [...lockFrom(readExampleLockText()).packages, ...lockFrom(bigLockText(60)).packages];
    let wheels = 0;
    let misses = 0;
    for (const target of targets) {
      const index = createTagIndex(target);
      for (const p of packages) {
        const got = chooseWheel(p, index);
        expect(
          got,
          `${p.name} on ${target.arch} glibc ${target.glibc} py ${target.python} ${target.freeThreaded}`,
        ).toEqual(reference(p, index));
        if (got.kind === "wheel") wheels++;
        else misses++;
      }
    }
    expect(wheels).toBeGreaterThan(100);
    expect(misses).toBeGreaterThan(10);
  });

  it("ignores invalid filenames, prefers build tags on equal priority, keeps lock order on ties", () => {
    const index = createTagIndex(targetFromPlatform("x86_64-manylinux2014", "3.13"));
    const cases: [string[], number | undefined][] = [
      [["a-1.0-py3-none-any.whl", "a-1.0-1-py3-none-any.whl"], 1],
      [["a-1.0-2-py3-none-any.whl", "a-1.0-10-py3-none-any.whl"], 1],
      [["a-1.0-py3-none-any.whl", "a-1.0-py3-none-any.whl"], 0],
      [["bad name-1.0-py3-none-any.whl", "a-1.0-py2-none-any.whl"], undefined],
      [["a-1.0-py3-none-any.zip", "a-1.0-py3-none-any.whl"], 1],
      [["a-1.0-x-y-z-py3-none-any.whl", "a-1.0-cp313-cp313-manylinux_2_17_x86_64.whl"], 1],
      [["a-1.0-py3-none-any.whl", "a-1.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"], 1],
      [["a-1.0-cp313-cp313-win_amd64.whl", "a-1.0-cp313-cp313-macosx_11_0_arm64.whl"], undefined],
      // The best tags come last in lock order; an invalid best falls back to the next best.
      [
        [
          "a-1.0-py3-none-any.whl",
          "a-1.0-cp313-abi3-manylinux_2_17_x86_64.whl",
          "a-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
        ],
        2,
      ],
      [
        [
          "a-1.0-py3-none-any.whl",
          "a-1.0-cp313-abi3-manylinux_2_17_x86_64.whl",
          "a!-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
        ],
        1,
      ],
      [
        [
          "a-1.0-py3-none-any.whl",
          "a-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
          "a-1.0-1-cp313-cp313-manylinux_2_17_x86_64.whl",
        ],
        2,
      ],
      [
        [
          "a-1.0-py3-none-any.whl",
          "a-1.0-3-cp313-cp313-manylinux_2_17_x86_64.whl",
          "a-1.0-3-cp313-cp313-manylinux_2_17_x86_64.whl",
        ],
        1,
      ],
      // Compound tags: the bound is the best combination.
      [["a-1.0-py2.py3-none-any.whl", "a-1.0-cp312.cp313-cp313-manylinux1_x86_64.manylinux_2_17_x86_64.whl"], 1],
    ];
    for (const [files, expected] of cases) {
      const p = pkg(files);
      const got = chooseWheel(p, index);
      expect(got).toEqual(reference(p, index));
      expect(got.kind === "wheel" ? got.index : undefined, files.join(" ")).toBe(expected);
    }
    const miss = chooseWheel(pkg(["a-1.0-cp313-cp313-win_amd64.whl"]), index);
    expect(miss).toMatchObject({ kind: "none", reason: "platform" });
  });
});
