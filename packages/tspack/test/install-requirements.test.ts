/**
 * install -r takes everything `uv export` writes and uv's index options: --index (named, with
 * UV_INDEX_<NAME>_* credentials), the default index (UV_INDEX_URL), --find-links (a folder, an HTML page
 * of links), `-e`/local paths built natively like workspace members. Two loopback indexes, one private.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../../../test/helpers/index-server.js";
import { type MadeWheel, makeWheel } from "../../../test/helpers/make-wheel.js";
import { install } from "../src/install.js";
import { removeTemps, tempDir, writeFiles } from "./fixtures/local-project.js";

const corp = makeWheel({ name: "corp-lib", version: "1.0", files: { "corp_lib/__init__.py": "SECRET = 1\n" } });
const idna = makeWheel({ name: "idna", version: "3.10", files: { "idna/__init__.py": "" } });
const linked = makeWheel({ name: "linked", version: "2.0", files: { "linked/__init__.py": "" } });
const folder = makeWheel({ name: "from-folder", version: "0.5", files: { "from_folder/__init__.py": "" } });

let priv: RunningIndexServer;
let pub: RunningIndexServer;
const AUTH = { username: "ci", password: "s3cret" };

beforeAll(async () => {
  priv = await startIndexServer({ files: { [`/files/${corp.filename}`]: corp.bytes }, auth: AUTH });
  pub = await startIndexServer({
    files: {
      [`/files/${idna.filename}`]: idna.bytes,
      [`/dl/${linked.filename}`]: linked.bytes,
      "/links.html": new TextEncoder().encode(
        `<html><body><a href="dl/${linked.filename}">${linked.filename}</a></body></html>`,
      ),
    },
  });
});
afterAll(async () => {
  await priv?.close();
  await pub?.close();
  removeTemps();
});

const pin = (w: MadeWheel, name: string, version: string): string =>
  `${name}==${version} \\\n    --hash=sha256:${w.sha256}\n`;

describe("install -r: uv's indexes, --find-links and local paths", () => {
  it("installs from a named private index, the default index, a links page, a wheel folder and an -e member", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      [`wheels/${folder.filename}`]: folder.bytes,
      "member/pyproject.toml":
        '[project]\nname = "member"\nversion = "0.3.0"\nrequires-python = ">=3.13"\n\n[build-system]\nrequires = ["uv_build>=0.8,<0.9"]\nbuild-backend = "uv_build"\n',
      "member/src/member/__init__.py": "VALUE = 3\n",
      "requirements.txt": [
        `--find-links ${pub.url}/links.html`,
        "",
        "-e ./member",
        pin(corp, "corp-lib", "1.0"),
        pin(idna, "idna", "3.10"),
        pin(linked, "linked", "2.0"),
        pin(folder, "from-folder", "0.5"),
        "skipped==9.9 ; sys_platform == 'win32'",
      ].join("\n"),
    });
    const cwd = process.cwd();
    process.chdir(dir); // relative paths in the file are relative to the current folder, as uv reads them
    try {
      await install({
        requirementsFile: "requirements.txt",
        dest: join(dir, "t"),
        cacheDir: join(dir, "cache"),
        indexes: [{ name: "corp", url: `${priv.url}/simple` }],
        findLinks: [join(dir, "wheels")],
        env: {
          UV_INDEX_URL: `${pub.url}/simple`,
          UV_INDEX_CORP_USERNAME: AUTH.username,
          UV_INDEX_CORP_PASSWORD: AUTH.password,
        },
        installerMetadata: false,
      });
    } finally {
      process.chdir(cwd);
    }
    const top = readdirSync(join(dir, "t")).sort();
    expect(top).toEqual(
      expect.arrayContaining(["corp_lib", "from_folder", "idna", "linked", "member", "member-0.3.0.dist-info"]),
    );
    expect(readFileSync(join(dir, "t", "member", "__init__.py"), "utf8")).toBe("VALUE = 3\n");
    // idna is not on the private index (404): the next one, the default index, has it.
    expect(priv.count("/simple/idna/")).toBe(1);
    expect(pub.count("/simple/idna/")).toBe(1);
    // The private index's credentials went to the private index only.
    const auth = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString("base64")}`;
    expect(priv.log.every((r) => r.headers.authorization === auth)).toBe(true);
    expect(pub.log.some((r) => r.headers.authorization !== undefined)).toBe(false);
    // --find-links wheels need no index look-up.
    expect(pub.count("/simple/linked/") + pub.count("/simple/from-folder/")).toBe(0);
    expect(existsSync(join(dir, "t", "skipped"))).toBe(false);
  });

  it("pyproject.toml's [[tool.uv.index]] of the current folder is searched, with its credentials (as uv pip reads it)", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "pyproject.toml": `[project]\nname = "app"\nversion = "0.1.0"\n\n[[tool.uv.index]]\nname = "corp"\nurl = "${priv.url}/simple"\n`,
      "requirements.txt": pin(corp, "corp-lib", "1.0"),
    });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await install({
        requirementsFile: "requirements.txt",
        dest: join(dir, "t"),
        cacheDir: join(dir, "cache"),
        env: { UV_INDEX_CORP_USERNAME: AUTH.username, UV_INDEX_CORP_PASSWORD: AUTH.password },
      });
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, "t", "corp_lib", "__init__.py"))).toBe(true);
  });

  it("--no-index: only --find-links; a package found nowhere names where it looked", async () => {
    const dir = tempDir();
    writeFiles(dir, { [`wheels/${folder.filename}`]: folder.bytes, "requirements.txt": pin(idna, "idna", "3.10") });
    const before = pub.totalRequests();
    await expect(
      install({
        requirementsFile: join(dir, "requirements.txt"),
        dest: join(dir, "t"),
        cacheDir: join(dir, "cache"),
        noIndex: true,
        findLinks: [join(dir, "wheels")],
        env: { UV_INDEX_URL: `${pub.url}/simple` },
      }),
    ).rejects.toMatchObject({
      code: "TSPACK_NO_COMPATIBLE_WHEEL",
      message: expect.stringContaining("no wheels on --find-links"),
    });
    expect(pub.totalRequests()).toBe(before);
  });

  it("a local wheel whose hash is not the file's is refused; a source archive is refused (never built)", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      [`dist/${folder.filename}`]: folder.bytes,
      "dist/x-1.0.tar.gz": "not a wheel",
      "a.txt": `./dist/${folder.filename} --hash=sha256:${"0".repeat(64)}\n`,
      "b.txt": `${join(dir, "dist", "x-1.0.tar.gz")}\n`,
    });
    const base = { dest: join(dir, "t"), cacheDir: join(dir, "cache"), env: {} };
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(install({ ...base, requirementsFile: "a.txt" })).rejects.toMatchObject({
        code: "TSPACK_INTEGRITY_MISMATCH",
      });
      await expect(install({ ...base, requirementsFile: "b.txt" })).rejects.toMatchObject({
        code: "TSPACK_BUILD_UNSUPPORTED",
      });
    } finally {
      process.chdir(cwd);
    }
  });
});
