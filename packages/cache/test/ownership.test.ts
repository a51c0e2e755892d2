import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CACHE_MARKER_TEXT,
  CACHEDIR_TAG,
  checkCacheOwned,
  checkDestination,
  checkOutputFile,
  checkOutputOwned,
  initCache,
  isSameOrInside,
  isTspackCachedirTag,
  judgeCache,
  judgeOutput,
  outputEntriesOf,
  parseCacheMarker,
  unaccountedFiles,
} from "../src/index.js";

const roots: string[] = [];
function box(): string {
  const d = mkdtempSync(join(tmpdir(), "tspack-own-"));
  roots.push(d);
  return d;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const errorOf = (fn: () => unknown): { code: string; message: string; details?: Record<string, unknown> } => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error("expected a refusal");
};

const CARGO_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n# For information about cache directory tags see https://bford.info/cachedir/\n";

describe("the cache proof (pure)", () => {
  it("reads the marker's format version and refuses anything else named like it", () => {
    expect(parseCacheMarker(CACHE_MARKER_TEXT)).toBe(1);
    expect(parseCacheMarker("tspack-cache-v7\n")).toBe(7);
    expect(parseCacheMarker("tspack-cache-v1")).toBe(1);
    for (const text of ["", "tspack-cache\n", "tspack-cache-v0\n", "# tspack-cache-v1\n", "TSPACK-CACHE-V1\n"])
      expect(parseCacheMarker(text)).toBeUndefined();
  });

  it("tells tspack's CACHEDIR.TAG from another tool's", () => {
    expect(isTspackCachedirTag(CACHEDIR_TAG)).toBe(true);
    expect(isTspackCachedirTag(CARGO_TAG)).toBe(false);
    expect(isTspackCachedirTag("# This file is a cache directory tag created by tspack.\n")).toBe(false);
  });

  it("judges a root: marker → owned; empty; an older tspack's cache → legacy; everything else → foreign", () => {
    expect(judgeCache(["TSPACK-CACHE", "anything"], CACHE_MARKER_TEXT, undefined)).toEqual({
      kind: "owned",
      format: 1,
    });
    // Being written by a concurrent initCache (created, not yet filled).
    expect(judgeCache(["TSPACK-CACHE"], "", undefined)).toEqual({ kind: "owned", format: 1 });
    expect(judgeCache(["TSPACK-CACHE"], "tspack-ca", undefined)).toEqual({ kind: "owned", format: 1 });
    expect(judgeCache([], undefined, undefined)).toEqual({ kind: "empty" });
    expect(judgeCache([".DS_Store"], undefined, undefined)).toEqual({ kind: "empty" });
    expect(
      judgeCache(["CACHEDIR.TAG", ".gitignore", "wheels-v1", "unpacked-v1", "memo-v1", "tmp"], undefined, CACHEDIR_TAG),
    ).toEqual({ kind: "legacy" });
    expect(judgeCache(["TSPACK-CACHE"], "my notes\n", undefined)).toEqual({
      kind: "foreign",
      reason: "its TSPACK-CACHE file is not tspack's marker",
      unexpected: ["TSPACK-CACHE"],
    });
    // An older tspack wrote CACHEDIR.TAG on its first download only: its versioned buckets prove it.
    expect(judgeCache(["memo-v1", "checked-v1", "deflated-v1"], undefined, undefined)).toEqual({ kind: "legacy" });
    expect(judgeCache(["tmp", ".gitignore"], undefined, undefined)).toEqual({
      kind: "foreign",
      reason: 'it holds ".gitignore", "tmp" and no TSPACK-CACHE marker',
      unexpected: [],
    });
    expect(judgeCache(["memo-v1", "notes.txt"], undefined, undefined)).toEqual({
      kind: "foreign",
      reason: 'it holds "memo-v1", "notes.txt" and no TSPACK-CACHE marker',
      unexpected: ["notes.txt"],
    });
    expect(judgeCache(["src", "pyproject.toml"], undefined, undefined)).toEqual({
      kind: "foreign",
      reason: 'it holds "pyproject.toml", "src" and no TSPACK-CACHE marker',
      unexpected: ["pyproject.toml", "src"],
    });
    // cargo's target/ dir: another tool's tag, even with names tspack also uses.
    expect(judgeCache(["CACHEDIR.TAG", "debug", "tmp"], undefined, CARGO_TAG)).toEqual({
      kind: "foreign",
      reason: "its CACHEDIR.TAG was written by another tool",
      unexpected: ["debug"],
    });
    // tspack's tag, but something else in it (e.g. an output folder an older tspack let into the cache).
    expect(judgeCache(["CACHEDIR.TAG", "wheels-v1", "dist"], undefined, CACHEDIR_TAG)).toEqual({
      kind: "foreign",
      reason: 'it holds "dist", which tspack does not write into a cache',
      unexpected: ["dist"],
    });
  });
});

describe("the output proof (pure)", () => {
  const manifest = (artifacts: unknown, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ tspack: 1, layout: "zip", artifacts, ...extra });

  it("takes the entries from a tspack build.json: itself and every artifact's path", () => {
    expect(outputEntriesOf(manifest([{ kind: "function", path: "function.zip" }]))).toEqual(
      new Set(["build.json", "function.zip"]),
    );
    expect(
      outputEntriesOf(
        manifest([
          { kind: "task-root", path: "task" },
          { kind: "dockerfile", path: "Dockerfile" },
        ]),
      ),
    ).toEqual(new Set(["build.json", "task", "Dockerfile"]));
  });

  it("is not fooled by another build.json", () => {
    for (const text of [
      "not json",
      "[]",
      '{"android": {}}',
      manifest([{ path: "function.zip" }], { tspack: 2 }),
      manifest([]),
      manifest([{ path: "../escape" }]),
      manifest([{ path: "a/b" }]),
      manifest([{ path: ".." }]),
      manifest([{ kind: "function" }]),
      JSON.stringify({ tspack: 1, artifacts: [{ path: "function.zip" }] }),
    ])
      expect(outputEntriesOf(text), text).toBeUndefined();
  });

  it("owns a folder only when every entry is listed; staging folders and OS files do not count", () => {
    const owned = new Set(["build.json", "function.zip"]);
    expect(judgeOutput([], owned)).toEqual({ kind: "empty" });
    expect(judgeOutput([".DS_Store", ".tspack-build-123-0011aabb"], undefined)).toEqual({ kind: "empty" });
    expect(judgeOutput(["function.zip", "build.json", ".DS_Store"], owned)).toEqual({ kind: "owned" });
    expect(judgeOutput(["build.json"], owned)).toEqual({ kind: "owned" });
    expect(judgeOutput(["build.json", "function.zip", "notes.txt", "src"], owned)).toEqual({
      kind: "foreign",
      unexpected: ["notes.txt", "src"],
    });
    expect(judgeOutput(["build.json", "x"], undefined)).toEqual({ kind: "foreign", unexpected: ["build.json", "x"] });
    // Not tspack's pattern exactly: counts.
    expect(judgeOutput([".tspack-build-123-0011aabbc", "build.json"], owned)).toEqual({
      kind: "foreign",
      unexpected: [".tspack-build-123-0011aabbc"],
    });
  });
});

describe("the install tree proof (pure)", () => {
  const owned = new Set([
    "foo/__init__.py",
    "foo/sub/mod.py",
    "foo-1.0.dist-info/RECORD",
    "foo-1.0.dist-info/METADATA",
    "bin/foo",
  ]);

  it("accounts for listed files, their bytecode, OS files and folders that hold listed paths", () => {
    expect(
      unaccountedFiles(
        {
          files: [
            "foo/__init__.py",
            "foo/__pycache__/__init__.cpython-313.pyc",
            "foo/sub/__pycache__/mod.cpython-312.opt-1.pyc",
            "foo/sub/mod.py",
            "foo-1.0.dist-info/RECORD",
            "bin/foo",
            "foo/.DS_Store",
          ],
          emptyDirs: ["foo/sub/__pycache__", "foo/sub"],
        },
        owned,
      ),
    ).toEqual([]);
  });

  it("reports everything else: user files, pyc of unlisted modules, empty folders of the user's", () => {
    expect(
      unaccountedFiles(
        {
          files: [
            "handler.py",
            "foo/notes.txt",
            "foo/__pycache__/other.cpython-313.pyc",
            "__pycache__/handler.cpython-313.pyc",
            "foo/__init__.pyc",
            "foo__pycache__/__init__.cpython-313.pyc",
          ],
          emptyDirs: ["data", "foo/cache"],
        },
        owned,
      ),
    ).toEqual([
      "__pycache__/handler.cpython-313.pyc",
      "data/",
      "foo/__init__.pyc",
      "foo/__pycache__/other.cpython-313.pyc",
      "foo/cache/",
      "foo/notes.txt",
      "foo__pycache__/__init__.cpython-313.pyc",
      "handler.py",
    ]);
  });
});

describe("paths (pure)", () => {
  it("isSameOrInside compares whole path components", () => {
    expect(isSameOrInside("/a/b", "/a/b")).toBe(true);
    expect(isSameOrInside("/a/b/c", "/a/b")).toBe(true);
    expect(isSameOrInside("/a/bc", "/a/b")).toBe(false);
    expect(isSameOrInside("/a", "/a/b")).toBe(false);
    expect(isSameOrInside("/x", "/")).toBe(true);
  });
});

describe("the guard on disk", () => {
  it("checkDestination refuses /, home, the current folder and its parents, protected folders and the cache", () => {
    const b = box();
    const project = join(b, "proj");
    const cache = join(b, "cache");
    mkdirSync(join(project, "src"), { recursive: true });
    mkdirSync(join(b, "elsewhere"), { recursive: true });
    symlinkSync(project, join(b, "link-to-proj"));
    const opts = {
      label: "The output folder",
      keep: [{ path: project, what: "the project" }],
      cacheDir: cache,
      cwd: join(b, "elsewhere"),
      home: join(b, "home"),
      hint: "choose another",
    };
    const refused = (dest: string): string => {
      const e = errorOf(() => checkDestination(dest, opts));
      expect(e.code).toBe("TSPACK_NOT_OWNED");
      expect(e.details?.folder).toBe(dest);
      return e.message.replace(dest, "<dest>").split(b).join("<b>");
    };
    expect(refused("/")).toBe('The output folder "<dest>" is the root of the file system');
    expect(refused(project)).toBe('The output folder "<dest>" is the project');
    expect(refused(b)).toBe('The output folder "<dest>" contains the project "<b>/proj"');
    expect(refused(join(b, "link-to-proj"))).toBe('The output folder "<dest>" is the project');
    expect(refused(cache)).toBe('The output folder "<dest>" is the cache');
    expect(refused(join(cache, "out"))).toBe('The output folder "<dest>" is inside the cache "<b>/cache"');
    expect(refused(join(b, "elsewhere"))).toBe('The output folder "<dest>" is the current folder');
    expect(refused(join(b, "home"))).toBe('The output folder "<dest>" is the home folder');
    // Inside the project (dist/lambda), or anywhere else: fine.
    expect(checkDestination(join(project, "dist", "lambda"), opts)).toBe(join(project, "dist", "lambda"));
    expect(checkDestination(join(b, "link-to-proj", "dist"), opts)).toBe(join(project, "dist"));
  });

  it("checkOutputFile refuses the project's inputs (also through a symlink), a folder, and the cache", () => {
    const b = box();
    writeFileSync(join(b, "pyproject.toml"), "x");
    symlinkSync(join(b, "pyproject.toml"), join(b, "alias.toml"));
    const opts = {
      inputs: [{ path: join(b, "pyproject.toml"), what: "the project's pyproject.toml" }],
      cacheDir: join(b, "cache"),
      hint: "-o requirements.txt",
    };
    expect(errorOf(() => checkOutputFile(join(b, "alias.toml"), opts)).message).toBe(
      `The file "${join(b, "alias.toml")}" is the project's pyproject.toml "${join(b, "pyproject.toml")}"`,
    );
    expect(errorOf(() => checkOutputFile(b, opts)).message).toBe(`The file "${b}" is a folder`);
    expect(errorOf(() => checkOutputFile(join(b, "cache", "r.txt"), opts)).code).toBe("TSPACK_NOT_OWNED");
    checkOutputFile(join(b, "requirements.txt"), opts);
  });

  it("checkOutputOwned: a file is refused, a missing folder passes, entries are returned", () => {
    const b = box();
    writeFileSync(join(b, "file"), "");
    expect(errorOf(() => checkOutputOwned(join(b, "file"))).message).toBe(
      `The output folder "${join(b, "file")}" is a file, not a folder`,
    );
    expect(checkOutputOwned(join(b, "missing"))).toEqual([]);
    mkdirSync(join(b, "out"));
    writeFileSync(
      join(b, "out", "build.json"),
      JSON.stringify({ tspack: 1, layout: "zip", artifacts: [{ path: "f" }] }),
    );
    writeFileSync(join(b, "out", "f"), "");
    mkdirSync(join(b, "out", ".tspack-build-1-00000000"));
    expect(checkOutputOwned(join(b, "out")).sort()).toEqual(["build.json", "f"]);
  });

  it("initCache creates, adopts an older tspack's cache, and refuses a user's folder or cargo's cache untouched", async () => {
    const b = box();
    await initCache(join(b, "new"));
    expect(checkCacheOwned(join(b, "new"))).toEqual({ kind: "owned", format: 1 });

    const legacy = join(b, "legacy");
    mkdirSync(join(legacy, "wheels-v1", "sha256"), { recursive: true });
    writeFileSync(join(legacy, "CACHEDIR.TAG"), CACHEDIR_TAG);
    expect(checkCacheOwned(legacy)).toEqual({ kind: "legacy" });
    await initCache(legacy);
    expect(checkCacheOwned(legacy)).toEqual({ kind: "owned", format: 1 });

    const cargo = join(b, "target");
    mkdirSync(join(cargo, "debug"), { recursive: true });
    writeFileSync(join(cargo, "CACHEDIR.TAG"), CARGO_TAG);
    const e = await initCache(cargo).then(
      () => undefined,
      (err: { code: string; message: string }) => err,
    );
    expect([e?.code, e?.message]).toEqual([
      "TSPACK_NOT_OWNED",
      `The folder "${cargo}" is not a tspack cache: its CACHEDIR.TAG was written by another tool`,
    ]);
    expect(checkCacheOwned(dirname(cargo) + "/missing")).toEqual({ kind: "missing" });
  });
});
