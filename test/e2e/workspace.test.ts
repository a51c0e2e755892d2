/**
 * A uv workspace like examples/workspace: a virtual root app and a `library` member (uv_build, src
 * layout) that tspack builds natively. The function zip must make both `library` and `app` importable.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeWheel } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  lockText,
  mirrorArg,
  NO_PYTHON,
  NO_UNZIP,
  pythonZipInfo,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  unzipTest,
  writeTree,
  zipNames,
} from "./helpers/project.js";

const sniffio = makeWheel({
  name: "sniffio",
  version: "1.3.1",
  files: {
    "sniffio/__init__.py":
      "class AsyncLibraryNotFoundError(RuntimeError):\n    pass\n\n\ndef current_async_library():\n    raise AsyncLibraryNotFoundError('none')\n",
  },
});
const idna = makeWheel({ name: "idna", version: "3.10", files: { "idna/__init__.py": "" } });
const anyio = makeWheel({
  name: "anyio",
  version: "4.7.0",
  files: { "anyio/__init__.py": "import idna, sniffio\n\n\ndef run(f, *args):\n    return 'ran'\n" },
});

const files: Record<string, string> = {
  "pyproject.toml": `[project]
name = "uv-aws-lambda-workspace"
version = "0.1.0"
requires-python = ">=3.13"
dependencies = ["anyio", "library"]

[tool.uv.sources]
library = { workspace = true }

[tool.uv.workspace]
members = ["library"]

[tool.tspack]
runtime = "python3.13"
handler = "app.main.handler"
`,
  "app/__init__.py": "",
  "app/main.py":
    "import anyio\nfrom library import greet\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': greet(event.get('name', 'world'))}\n",
  "library/pyproject.toml": `[project]
name = "library"
version = "0.1.0"
requires-python = ">=3.13"
dependencies = ["sniffio"]

[build-system]
requires = ["uv_build>=0.8.4,<0.9.0"]
build-backend = "uv_build"
`,
  "library/src/library/__init__.py":
    'import sniffio\n\n\ndef greet(name):\n    try:\n        flavour = sniffio.current_async_library()\n    except sniffio.AsyncLibraryNotFoundError:\n        flavour = "sync"\n    return f"Hello {name} from library ({flavour})!"\n',
  "library/src/library/py.typed": "",
  "library/tests/test_library.py": "def test():\n    pass\n",
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
let zipPath: string;

beforeAll(async () => {
  requireBuiltCli();
  server = await startIndexServer({ files: serverFiles([sniffio, idna, anyio]) });
  const dir = tempDir("tspack-ws-");
  writeTree(dir, files);
  const r = await runCliAsync([
    "build",
    dir,
    "--cache-dir",
    tempDir("tspack-ws-cache-"),
    "--mirror",
    mirrorArg(server.url),
    "-q",
  ]);
  expect([r.status, r.stderr]).toEqual([0, ""]);
  zipPath = join(dir, "dist", "lambda", "function.zip");
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("workspace: virtual root + natively built `library` member", () => {
  it("the zip holds the member as an installed (non-editable) package next to the registry deps and app/", () => {
    const names = zipNames(zipPath);
    expect(names.filter((n) => n.startsWith("library"))).toEqual([
      "library-0.1.0.dist-info/METADATA",
      "library-0.1.0.dist-info/RECORD",
      "library-0.1.0.dist-info/WHEEL",
      "library/__init__.py",
      "library/py.typed",
    ]);
    expect(names).toEqual(expect.arrayContaining(["anyio/__init__.py", "idna/__init__.py", "sniffio/__init__.py"]));
    expect(names.filter((n) => n.startsWith("app/"))).toEqual(["app/__init__.py", "app/main.py"]);
    // No editable hooks, no member sources outside the package, no tests.
    expect(names.filter((n) => n.endsWith(".pth") || n.includes("tests/") || n.startsWith("src/"))).toEqual([]);
  });

  it.skipIf(NO_PYTHON !== undefined || NO_UNZIP !== undefined)(
    `python3 imports library and app from the unzipped function${NO_PYTHON || NO_UNZIP ? ` — skipped: ${NO_PYTHON ?? NO_UNZIP}` : ""}`,
    () => {
      const dest = tempDir("tspack-ws-unzipped-");
      const u = spawnSync("unzip", ["-q", zipPath, "-d", dest], { encoding: "utf8" });
      expect(u.status, u.stderr).toBe(0);
      const r = spawnSync(
        "python3",
        [
          "-s",
          "-c",
          "import library, app, app.main, sniffio\nprint(library.__file__)\nprint(sniffio.__file__)\nprint(app.main.handler({'name': 'e2e'}, None)['body'])",
        ],
        {
          encoding: "utf8",
          cwd: tempDir("tspack-ws-cwd-"),
          env: { ...process.env, PYTHONPATH: dest, PYTHONDONTWRITEBYTECODE: "1" },
        },
      );
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(
        `${join(dest, "library", "__init__.py")}\n${join(dest, "sniffio", "__init__.py")}\nHello e2e from library (sync)!\n`,
      );
    },
  );

  it.skipIf(NO_UNZIP !== undefined || NO_PYTHON !== undefined)("the zip passes unzip -t and zipfile.testzip()", () => {
    expect(unzipTest(zipPath).ok).toBe(true);
    expect(pythonZipInfo(zipPath).bad).toBeNull();
  });
});

describe("workspace with --layout layer", () => {
  it("puts third-party wheels in layer.zip and the member + app code in function.zip", async () => {
    const dir = tempDir("tspack-ws-layer-");
    writeTree(dir, files);
    const r = await runCliAsync([
      "build",
      dir,
      "--layout",
      "layer",
      "--cache-dir",
      tempDir("tspack-ws-layer-cache-"),
      "--mirror",
      mirrorArg(server.url),
      "-q",
    ]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const layer = zipNames(join(dir, "dist", "lambda", "layer.zip"));
    const fn = zipNames(join(dir, "dist", "lambda", "function.zip"));
    expect(layer.every((n) => n.startsWith("python/lib/python3.13/site-packages/"))).toBe(true);
    expect(layer.some((n) => n.includes("/library"))).toBe(false);
    expect(layer).toEqual(expect.arrayContaining(["python/lib/python3.13/site-packages/anyio/__init__.py"]));
    expect(fn).toEqual([
      "app/__init__.py",
      "app/main.py",
      "library-0.1.0.dist-info/METADATA",
      "library-0.1.0.dist-info/RECORD",
      "library-0.1.0.dist-info/WHEEL",
      "library/__init__.py",
      "library/py.typed",
    ]);
  });
});
