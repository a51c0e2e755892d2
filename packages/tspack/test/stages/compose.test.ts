/** The pure composition of artifacts: data in, artifacts (names, files, order, modes), sizes and warnings out. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CompositionInput,
  composeArtifacts,
  LAMBDA_UNZIPPED_LIMIT,
  type PlannedWheelSize,
} from "../../src/stages/compose.js";
import type { FileEntry } from "../../src/stages/types.js";

const file = (path: string, owner: string, size = 3, mode = 0o644): FileEntry => ({
  path,
  mode,
  data: new Uint8Array(size),
  owner,
});
const plan = (name: string, version: string): PlannedWheelSize => ({
  name,
  normalizedName: name,
  version,
  filename: `${name}-${version}-py3-none-any.whl`,
});

const input = (over: Partial<CompositionInput>): CompositionInput => ({
  layout: "zip",
  python: [3, 13],
  deps: [
    file("idna/__init__.py", "idna==3.10", 10),
    file("idna/core.py", "idna==3.10", 20),
    file("bin/tool", "tool==1.0", 5, 0o755),
    file("tool/__init__.py", "tool==1.0", 7),
  ],
  members: [],
  code: [file("app/main.py", "project", 4), file("idna/core.py", "project", 1)],
  plans: [plan("idna", "3.10"), plan("tool", "1.0")],
  wheelBytes: new Map([
    ["idna-3.10-py3-none-any.whl", 100],
    ["tool-1.0-py3-none-any.whl", 50],
  ]),
  ...over,
});

const summary = (c: ReturnType<typeof composeArtifacts>) =>
  c.artifacts.map((a) => ({
    kind: a.kind,
    name: a.name,
    files: a.files.map((f) => `${f.path} ${f.mode.toString(8)} ${f.owner}`),
  }));

describe("composeArtifacts", () => {
  it("zip: function.zip holds the dependencies then the code; a code file replaces a dependency's, with a warning", () => {
    const c = composeArtifacts(input({}));
    expect(summary(c)).toEqual([
      {
        kind: "function",
        name: "function.zip",
        files: [
          "idna/__init__.py 644 idna==3.10",
          "bin/tool 755 tool==1.0",
          "tool/__init__.py 644 tool==1.0",
          "app/main.py 644 project",
          "idna/core.py 644 project",
        ],
      },
    ]);
    expect(c.warnings).toEqual(['The project file "idna/core.py" replaces the same path from a dependency']);
    // Sizes count every installed file of a package (the replaced one too), largest first.
    expect(c.packages).toEqual([
      { name: "idna", version: "3.10", files: 2, unzippedBytes: 30, wheelBytes: 100 },
      { name: "tool", version: "1.0", files: 2, unzippedBytes: 12, wheelBytes: 50 },
    ]);
  });

  it("layer: the dependencies' lib/ under python/ in layer.zip, members and code in function.zip", () => {
    const c = composeArtifacts(
      input({
        layout: "layer",
        deps: [
          file("lib/python3.13/site-packages/idna/__init__.py", "idna==3.10", 10),
          file("bin/tool", "tool==1.0", 5, 0o755),
          file("include/tool.h", "tool==1.0", 5),
        ],
        members: [file("member/__init__.py", "member==0.1", 2)],
        code: [file("app/main.py", "project", 4)],
        plans: [plan("idna", "3.10"), plan("tool", "1.0"), plan("member", "0.1")],
      }),
    );
    expect(summary(c)).toEqual([
      {
        kind: "layer",
        name: "layer.zip",
        files: ["python/lib/python3.13/site-packages/idna/__init__.py 644 idna==3.10"],
      },
      {
        kind: "function",
        name: "function.zip",
        files: ["member/__init__.py 644 member==0.1", "app/main.py 644 project"],
      },
    ]);
    expect(c.warnings).toEqual([
      "The layer keeps only python/lib/python3.13/site-packages/: left out bin, include (scripts, headers, data files), as the uv guide's `cp -r packages/lib python/` does",
    ]);
    // Left-out files are not counted.
    expect(c.packages.find((p) => p.name === "tool")).toMatchObject({ files: 0, unzippedBytes: 0 });
  });

  it("layer without code of its own: an empty function.zip, with a warning", () => {
    const c = composeArtifacts(input({ layout: "layer", deps: [], code: [] }));
    expect(c.artifacts.map((a) => [a.name, a.files.length])).toEqual([
      ["layer.zip", 0],
      ["function.zip", 0],
    ]);
    expect(c.warnings).toEqual([expect.stringContaining("function.zip is empty")]);
  });

  it("dir: the task root holds what function.zip would, and Lambda's zip limit does not apply", () => {
    const zip = composeArtifacts(input({}));
    const dir = composeArtifacts(input({ layout: "dir" }));
    expect(dir.artifacts.map((a) => [a.kind, a.name])).toEqual([["task-root", "task"]]);
    expect(dir.artifacts[0]!.files).toEqual(zip.artifacts[0]!.files);
    const huge = [file("big.bin", "idna==3.10", LAMBDA_UNZIPPED_LIMIT + 1)];
    expect(() => composeArtifacts(input({ layout: "dir", deps: huge }))).not.toThrow();
    expect(() => composeArtifacts(input({ layout: "zip", deps: huge }))).toThrow(
      expect.objectContaining({ code: "TSPACK_SIZE_LIMIT" }),
    );
    expect(() => composeArtifacts(input({ layout: "layer", deps: [{ ...huge[0]!, path: "lib/big.bin" }] }))).toThrow(
      expect.objectContaining({ code: "TSPACK_SIZE_LIMIT" }),
    );
  });

  it("image: one image artifact with the dir layout's files, no Lambda zip limit", () => {
    const dir = composeArtifacts(input({ layout: "dir" }));
    const image = composeArtifacts(input({ layout: "image" }));
    expect(image.artifacts.map((a) => [a.kind, a.name])).toEqual([["image", "image"]]);
    expect(image.artifacts[0]!.files).toEqual(dir.artifacts[0]!.files);
    const huge = [file("big.bin", "idna==3.10", LAMBDA_UNZIPPED_LIMIT + 1)];
    expect(() => composeArtifacts(input({ layout: "image", deps: huge }))).not.toThrow();
  });

  it("is pure: the module imports no node: built-in and nothing effectful", () => {
    const text = readFileSync(join(import.meta.dirname, "../../src/stages/compose.ts"), "utf8");
    const imports = [...text.matchAll(/^import (type )?.* from "([^"]+)";$/gm)].map((m) => `${m[1] ?? ""}${m[2]}`);
    expect(imports).toEqual(["@tspack/errors", "@tspack/wheel", "type @tspack/zip", "type ./types.js"]);
  });
});
