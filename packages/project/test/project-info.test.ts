import type { ProjectInfo } from "@tspack/plan";
import { describe, expect, it } from "vitest";
import { isPackagedProject, type PlanProjectInfo, projectInfoForPlan } from "../src/project-info.js";
import { parsePyproject } from "../src/pyproject.js";

describe("projectInfoForPlan", () => {
  it("lists groups (dev from tool.uv.dev-dependencies too) and extras, sorted", () => {
    const info = parsePyproject(
      `[project]
name = "App"
[project.optional-dependencies]
zeta = ["a"]
alpha = ["b"]
[dependency-groups]
test = ["pytest"]
[tool.uv]
dev-dependencies = ["ipython"]
default-groups = ["test", "dev"]
`,
      "p",
    );
    const plan: ProjectInfo = projectInfoForPlan(info);
    expect(plan).toEqual({
      name: "app",
      defaultGroups: ["dev", "test"],
      dependencyGroups: ["dev", "test"],
      optionalDependencies: ["alpha", "zeta"],
    } satisfies PlanProjectInfo);
  });

  it("leaves defaultGroups out when tool.uv.default-groups is absent", () => {
    expect(projectInfoForPlan(parsePyproject('[project]\nname = "x"\n[dependency-groups]\ndev = []\n', "p"))).toEqual({
      name: "x",
      dependencyGroups: ["dev"],
      optionalDependencies: [],
    });
  });
});

describe("isPackagedProject", () => {
  it.each([
    ['[project]\nname = "x"\n', false],
    ['[project]\nname = "x"\n[build-system]\nrequires = []\n', true],
    ['[project]\nname = "x"\n[build-system]\nrequires = []\n[tool.uv]\npackage = false\n', false],
    ['[project]\nname = "x"\n[tool.uv]\npackage = true\n', true],
  ])("%j → %s", (text, expected) => {
    expect(isPackagedProject(parsePyproject(text, "p"))).toBe(expected);
  });
});
