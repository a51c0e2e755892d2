/**
 * `tspack build --layout image` end to end, with the built CLI: the demo project's wheels from the loopback
 * index, the stand-in Lambda base (Debian's CPython 3.13, test/helpers/lambda-base.ts) in a CNCF registry on
 * 127.0.0.1. /var/task in the image equals the dir layout's task/; the digest is the same from a cold and a
 * warm cache, in another timezone and umask; the pushed manifest is the local one; the handler runs in the
 * image (runc); bad input fails with a TSPACK_* code and leaves --out as it was.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeStandInBase, pushStandIn } from "../helpers/lambda-base.js";
import { type RunningRegistry, registryMissing, startRegistry } from "../helpers/registry.js";
import { readTar } from "../helpers/tar-read.js";
import {
  cleanupTemps,
  demoProject,
  listTree,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const missing = registryMissing() ?? (spawnSync("skopeo", ["--version"]).error ? "skopeo is not installed" : undefined);
const standIn = missing ? undefined : makeStandInBase();
const skip = missing ?? (standIn && "skip" in standIn ? standIn.skip : undefined);
if (skip) console.warn(`skipping the --layout image tests: ${skip}`);
const NO_RUNC =
  spawnSync("runc", ["--version"]).error || spawnSync("umoci", ["--version"]).error
    ? "runc or umoci is missing"
    : process.getuid?.() !== 0
      ? "runc needs root"
      : undefined;
if (NO_RUNC) console.warn(`skipping the run of the handler in the image: ${NO_RUNC}`);

let server: RunningIndexServer;
let registry: RunningRegistry;
let project = "";
let cache = "";
let common: string[] = [];
let baseRef = "";
const blob = (layout: string, d: string): Buffer => readFileSync(join(layout, "blobs", "sha256", d.slice(7)));
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));

async function buildImage(out: string, extra: string[] = [], opts: Parameters<typeof runCliAsync>[1] = {}) {
  const r = await runCliAsync(
    ["build", project, "--layout", "image", "--base", baseRef, "--out", out, "--json", ...common, ...extra],
    opts,
  );
  if (r.status !== 0) throw new Error(`tspack build failed (${r.status}): ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** /var/task of an image layout: the files of its last two layers (path → bytes, mode). */
function taskRootOf(layout: string): Map<string, { data: Buffer; mode: number }> {
  const top = json(join(layout, "index.json"));
  const manifest = JSON.parse(blob(layout, top.manifests[0].digest).toString());
  const files = new Map<string, { data: Buffer; mode: number }>();
  for (const l of manifest.layers.slice(-2)) {
    for (const e of readTar(gunzipSync(blob(layout, l.digest))).entries) {
      expect(e.name.startsWith("var/")).toBe(true);
      if (e.type === "0") files.set(e.name.slice("var/task/".length), { data: Buffer.from(e.data), mode: e.mode });
    }
  }
  return files;
}

describe.skipIf(skip !== undefined)("tspack build --layout image", () => {
  beforeAll(async () => {
    requireBuiltCli();
    registry = await startRegistry();
    pushStandIn((standIn as { layout: string }).layout, registry.host);
    baseRef = `${registry.host}/lambda/python:3.13`;
    const demo = demoProject();
    server = await startIndexServer({ files: serverFiles(demo.wheels) });
    project = tempDir("tspack-image-e2e-");
    writeTree(project, demo.files);
    cache = tempDir("tspack-image-e2e-cache-");
    common = ["--cache-dir", cache, "--mirror", mirrorArg(server.url)];
  });
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
    cleanupTemps();
  });

  it("writes one image manifest whose /var/task is the dir layout's task/, reported in build.json", async () => {
    const out = join(tempDir(), "img");
    const result = await buildImage(out);
    const layout = join(out, "image");
    const top = json(join(layout, "index.json"));
    expect(top.manifests).toHaveLength(1);
    expect(top.manifests[0].mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(result.image.digest).toBe(top.manifests[0].digest);
    expect(result.image.platform).toBe("linux/amd64");
    expect(result.image.base.name).toBe(baseRef);
    expect(json(join(out, "build.json")).image).toEqual(result.image);
    expect(result.artifacts.map((a: { kind: string }) => a.kind)).toEqual(["image"]);
    const config = JSON.parse(
      blob(layout, JSON.parse(blob(layout, result.image.digest).toString()).config.digest).toString(),
    );
    expect(config.config.Cmd).toEqual(["app.main.handler"]);
    // The dependencies, then the app.
    // the app's 4 files and their pycs (bytecode is on by default for images, as for the dir layout)
    expect(result.image.layers.app.files).toBe(8);
    const dirOut = join(tempDir(), "dir");
    const d = await runCliAsync(["build", project, "--layout", "dir", "--out", dirOut, "-q", ...common]);
    expect(d.status).toBe(0);
    const task = join(dirOut, "task");
    const files = taskRootOf(layout);
    const tree = listTree(task).filter((p) => statSync(join(task, p)).isFile());
    expect([...files.keys()].sort()).toEqual(tree.sort());
    expect(tree.some((p) => p.startsWith("app/__pycache__/main.cpython-313") && p.endsWith(".pyc"))).toBe(true);
    for (const p of tree) {
      expect(Buffer.compare(files.get(p)!.data, readFileSync(join(task, p)))).toBe(0);
      expect((files.get(p)!.mode & 0o111) !== 0).toBe((statSync(join(task, p)).mode & 0o111) !== 0);
    }
  });

  it("gives the same digest from a cold and a warm cache, in another timezone and umask; SOURCE_DATE_EPOCH sets created", async () => {
    const a = await buildImage(join(tempDir(), "a"));
    const warm = await buildImage(join(tempDir(), "b"), [], { env: { TZ: "Pacific/Kiritimati" }, umask: "077" });
    const coldCache = tempDir("tspack-image-e2e-cold-");
    const cold = await runCliAsync(
      [
        "build",
        project,
        "--layout",
        "image",
        "--base",
        baseRef,
        "--out",
        join(tempDir(), "c"),
        "--json",
        "--cache-dir",
        coldCache,
        "--mirror",
        mirrorArg(server.url),
      ],
      { env: { TZ: "America/St_Johns" }, umask: "027" },
    );
    expect(cold.status).toBe(0);
    expect([warm.image.digest, JSON.parse(cold.stdout).image.digest]).toEqual([a.image.digest, a.image.digest]);
    const sdeOut = join(tempDir(), "d");
    const sde = await buildImage(sdeOut, [], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    expect(sde.image.digest).not.toBe(a.image.digest);
    const layout = join(sdeOut, "image");
    const manifest = JSON.parse(blob(layout, sde.image.digest).toString());
    expect(JSON.parse(blob(layout, manifest.config.digest).toString()).created).toBe("2023-11-14T22:13:20Z");
    for (const e of readTar(gunzipSync(blob(layout, manifest.layers.at(-1).digest))).entries)
      expect(e.mtime).toBe(1700000000);
  });

  it("pushes the exact manifest and prints REF@digest; --offline works from the cached base", async () => {
    const out = join(tempDir(), "push");
    const r = await runCliAsync([
      "build",
      project,
      "--layout",
      "image",
      "--base",
      baseRef,
      "--out",
      out,
      "--push",
      `${registry.host}/demo/fn:v1`,
      ...common,
    ]);
    expect(r.status).toBe(0);
    const built = json(join(out, "build.json"));
    expect(r.stdout).toContain(`Pushed ${registry.host}/demo/fn@${built.image.digest}`);
    expect(built.image.pushed).toEqual([`${registry.host}/demo/fn@${built.image.digest}`]);
    const raw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry.host}/demo/fn:v1`,
    ]);
    expect(Buffer.compare(raw, blob(join(out, "image"), built.image.digest))).toBe(0);
    // --registry-password-stdin reads the piped password (this registry asks for none); an empty one is refused
    const piped = await buildImage(
      join(tempDir(), "piped"),
      ["--push", `${registry.host}/demo/fn:v2`, "--registry-username", "u", "--registry-password-stdin"],
      { input: "pw\n" },
    );
    expect(piped.image.pushed).toEqual([`${registry.host}/demo/fn@${built.image.digest}`]);
    const empty = await runCliAsync(
      [
        "build",
        project,
        "--layout",
        "image",
        "--base",
        baseRef,
        "--out",
        join(tempDir(), "e"),
        "--push",
        `${registry.host}/demo/fn:v3`,
        "--registry-username",
        "u",
        "--registry-password-stdin",
        ...common,
      ],
      { input: "" },
    );
    expect([empty.status, empty.stderr]).toEqual([
      2,
      expect.stringContaining("--registry-password-stdin read an empty password"),
    ]);
    const offline = await buildImage(join(tempDir(), "off"), ["--offline"]);
    expect(offline.image.digest).toBe(built.image.digest);
  });

  it('takes layout = "image" and base from [tool.tspack]', async () => {
    const configured = tempDir("tspack-image-e2e-cfg-");
    const demo = demoProject();
    const pyproject = String(demo.files["pyproject.toml"]).replace(
      "[tool.tspack]\n",
      `[tool.tspack]\nlayout = "image"\nbase = "${baseRef}"\n`,
    );
    writeTree(configured, { ...demo.files, "pyproject.toml": pyproject });
    const r = await runCliAsync(["build", configured, "--out", join(tempDir(), "cfg"), "--json", ...common]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.layout, result.image.base.name]).toEqual(["image", baseRef]);
  });

  it.skipIf(NO_RUNC !== undefined)(
    "runs the handler inside the image",
    async () => {
      const out = join(tempDir(), "run");
      await buildImage(out);
      const bundle = join(tempDir(), "bundle");
      execFileSync("umoci", ["unpack", "--image", `${join(out, "image")}:latest`, bundle], { stdio: "ignore" });
      const cfg = json(join(bundle, "config.json"));
      cfg.process.terminal = false;
      writeFileSync(join(bundle, "config.json"), JSON.stringify(cfg));
      const id = `tspack-e2e-${process.pid}`;
      const run = spawnSync("runc", ["run", "--bundle", bundle, id], { encoding: "utf8", timeout: 60_000 });
      spawnSync("runc", ["delete", "--force", id]);
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout.trim())).toEqual({ statusCode: 200, body: 42 });
    },
    90_000,
  );

  it("fails clearly on bad input and leaves --out as it was", async () => {
    const out = join(tempDir(), "keep");
    const first = await buildImage(out);
    const before = createHash("sha256")
      .update(readFileSync(join(out, "build.json")))
      .digest("hex");
    const wrongArch = await runCliAsync([
      "build",
      project,
      "--layout",
      "image",
      "--arch",
      "arm64",
      "--base",
      `${registry.host}/lambda/python:amd-only`,
      "--out",
      out,
      "--json",
      ...common,
    ]);
    expect(wrongArch.status).toBe(1);
    expect(JSON.parse(wrongArch.stdout).error.code).toBe("TSPACK_IMAGE_INVALID");
    const unreachable = await runCliAsync(
      [
        "build",
        project,
        "--layout",
        "image",
        "--base",
        "127.0.0.1:9/lambda/python:3.13",
        "--out",
        out,
        "--json",
        ...common,
      ],
      { env: { UV_HTTP_RETRIES: "0" } },
    );
    expect(unreachable.status).toBe(1);
    expect(JSON.parse(unreachable.stdout).error.code).toBe("TSPACK_NETWORK");
    const usage = await runCliAsync([
      "build",
      project,
      "--layout",
      "image",
      "--registry-username",
      "AWS",
      "--out",
      out,
      ...common,
    ]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--registry-username and --registry-password-stdin go together");
    const pushDir = await runCliAsync([
      "build",
      project,
      "--layout",
      "dir",
      "--push",
      `${registry.host}/x:y`,
      "--out",
      out,
      ...common,
    ]);
    expect(pushDir.status).toBe(2);
    expect(
      createHash("sha256")
        .update(readFileSync(join(out, "build.json")))
        .digest("hex"),
    ).toBe(before);
    expect(json(join(out, "build.json")).image.digest).toBe(first.image.digest);
    // tspack's previous image output is replaced by the next build
    expect((await buildImage(out)).image.digest).toBe(first.image.digest);
  });
});
