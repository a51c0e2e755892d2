import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isTspackError } from "@tspack/errors";
import { afterAll, describe, expect, it } from "vitest";
import { install } from "../src/install.js";
import { removeTemps, tempDir, virtualAppProject, writeFiles } from "./fixtures/local-project.js";

afterAll(removeTemps);

describe("install -r requirements.txt", () => {
  it("names the file and the line of a requirement whose marker is invalid (before any download)", async () => {
    const dir = tempDir();
    const hash = "a".repeat(64);
    writeFiles(dir, {
      "requirements.txt": `a==1.0 \\\n    --hash=sha256:${hash}\nb==2.0 ; python_versio >= '3' \\\n    --hash=sha256:${hash}\n`,
    });
    const file = join(dir, "requirements.txt");
    let error: unknown;
    try {
      await install({ requirementsFile: file, dest: join(dir, "out"), scheme: "target", cacheDir: join(dir, "cache") });
    } catch (e) {
      error = e;
    }
    expect(isTspackError(error, "TSPACK_MARKER_SYNTAX")).toBe(true);
    const e = error as Error & { details?: Record<string, unknown> };
    expect(e.message.split("\n")[0]).toBe(
      `${JSON.stringify(file)}, line 3: The marker "python_versio >= '3'" is invalid: Expected a marker variable or quoted string, found the unknown name "python_versio"`,
    );
    expect(e.details).toMatchObject({ file, line: 3 });
  });
});

describe("install with the warm seam off", () => {
  it("memo: false installs the same files and leaves no memo, marker or unpacked wheel in the cache", async () => {
    const list = (d: string): string[] =>
      readdirSync(d, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => relative(d, join(e.parentPath, e.name)))
        .sort();
    const on = virtualAppProject();
    const off = virtualAppProject();
    await install({ projectDir: on.dir, cacheDir: on.cacheDir, dest: join(on.dir, "out"), scheme: "target" });
    await install({
      projectDir: off.dir,
      cacheDir: off.cacheDir,
      dest: join(off.dir, "out"),
      scheme: "target",
      memo: false,
    });
    expect(list(join(off.dir, "out"))).toEqual(list(join(on.dir, "out")));
    for (const f of list(join(on.dir, "out")))
      expect(readFileSync(join(off.dir, "out", f)).equals(readFileSync(join(on.dir, "out", f))), f).toBe(true);
    expect(readdirSync(on.cacheDir)).toEqual(expect.arrayContaining(["memo-v1", "unpacked-v2"]));
    expect(
      readdirSync(off.cacheDir)
        .filter((n) => n !== "tmp")
        .sort(),
    ).toEqual([".gitignore", "CACHEDIR.TAG", "TSPACK-CACHE"]);
  });
});
