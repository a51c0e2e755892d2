import { planInstall, selectPackages } from "@tspack/plan";
import { DEFAULT_TARGET } from "@tspack/platform-tags";
import { parseUvLock } from "@tspack/uv-lock";
import { describe, expect, it } from "vitest";
import { bigLockText } from "./helpers/big-lock.js";

describe("performance: parse + select + plan of a 1,000-package lock", () => {
  it("has no quadratic blow-up (the 100 ms budget itself is measured by bench/micro/lock.bench.mjs)", () => {
    const text = bigLockText(1000);
    const project = { name: "zz-project", dependencyGroups: ["dev"], optionalDependencies: [] };
    const run = () => {
      const { lock } = parseUvLock(text, { path: "uv.lock" });
      const selection = selectPackages(lock, project);
      return planInstall(selection, DEFAULT_TARGET);
    };
    const first = run();
    expect(first.packages.length).toBeGreaterThan(900);
    expect(first.missing).toEqual([]);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      // CPU time, not wall time: parallel test files and benchmarks share the machine.
      const c0 = process.cpuUsage();
      run();
      const c = process.cpuUsage(c0);
      times.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    const median = times[2] as number;
    console.info(
      `parse+select+plan 1000 packages: median ${median.toFixed(1)} ms CPU (${times.map((t) => t.toFixed(1)).join(", ")})`,
    );
    // Not a timing test: the bound only catches regressions such as quadratic propagation (which took
    // 10 s) even on a loaded machine running test files in parallel. The benchmark measures the budget.
    expect(median).toBeLessThan(3000);
  });
});
