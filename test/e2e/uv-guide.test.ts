/**
 * The uv AWS Lambda guide's command lines (docs/guides/integration/aws-lambda.md), copied verbatim with
 * `uv` replaced by `tspack`, with the guide Dockerfile's UV_* variables, against the loopback index: they
 * produce the same tree as `tspack build` for the same project. Also: every command run from a subfolder
 * of the workspace finds the project like uv and gives the same result as from the root.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeWheel } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  listTree,
  lockText,
  pyprojectText,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const sniffio = makeWheel({ name: "sniffio", version: "1.3.1", files: { "sniffio/__init__.py": "X = 1\n" } });
const idna = makeWheel({ name: "idna", version: "3.10", files: { "idna/__init__.py": "" } });
const anyio = makeWheel({
  name: "anyio",
  version: "4.7.0",
  files: { "anyio/__init__.py": "import idna, sniffio\n" },
  entryPoints: { console_scripts: { anyio: "anyio:main" } },
});
const pytest = makeWheel({ name: "pytest", version: "8.0.0", files: { "pytest/__init__.py": "" } });

/** The guide's workspace: a virtual root app and a `library` member (uv_build, src layout), a dev group. */
const workspace: Record<string, string> = {
  "pyproject.toml": `${pyprojectText("uv-aws-lambda-workspace", ["anyio", "library"])}
[dependency-groups]
dev = ["pytest"]

[tool.uv.sources]
library = { workspace = true }

[tool.uv.workspace]
members = ["library"]
`,
  "app/__init__.py": "",
  "app/main.py": "import anyio\nfrom library import greet\n\n\ndef handler(event, context):\n    return greet()\n",
  "app/util/__init__.py": "",
  "library/pyproject.toml": `[project]
name = "library"
version = "0.1.0"
requires-python = ">=3.13"
dependencies = ["sniffio"]

[build-system]
requires = ["uv_build>=0.8.4,<0.9.0"]
build-backend = "uv_build"
`,
  "library/src/library/__init__.py": "import sniffio\n\n\ndef greet():\n    return 'hello'\n",
  "uv.lock": lockText({
    members: ["library", "uv-aws-lambda-workspace"],
    roots: [
      { name: "uv-aws-lambda-workspace", version: "0.1.0", deps: ["anyio", "library"] },
      { name: "library", version: "0.1.0", source: { editable: "library" }, deps: ["sniffio"] },
    ],
    packages: [
      { name: "anyio", version: "4.7.0", wheel: anyio, deps: ["idna", "sniffio"] },
      { name: "idna", version: "3.10", wheel: idna },
      { name: "sniffio", version: "1.3.1", wheel: sniffio },
    ],
  }),
};

let server: RunningIndexServer;
/** The guide Dockerfile's variables, the loopback index as UV_INDEX_URL and a cache of the test's own. */
let guideEnv: Record<string, string>;

beforeAll(async () => {
  requireBuiltCli();
  server = await startIndexServer({ files: serverFiles([sniffio, idna, anyio, pytest]) });
  guideEnv = {
    UV_COMPILE_BYTECODE: "1",
    UV_NO_INSTALLER_METADATA: "1",
    UV_LINK_MODE: "copy",
    UV_INDEX_URL: `${server.url}/simple`,
    UV_CACHE_DIR: tempDir("tspack-guide-uvcache-"),
  };
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

/** Every file under `dir` with its bytes. */
function treeBytes(dir: string, prefix = ""): Record<string, string> {
  return Object.fromEntries(listTree(dir).map((p) => [`${prefix}${p}`, readFileSync(join(dir, p)).toString("base64")]));
}

async function ok(args: string[], cwd: string, env: Record<string, string> = guideEnv): Promise<string> {
  const r = await runCliAsync(args, { cwd, env });
  expect([r.status, r.stderr], `tspack ${args.join(" ")}`).toEqual([0, expect.any(String)]);
  return r.stdout;
}

describe("the uv Lambda guide, `uv` replaced by `tspack`", () => {
  it("zip archive: export + pip install --target give `tspack build`'s tree (packages/ + app/)", async () => {
    const dir = tempDir("tspack-guide-zip-");
    writeTree(dir, workspace);
    await ok(["export", "--frozen", "--no-dev", "--no-editable", "-o", "requirements.txt"], dir);
    const requirements = readFileSync(join(dir, "requirements.txt"), "utf8");
    // What `uv export --no-editable` writes for a workspace member: a bare local path.
    expect(requirements).toContain("\n./library\n");
    expect(requirements).not.toContain("pytest");
    await ok(
      "pip install --no-installer-metadata --no-compile-bytecode --python-platform x86_64-manylinux2014 --python 3.13 --target packages -r requirements.txt".split(
        " ",
      ),
      dir,
    );
    // `cd packages && zip -r ../package.zip .` then `zip -r package.zip app`: the zip's tree is this.
    const guideTree = { ...treeBytes(join(dir, "packages")), ...treeBytes(join(dir, "app"), "app/") };
    expect(Object.keys(guideTree)).toEqual(
      expect.arrayContaining(["library/__init__.py", "anyio/__init__.py", "app/main.py"]),
    );

    const out = tempDir("tspack-guide-out-");
    // The guide's zip flow says --no-compile-bytecode (guideEnv has the Dockerfile's UV_COMPILE_BYTECODE=1).
    await ok(["build", "--layout", "dir", "--out", out, "-q", "--no-compile-bytecode"], dir);
    expect(guideTree).toEqual(treeBytes(join(out, "task")));
    // The function.zip of the default layout holds the same files.
    const zipOut = tempDir("tspack-guide-zipout-");
    await ok(["build", "--out", zipOut, "-q", "--no-compile-bytecode"], dir);
    const entries = unzipSync(new Uint8Array(readFileSync(join(zipOut, "function.zip"))));
    const files = Object.entries(entries).filter(([name]) => !name.endsWith("/"));
    expect(Object.fromEntries(files.map(([n, b]) => [n, Buffer.from(b).toString("base64")]))).toEqual(guideTree);
  });

  it("layer: pip install --prefix, then `cp -r packages/lib python/`, gives `tspack build --layout layer`'s layer.zip", async () => {
    const dir = tempDir("tspack-guide-layer-");
    // The guide's layer flow is for the dependencies: a virtual app with registry packages only.
    writeTree(dir, {
      "pyproject.toml": `${pyprojectText("layer-app", ["anyio"])}\n[dependency-groups]\ndev = ["pytest"]\n`,
      "app/__init__.py": "",
      "uv.lock": lockText({
        roots: [{ name: "layer-app", version: "0.1.0", deps: ["anyio"] }],
        packages: [
          { name: "anyio", version: "4.7.0", wheel: anyio, deps: ["idna", "sniffio"] },
          { name: "idna", version: "3.10", wheel: idna },
          { name: "sniffio", version: "1.3.1", wheel: sniffio },
        ],
      }),
    });
    await ok(["export", "--frozen", "--no-dev", "--no-editable", "-o", "requirements.txt"], dir);
    await ok(
      "pip install --no-installer-metadata --no-compile-bytecode --python-platform x86_64-manylinux2014 --python 3.13 --prefix packages -r requirements.txt".split(
        " ",
      ),
      dir,
    );
    mkdirSync(join(dir, "python"));
    cpSync(join(dir, "packages", "lib"), join(dir, "python", "lib"), { recursive: true }); // cp -r packages/lib python/
    const guideTree = treeBytes(join(dir, "python"), "python/");
    expect(Object.keys(guideTree)).toContain("python/lib/python3.13/site-packages/anyio/__init__.py");

    const out = tempDir("tspack-guide-layer-out-");
    await ok(["build", "--layout", "layer", "--out", out, "-q", "--no-compile-bytecode"], dir);
    const entries = unzipSync(new Uint8Array(readFileSync(join(out, "layer.zip"))));
    const files = Object.entries(entries).filter(([name]) => !name.endsWith("/"));
    expect(Object.fromEntries(files.map(([n, b]) => [n, Buffer.from(b).toString("base64")]))).toEqual(guideTree);
  });

  it("UV_COMPILE_BYTECODE=1 without --no-compile-bytecode compiles (Pyodide; no interpreter needed)", async () => {
    const dir = tempDir("tspack-guide-pyc-");
    writeTree(dir, { "requirements.txt": "sniffio==1.3.1\n" });
    const r = await runCliAsync(["pip", "install", "--target", "t", "-r", "requirements.txt"], {
      cwd: dir,
      env: guideEnv,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(listTree(join(dir, "t"))).toContain("sniffio/__pycache__/__init__.cpython-313.pyc");
  });
});

describe("uv's cache variables", () => {
  it("--no-cache (UV_NO_CACHE) uses a temporary cache removed at exit; UV_CACHE_DIR is otherwise used", async () => {
    const dir = tempDir("tspack-guide-nocache-");
    writeTree(dir, { "requirements.txt": `sniffio==1.3.1 \\\n    --hash=sha256:${sniffio.sha256}\n` });
    const tmp = tempDir("tspack-guide-tmp-");
    const uvCache = tempDir("tspack-guide-uvc-");
    const env = { ...guideEnv, UV_COMPILE_BYTECODE: "0", UV_CACHE_DIR: uvCache, TMPDIR: tmp };
    await ok(["pip", "install", "--target", "a", "-r", "requirements.txt", "--no-cache"], dir, env);
    await ok(["pip", "install", "--target", "b", "-r", "requirements.txt"], dir, { ...env, UV_NO_CACHE: "1" });
    expect(readdirSync(tmp).filter((n) => n.startsWith("tspack-no-cache-"))).toEqual([]);
    expect(listTree(uvCache)).toEqual([]);
    await ok(["pip", "install", "--target", "c", "-r", "requirements.txt"], dir, env);
    expect(listTree(join(uvCache, "tspack")).length).toBeGreaterThan(0);
    expect(treeBytes(join(dir, "a"))).toEqual(treeBytes(join(dir, "c")));
  });
});

describe("from a subfolder of the workspace: the same result as from the root", () => {
  const commands: Array<{ name: string; args: string[]; parse: (stdout: string) => unknown }> = [
    { name: "plan --json", args: ["plan", "--json"], parse: (s) => JSON.parse(s) },
    { name: "export", args: ["export", "--frozen", "--no-dev", "--no-editable"], parse: (s) => s },
  ];

  it("plan, export, fetch, install and build find the project and the workspace root upward", async () => {
    const root = tempDir("tspack-guide-sub-");
    writeTree(root, workspace);
    const sub = join(root, "app", "util");
    const env = { ...guideEnv, UV_COMPILE_BYTECODE: "0" };
    for (const c of commands) {
      const fromRoot = c.parse(await ok(c.args, root, env));
      const fromSub = c.parse(await ok(c.args, sub, env));
      expect(fromSub, c.name).toEqual(fromRoot);
    }
    // install and build: the same trees (install's --target is relative to where it runs, like uv's).
    await ok(["install", "--target", "t"], root, env);
    await ok(["install", "--target", "t"], sub, env);
    expect(treeBytes(join(sub, "t"))).toEqual(treeBytes(join(root, "t")));
    await ok(["fetch", "-q"], sub, env);
    const outRoot = tempDir("tspack-guide-sub-out-");
    const outSub = tempDir("tspack-guide-sub-out-");
    await ok(["build", "--out", outRoot, "-q"], root, env);
    await ok(["build", "--out", outSub, "-q"], sub, env);
    expect(readFileSync(join(outSub, "function.zip"))).toEqual(readFileSync(join(outRoot, "function.zip")));
    // --directory and --project name the same project from anywhere.
    const elsewhere = tempDir("tspack-guide-elsewhere-");
    const viaProject = await ok(["export", "--frozen", "--no-dev", "--project", sub], elsewhere, env);
    const viaDirectory = await ok(["export", "--frozen", "--no-dev", "--directory", sub], elsewhere, env);
    const plain = await ok(["export", "--frozen", "--no-dev"], root, env);
    const body = (s: string) => s.split("\n").slice(2).join("\n");
    expect(body(viaProject)).toBe(body(plain));
    expect(body(viaDirectory)).toBe(body(plain));
  });

  it("in a member's folder the member is the project (like uv), its lock the workspace root's", async () => {
    const root = tempDir("tspack-guide-member-");
    writeTree(root, workspace);
    const text = await ok(["export", "--frozen", "--no-hashes", "--no-header"], join(root, "library", "src"));
    expect(text).toBe("-e ./library\nsniffio==1.3.1\n    # via library\n");
  });

  it("a folder without pyproject.toml, or a project without uv.lock, is an error naming the folder and the fix", async () => {
    const empty = tempDir("tspack-guide-empty-");
    const r = await runCliAsync(["plan"], { cwd: empty, env: guideEnv });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`No pyproject.toml found in "${empty}" or any folder above it`);
    expect(r.stderr).toContain("--project DIR");
    const missing = join(empty, "nope");
    const r1 = await runCliAsync(["plan", missing], { cwd: empty, env: guideEnv });
    expect([r1.status, r1.stderr]).toEqual([
      1,
      expect.stringContaining(`The project folder "${missing}" does not exist`),
    ]);
    const noLock = tempDir("tspack-guide-nolock-");
    writeTree(noLock, { "pyproject.toml": pyprojectText("x", []) });
    const r2 = await runCliAsync(["export"], { cwd: noLock, env: guideEnv });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(`Unable to find lockfile at "${join(noLock, "uv.lock")}"`);
    expect(r2.stderr).toContain("uv lock");
  });
});
