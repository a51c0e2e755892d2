import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fetchWheels } from "../src/fetch.js";
import {
  idna,
  localRegistryPackage,
  removeTemps,
  tempDir,
  virtualAppProject,
  writeFiles,
} from "./fixtures/local-project.js";

afterAll(removeTemps);

/** A workspace: virtual root, an `api` member (uv_build, src layout) and a local registry `wheels/`. */
function workspace(): { root: string; member: string; cacheDir: string } {
  const base = tempDir();
  const root = join(base, "ws");
  const lock = [
    'version = 1\nrevision = 3\nrequires-python = ">=3.13"\n\n[manifest]\nmembers = [\n    "api",\n    "root",\n]\n',
    `[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { editable = "packages/api" }\ndependencies = [\n    { name = "idna" },\n]\n\n[package.metadata]\nrequires-dist = [{ name = "idna" }]\n`,
    localRegistryPackage(idna, "idna", "3.10", "wheels"),
    `[[package]]\nname = "root"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "api" },\n]\n\n[package.metadata]\nrequires-dist = [{ name = "api", editable = "packages/api" }]\n`,
  ].join("\n");
  writeFiles(root, {
    "pyproject.toml":
      '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["api"]\n\n[tool.uv.sources]\napi = { workspace = true }\n\n[tool.uv.workspace]\nmembers = ["packages/api"]\n',
    "uv.lock": lock,
    [`wheels/${idna.filename}`]: idna.bytes,
    "packages/api/pyproject.toml":
      '[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["idna"]\n\n[build-system]\nrequires = ["uv_build>=0.8,<0.9"]\nbuild-backend = "uv_build"\n',
    "packages/api/src/api/__init__.py": "def handler(event, context):\n    return 1\n",
  });
  return { root, member: join(root, "packages", "api"), cacheDir: join(base, "cache") };
}

describe("fetchWheels: wheels on local disk", () => {
  it('finds a wheel of a local registry folder (`registry = "wheels"`, `path = "<file>"`) once, not under wheels/wheels/', async () => {
    const { dir, cacheDir } = virtualAppProject("wheels");
    const r = await fetchWheels({ projectDir: dir, cacheDir });
    expect(r.wheels.map((w) => [w.name, w.from, w.path, w.sha256])).toEqual([
      ["idna", "local", join(dir, "wheels", idna.filename), idna.sha256],
    ]);
  });

  it("resolves the lock's paths against the lock's folder (the workspace root) when --lock points elsewhere", async () => {
    const { root, member, cacheDir } = workspace();
    const r = await fetchWheels({ projectDir: member, lockPath: join(root, "uv.lock"), cacheDir });
    expect(r.wheels.map((w) => w.path)).toEqual([join(root, "wheels", idna.filename)]);
    expect(r.localSources.map((p) => p.name)).toEqual(["api"]);
  });
});
