import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeTree } from "../../project/test/_tree.js";
import { type BuiltMember, buildMemberWheel, buildMemberWheels } from "../src/index.js";

/** A workspace: the root and two uv_build members under packages/. */
function workspace(): string {
  const member = (name: string) => ({
    [`packages/${name}/pyproject.toml`]: `[project]\nname = "${name}"\nversion = "1.0.0"\n\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n`,
    [`packages/${name}/src/${name}/__init__.py`]: `NAME = "${name}"\n`,
  });
  return makeTree({
    "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\n',
    ...member("alpha"),
    ...member("beta"),
  });
}

describe("buildMemberWheels (the member-wheel stage)", () => {
  it("builds each editable/directory source from the workspace root, in order, skipping virtual ones", async () => {
    const root = workspace();
    const seen: string[] = [];
    const built = await buildMemberWheels({
      workspaceRoot: root,
      sources: [
        { name: "root", version: null, source: { kind: "virtual", path: "." } },
        { name: "beta", version: "1.0.0", source: { kind: "editable", path: "packages/beta" } },
        { name: "alpha", source: { kind: "directory", path: "packages/alpha" } },
      ],
      onBuilt: (m: BuiltMember) => seen.push(m.filename),
    });
    expect(built.map((m) => [m.name, m.filename, m.backend])).toEqual([
      ["beta", "beta-1.0.0-py3-none-any.whl", "uv_build"],
      ["alpha", "alpha-1.0.0-py3-none-any.whl", "uv_build"],
    ]);
    expect(seen).toEqual(["beta-1.0.0-py3-none-any.whl", "alpha-1.0.0-py3-none-any.whl"]);
    // The stage's wheel is the one-member build's, byte for byte.
    const alone = await buildMemberWheel(`${root}/packages/alpha`, { name: "alpha" });
    expect(built[1]!.sha256).toBe(alone.sha256);
    expect(createHash("sha256").update(built[1]!.bytes).digest("hex")).toBe(alone.sha256);
  });

  it.each([
    ["registry", { kind: "registry", url: "https://pypi.org/simple" }],
    ["git", { kind: "git", raw: "https://x/y.git#abc", repository: "https://x/y.git", commit: "abc" }],
    ["url", { kind: "url", url: "https://x/y-1.0.tar.gz" }],
    ["path", { kind: "path", path: "dist/y-1.0.tar.gz" }],
  ] as const)("refuses a %s source without a wheel (tspack never runs a build backend)", async (kind, source) => {
    await expect(
      buildMemberWheels({ workspaceRoot: workspace(), sources: [{ name: "y", version: "1.0", source }] }),
    ).rejects.toMatchObject({
      code: "TSPACK_BUILD_UNSUPPORTED",
      message: `The package "y" has no wheel, only a ${kind} source`,
    });
  });
});
