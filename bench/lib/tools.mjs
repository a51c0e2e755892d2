// The tools compared, each as whole processes against the same mirror and target
// (CPython 3.13, x86_64 manylinux2014). A tool is a list of steps per run.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @typedef {{ cmd: string, args: string[], cwd?: string, env?: Record<string,string> }} Step
 * @typedef {{ runDir: string, cacheDir: string, outDir: string }} RunDirs
 * @typedef {{
 *   id: string, label: string, kind: "zip" | "install" | "floor", ref: string, states: string[],
 *   output: "zip" | "tree" | "files", steps(d: RunDirs): Step[], command: string,
 * }} Tool
 */

/**
 * The tools for one scenario.
 * @param {{ root: string, projectDir: string, requirements: string, indexUrl?: string, mirrorRules: string[],
 *   python?: string, uv?: string, curl?: string, wheelUrls: string[], floorSource: () => string | undefined }} ctx
 * @returns {Tool[]}
 */
export function defineTools(ctx) {
  const node = process.execPath;
  const tspack = join(ctx.root, "packages", "tspack", "bin", "tspack.js");
  const mirror = ctx.mirrorRules.flatMap((r) => ["--mirror", r]);
  const pipIndex = ctx.indexUrl ? ["--index-url", `${ctx.indexUrl}/simple`, "--trusted-host", "127.0.0.1"] : [];
  const uvIndex = ctx.indexUrl ? ["--index-url", `${ctx.indexUrl}/simple`] : [];
  const zipTree = (tree, zip) => [
    { cmd: "zip", args: ["-r", "-X", "-q", zip, "."], cwd: tree },
    { cmd: "zip", args: ["-r", "-X", "-q", zip, "app"], cwd: ctx.projectDir },
  ];
  const pipInstall = (d, extra) => ({
    cmd: ctx.python,
    args: [
      "-m",
      "pip",
      "install",
      "--no-deps",
      "--only-binary=:all:",
      "--platform",
      "manylinux2014_x86_64",
      "--python-version",
      "3.13",
      "--implementation",
      "cp",
      "--target",
      join(d.outDir, "target"),
      "-r",
      ctx.requirements,
      ...pipIndex,
      "--cache-dir",
      d.cacheDir,
      "-q",
      ...extra,
    ],
  });
  const uvExport = (d) => ({
    cmd: ctx.uv,
    args: [
      "export",
      "--frozen",
      "--no-dev",
      "--no-editable",
      "-o",
      join(d.runDir, "requirements.txt"),
      "--cache-dir",
      d.cacheDir,
    ],
    cwd: ctx.projectDir,
  });
  const uvInstall = (d) => ({
    cmd: ctx.uv,
    args: [
      "pip",
      "install",
      "--no-installer-metadata",
      "--no-compile-bytecode",
      "--python-platform",
      "x86_64-manylinux2014",
      "--python",
      "3.13",
      "--target",
      join(d.outDir, "target"),
      "-r",
      join(d.runDir, "requirements.txt"),
      ...uvIndex,
      "--cache-dir",
      d.cacheDir,
      "--quiet",
    ],
  });

  /** @type {Tool[]} */
  const tools = [
    {
      id: "tspack-build",
      label: "tspack build (zip)",
      kind: "zip",
      ref: "tspack-build",
      states: ["cold", "warm"],
      output: "zip",
      command: "tspack build PROJECT --out OUT --cache-dir CACHE --no-dev --mirror FROM=TO -q",
      steps: (d) => [
        {
          cmd: node,
          args: [
            tspack,
            "build",
            ctx.projectDir,
            "--out",
            d.outDir,
            "--cache-dir",
            d.cacheDir,
            "--no-dev",
            ...mirror,
            "-q",
          ],
        },
      ],
    },
    {
      id: "pip-zip",
      label: "pip install + zip",
      kind: "zip",
      ref: "tspack-build",
      states: ["cold", "warm"],
      output: "zip",
      command:
        "pip install --no-deps --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.13 --implementation cp --target DIR -r requirements.txt --index-url MIRROR --trusted-host 127.0.0.1 --cache-dir CACHE --no-compile; zip -r -X -q; zip -r -X -q package.zip app",
      steps: (d) => [
        pipInstall(d, ["--no-compile"]),
        ...zipTree(join(d.outDir, "target"), join(d.outDir, "package.zip")),
      ],
      requires: "python",
    },
    {
      id: "uv-zip",
      label: "uv export + uv pip install + zip",
      kind: "zip",
      ref: "tspack-build",
      states: ["cold", "warm"],
      output: "zip",
      command:
        "uv export --frozen --no-dev --no-editable -o requirements.txt; uv pip install --no-installer-metadata --no-compile-bytecode --python-platform x86_64-manylinux2014 --python 3.13 --target DIR -r requirements.txt; zip -r -X",
      steps: (d) => [uvExport(d), uvInstall(d), ...zipTree(join(d.outDir, "target"), join(d.outDir, "package.zip"))],
      requires: "uv",
    },
    {
      id: "tspack-install",
      label: "tspack install (--target)",
      kind: "install",
      ref: "tspack-install",
      states: ["cold", "warm"],
      output: "tree",
      command: "tspack install PROJECT --target DIR --cache-dir CACHE --no-dev --mirror FROM=TO -q",
      steps: (d) => [
        {
          cmd: node,
          args: [
            tspack,
            "install",
            ctx.projectDir,
            "--target",
            join(d.outDir, "target"),
            "--cache-dir",
            d.cacheDir,
            "--no-dev",
            ...mirror,
            "-q",
          ],
        },
      ],
    },
    {
      id: "pip-install",
      label: "pip install --no-compile",
      kind: "install",
      ref: "tspack-install",
      states: ["cold", "warm"],
      output: "tree",
      command: "pip install … --target DIR --no-compile (as above, without the zip steps)",
      steps: (d) => [pipInstall(d, ["--no-compile"])],
      requires: "python",
    },
    {
      id: "uv-install",
      label: "uv export + uv pip install",
      kind: "install",
      ref: "tspack-install",
      states: ["cold", "warm", "noop"],
      output: "tree",
      command: "uv export …; uv pip install … --target DIR (the guide's flags)",
      steps: (d) => [uvExport(d), uvInstall(d)],
      requires: "uv",
    },
    {
      id: "floor-download",
      label: "floor: download all wheels (curl)",
      kind: "floor",
      ref: "tspack-build",
      states: ["cold", "warm"],
      output: "files",
      command: "curl -s --fail --parallel --parallel-max 8 -K urls.txt (every wheel, to disk)",
      steps: (d) => {
        const cfg = join(d.runDir, "curl.cfg");
        const lines = ctx.wheelUrls.map((u, i) => `url = "${u}"\noutput = "${join(d.outDir, `${i}.whl`)}"`);
        writeFileSync(cfg, `${lines.join("\n")}\n`);
        return [
          { cmd: "curl", args: ["-s", "--fail", "--parallel", "--parallel-max", "8", "--create-dirs", "-K", cfg] },
        ];
      },
      requires: "curl",
    },
    {
      id: "floor-write",
      label: "floor: write the installed tree (cp -r)",
      kind: "floor",
      ref: "tspack-install",
      states: ["cold", "warm"],
      output: "tree",
      command: "cp -r INSTALLED_TREE DIR",
      steps: (d) => [{ cmd: "cp", args: ["-r", ctx.floorSource(), join(d.outDir, "target")] }],
    },
  ];
  return tools.filter((t) => t.requires === undefined || ctx[t.requires] !== undefined);
}
