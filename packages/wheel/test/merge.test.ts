import { describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { mergeInstallPlans } from "../src/index.js";
import { PREFIX, planOf, TARGET } from "./plan-fixture.js";

const a = makeWheel({
  name: "alpha",
  version: "1.0",
  files: { "shared/__init__.py": "", "shared/util.py": "A = 1\n", "alpha.py": "" },
});
const b = makeWheel({
  name: "beta",
  version: "2.0",
  files: { "shared/__init__.py": "", "shared/util.py": "B = 2\n", "beta.py": "" },
});

describe("mergeInstallPlans", () => {
  it("reports identical and different conflicts; the package sorting last wins, whatever the input order", () => {
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const merged = mergeInstallPlans(order.map((w) => planOf(w, TARGET)));
      expect(merged.conflicts).toEqual([
        { path: "shared/__init__.py", winner: "beta==2.0", loser: "alpha==1.0", identical: true },
        { path: "shared/util.py", winner: "beta==2.0", loser: "alpha==1.0", identical: false },
      ]);
      expect(merged.ops.find((o) => o.dest === "shared/util.py")?.owner).toBe("beta==2.0");
      expect(merged.ops.map((o) => `${o.dest} ${o.owner}`)).toMatchInlineSnapshot(`
        [
          "alpha-1.0.dist-info/INSTALLER alpha==1.0",
          "alpha-1.0.dist-info/METADATA alpha==1.0",
          "alpha-1.0.dist-info/RECORD alpha==1.0",
          "alpha-1.0.dist-info/REQUESTED alpha==1.0",
          "alpha-1.0.dist-info/WHEEL alpha==1.0",
          "alpha.py alpha==1.0",
          "beta-2.0.dist-info/INSTALLER beta==2.0",
          "beta-2.0.dist-info/METADATA beta==2.0",
          "beta-2.0.dist-info/RECORD beta==2.0",
          "beta-2.0.dist-info/REQUESTED beta==2.0",
          "beta-2.0.dist-info/WHEEL beta==2.0",
          "beta.py beta==2.0",
          "shared/__init__.py beta==2.0",
          "shared/util.py beta==2.0",
        ]
      `);
    }
  });

  it("compares generated files by content", () => {
    const c1 = makeWheel({
      name: "c1",
      version: "1",
      files: { "c1.py": "" },
      entryPoints: { console_scripts: { tool: "c1:main" } },
    });
    const c2 = makeWheel({
      name: "c2",
      version: "1",
      files: { "c2.py": "" },
      entryPoints: { console_scripts: { tool: "c2:main" } },
    });
    const c3 = makeWheel({
      name: "c3",
      version: "1",
      files: { "c3.py": "" },
      entryPoints: { console_scripts: { tool: "c2:main" } },
    });
    expect(mergeInstallPlans([c1, c2, c3].map((w) => planOf(w, PREFIX))).conflicts).toEqual([
      { path: "bin/tool", winner: "c2==1", loser: "c1==1", identical: false },
      { path: "bin/tool", winner: "c3==1", loser: "c2==1", identical: true },
    ]);
  });

  it("refuses a path that is a file in one wheel and a directory in another", () => {
    const f = makeWheel({ name: "f", version: "1", files: { thing: "file" } });
    const d = makeWheel({ name: "d", version: "1", files: { "thing/x.py": "" } });
    expect(() => mergeInstallPlans([f, d].map((w) => planOf(w)))).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The path "thing" is a file in f==1 and a directory in d==1]`,
    );
  });
});
