import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseUvLock } from "@tspack/uv-lock";
import { describe, expect, it } from "vitest";
import { collectProjectFiles } from "../src/collect-project-files.js";
import { isPackagedProject, projectInfoForPlan } from "../src/project-info.js";
import { readPyproject } from "../src/read-pyproject.js";

const examples = (p: string): string => fileURLToPath(new URL(`../../../examples/${p}`, import.meta.url));
const realLock = readFileSync(new URL("../../../test/fixtures/uv-aws-lambda-example/uv.lock", import.meta.url), "utf8");

describe("examples/", () => {
  it("fastapi-lambda: the real lock verbatim, a virtual root with app/", async () => {
    expect(readFileSync(examples("fastapi-lambda/uv.lock"), "utf8")).toBe(realLock);
    const info = await readPyproject(examples("fastapi-lambda"));
    expect(isPackagedProject(info)).toBe(false);
    expect(info.tspack).toEqual({ layout: "zip", runtime: "python3.13", arch: "x86_64", handler: "app.main.handler" });
    expect(projectInfoForPlan(info)).toEqual({
      name: "uv-aws-lambda-example",
      dependencyGroups: ["dev"],
      optionalDependencies: [],
    });
    expect((await collectProjectFiles(examples("fastapi-lambda"))).map((f) => f.path)).toEqual([
      "app/__init__.py",
      "app/main.py",
    ]);
  });

  it("layer: layout = layer, the real lock", async () => {
    expect(readFileSync(examples("layer/uv.lock"), "utf8")).toBe(realLock);
    const info = await readPyproject(examples("layer"));
    expect(info.tspack.layout).toBe("layer");
    expect(info.name).toBe("uv-aws-lambda-example");
  });

  it("workspace: a valid revision-3 lock with a virtual root, an editable member and registry packages", async () => {
    const { lock, warnings } = parseUvLock(readFileSync(examples("workspace/uv.lock"), "utf8"));
    expect(warnings).toEqual([]);
    expect(lock.packages.map((p) => [p.name, p.source.kind])).toEqual([
      ["anyio", "registry"],
      ["idna", "registry"],
      ["library", "editable"],
      ["sniffio", "registry"],
      ["uv-aws-lambda-workspace", "virtual"],
    ]);
    expect(lock.manifest.members).toEqual(["library", "uv-aws-lambda-workspace"]);
    // Registry entries are copied from the real lock.
    for (const name of ["anyio", "idna", "sniffio"]) {
      const entry = new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\n[\\s\\S]*?\\n\\n`).exec(
        readFileSync(examples("workspace/uv.lock"), "utf8"),
      )?.[0];
      expect(entry !== undefined && realLock.includes(entry)).toBe(true);
    }
    const root = await readPyproject(examples("workspace"));
    expect(root.uv.workspace).toEqual({ members: ["library"], exclude: [] });
    expect(root.uv.sources).toEqual({ library: { workspace: true } });
    const member = await readPyproject(examples("workspace/library"));
    expect(member.buildSystem?.buildBackend).toBe("uv_build");
    expect((await collectProjectFiles(examples("workspace"))).map((f) => f.path)).toEqual([
      "app/__init__.py",
      "app/main.py",
    ]);
  });
});
