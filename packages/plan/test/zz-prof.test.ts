import { planInstall, selectPackages } from "@tspack/plan";
import { DEFAULT_TARGET } from "@tspack/platform-tags";
import { parseUvLock } from "@tspack/uv-lock";
import { it } from "vitest";
import { bigLockText } from "/work/main/packages/plan/test/helpers/big-lock.js";
it("prof", () => {
  for (const n of [1000, 1000, 1000, 1000]) {
  const text = bigLockText(n);
  const project = { name: "zz-project", dependencyGroups: ["dev"], optionalDependencies: [] };
  let t0 = performance.now();
  const { lock } = parseUvLock(text, { path: "uv.lock" });
  let t1 = performance.now();
  const selection = selectPackages(lock, project);
  let t2 = performance.now();
  const plan = planInstall(selection, DEFAULT_TARGET);
  let t3 = performance.now();
  console.log(n, "parse", (t1-t0).toFixed(1), "select", (t2-t1).toFixed(1), "plan", (t3-t2).toFixed(1), plan.packages.length);
  }
});
