import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { isTspackError } from "@tspack/errors";
import {
  baseWarnings,
  checkConfigPlatform,
  composeImage,
  credentialsInAuthFile,
  gzipChunks,
  type ImageConfig,
  type ImageManifest,
  isLoopbackHost,
  MEDIA_TYPES,
  PAX_HEADER_NAME,
  parseChallenges,
  parseImageReference,
  parseManifest,
  registryOrigin,
  selectPlatform,
  writeTar,
} from "@tspack/image";
import { describe, expect, it } from "vitest";
import { readTar } from "../../../test/helpers/tar-read.js";

const enc = new TextEncoder();
const concat = (c: Uint8Array[]): Uint8Array => Buffer.concat(c);
const digest = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("writeTar", () => {
  const files = [
    { path: "app.py", mode: 0o600, data: enc.encode("def handler(e, c):\n    return 1\n") },
    { path: "pkg/bin/tool", mode: 0o700, data: enc.encode("#!/bin/sh\n") },
    { path: `pkg/${"long-name-".repeat(12)}.py`, mode: 0o644, data: enc.encode("x = 1\n") },
    { path: "pkg/ünïcode.py", mode: 0o664, data: new Uint8Array(0) },
    { path: "pkg-a.py", mode: 0o644, data: enc.encode("a") },
  ];
  const tar = writeTar(files, { root: "var/task", mtime: 315532800 });
  const bytes = concat(tar.chunks);
  const { entries, endBlocks } = readTar(bytes);

  it("writes parents, sorted, with fixed modes, owners and time", () => {
    expect(entries.map((e) => e.name)).toEqual(
      [
        "var/",
        "var/task/",
        "var/task/app.py",
        "var/task/pkg/",
        `var/task/pkg/${"long-name-".repeat(12)}.py`,
        "var/task/pkg/bin/",
        "var/task/pkg/bin/tool",
        "var/task/pkg/ünïcode.py",
        "var/task/pkg-a.py",
      ].sort((a, b) => Buffer.compare(Buffer.from(a.replace(/\/$/, "")), Buffer.from(b.replace(/\/$/, "")))),
    );
    for (const e of entries) {
      expect([e.uid, e.gid, e.uname, e.gname, e.mtime]).toEqual([0, 0, "", "", 315532800]);
      if (e.type === "5") expect(e.mode).toBe(0o755);
    }
    const mode = (n: string) => entries.find((e) => e.name.endsWith(n))!.mode;
    expect([mode("app.py"), mode("tool"), mode("ünïcode.py")]).toEqual([0o644, 0o755, 0o644]);
    expect(endBlocks).toBe(2);
    expect(tar.size).toBe(bytes.length);
  });

  it("writes PAX paths with a fixed header name for long and non-ASCII names", () => {
    const paxed = entries.filter((e) => e.pax);
    expect(paxed.map((e) => e.name).sort()).toEqual([
      `var/task/pkg/${"long-name-".repeat(12)}.py`,
      "var/task/pkg/ünïcode.py",
    ]);
    for (const e of paxed) expect(e.pax!.headerName).toBe(PAX_HEADER_NAME);
  });

  it("is read back by GNU tar / Python's tarfile", () => {
    const dir = mkdtempSync(join(tmpdir(), "tspack-tar-"));
    try {
      writeFileSync(join(dir, "l.tar"), bytes);
      const listing = execFileSync("tar", ["-tf", join(dir, "l.tar")], { encoding: "utf8" });
      expect(listing).toContain("var/task/pkg/ünïcode.py");
      expect(listing).toContain(`var/task/pkg/${"long-name-".repeat(12)}.py`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses unsafe and duplicate paths", () => {
    for (const path of ["../x", "/abs", "a//b", "a/./b"]) {
      expect(() => writeTar([{ path, mode: 0o644, data: new Uint8Array() }], { root: "var/task", mtime: 0 })).toThrow(
        /plain relative path/,
      );
    }
    expect(() =>
      writeTar(
        [
          { path: "a", mode: 0o644, data: new Uint8Array() },
          { path: "a/b", mode: 0o644, data: new Uint8Array() },
        ],
        { root: "", mtime: 0 },
      ),
    ).toThrow(/twice|file and a folder/);
  });
});

describe("gzipChunks", () => {
  // 300 KB of mixed bytes, fed in different chunkings: one output.
  const data = new Uint8Array(300_000);
  let x = 7;
  for (let i = 0; i < data.length; i++) data[i] = i % 3 === 0 ? (x = (x * 1103515245 + 12345) & 0xff) : i & 0x3f;
  const one = concat(gzipChunks([data]));

  it("gives the same bytes however the input is cut, and gunzips to the input", () => {
    const cuts = [1, 1000, 65_535, 65_537, 200_000].map((n) => {
      const chunks: Uint8Array[] = [];
      for (let o = 0; o < data.length; o += n) chunks.push(data.subarray(o, o + n));
      return concat(gzipChunks(chunks));
    });
    for (const c of cuts) expect(Buffer.compare(c, one)).toBe(0);
    expect(Buffer.compare(gunzipSync(one), data)).toBe(0);
  });

  it("writes a header with MTIME 0 and no name", () => {
    expect([...one.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  });
});

const layer = (n: number) => ({
  mediaType: MEDIA_TYPES.ociLayerGzip,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 10 * n,
  annotations: { keep: "me" },
});
const baseManifest: ImageManifest = {
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.ociManifest,
  config: { mediaType: MEDIA_TYPES.ociConfig, digest: `sha256:${"c".repeat(64)}`, size: 100 },
  layers: [layer(1), layer(2)],
};
const baseConfig: ImageConfig = {
  created: "2026-11-30T10:00:00Z",
  architecture: "amd64",
  os: "linux",
  config: { Env: ["LAMBDA_TASK_ROOT=/var/task"], WorkingDir: "/var/task", Entrypoint: ["/lambda-entrypoint.sh"] },
  rootfs: { type: "layers", diff_ids: [`sha256:${"a".repeat(64)}`, `sha256:${"b".repeat(64)}`] },
  history: [{ created_by: "base 1" }, { created_by: "base 2" }],
};
const newLayers = [
  { digest: `sha256:${"d".repeat(64)}`, size: 5, diffId: `sha256:${"e".repeat(64)}`, createdBy: "deps" },
  { digest: `sha256:${"f".repeat(64)}`, size: 6, diffId: `sha256:${"9".repeat(64)}`, createdBy: "app" },
];

describe("composeImage", () => {
  const compose = (over: Partial<Parameters<typeof composeImage>[0]> = {}) =>
    composeImage({
      baseManifest,
      family: "oci",
      baseConfig,
      layers: newLayers,
      cmd: ["app.handler"],
      baseName: "b:1",
      baseDigest: `sha256:${"1".repeat(64)}`,
      digest,
      ...over,
    });

  it("keeps the base's layers and history, appends two layers, sets Cmd, keeps Entrypoint/Env/WorkingDir", () => {
    const out = compose();
    const m = JSON.parse(Buffer.from(out.manifest).toString());
    const c = JSON.parse(Buffer.from(out.config).toString());
    expect(m.layers.slice(0, 2)).toEqual(baseManifest.layers);
    expect(m.layers.slice(2).map((l: { mediaType: string }) => l.mediaType)).toEqual([
      MEDIA_TYPES.ociLayerGzip,
      MEDIA_TYPES.ociLayerGzip,
    ]);
    expect(m.config).toEqual({ mediaType: MEDIA_TYPES.ociConfig, digest: digest(out.config), size: out.config.length });
    expect(m.annotations["org.opencontainers.image.base.name"]).toBe("b:1");
    expect(c.rootfs.diff_ids).toEqual([...baseConfig.rootfs.diff_ids, ...newLayers.map((l) => l.diffId)]);
    expect(c.history.map((h: { created_by: string }) => h.created_by)).toEqual(["base 1", "base 2", "deps", "app"]);
    expect(c.config).toEqual({ ...baseConfig.config, Cmd: ["app.handler"] });
    expect(c.created).toBe(baseConfig.created);
    expect(out.manifestDescriptor.digest).toBe(digest(out.manifest));
  });

  it("takes created from SOURCE_DATE_EPOCH, and Docker's layer type for a Docker base", () => {
    const out = compose({ created: "1980-01-01T00:00:00Z", family: "docker" });
    const m = JSON.parse(Buffer.from(out.manifest).toString());
    expect(m.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(m.layers[2].mediaType).toBe(MEDIA_TYPES.dockerLayerGzip);
    expect(m.annotations).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.config).toString()).created).toBe("1980-01-01T00:00:00Z");
  });

  it("is a function of its inputs", () => {
    expect(Buffer.compare(compose().manifest, compose().manifest)).toBe(0);
  });

  it("warns about a base that is not a Lambda image", () => {
    expect(baseWarnings(baseConfig, '"b"')).toEqual([]);
    const w = baseWarnings({ ...baseConfig, config: { WorkingDir: "/" } }, '"debian:13"');
    expect(w.join("\n")).toMatch(/WorkingDir is "\/", not \/var\/task/);
    expect(w.join("\n")).toMatch(/no ENTRYPOINT/);
  });
});

describe("platforms", () => {
  const index = {
    schemaVersion: 2 as const,
    manifests: [
      {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: `sha256:${"1".repeat(64)}`,
        size: 1,
        platform: { os: "linux", architecture: "amd64" },
      },
      {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: `sha256:${"2".repeat(64)}`,
        size: 1,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: `sha256:${"3".repeat(64)}`,
        size: 1,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: { "vnd.docker.reference.type": "attestation-manifest" },
      },
    ],
  };
  it("picks x86_64 → amd64 and aarch64 → arm64", () => {
    expect(selectPlatform(index, "x86_64", "b").digest).toBe(`sha256:${"1".repeat(64)}`);
    expect(selectPlatform(index, "aarch64", "b").digest).toBe(`sha256:${"2".repeat(64)}`);
  });
  it("names what an index has when the target is missing", () => {
    const only = { ...index, manifests: [index.manifests[0]!, index.manifests[2]!] };
    try {
      selectPlatform(only, "aarch64", '"b:1"');
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_IMAGE_INVALID")).toBe(true);
      expect((e as Error).message).toBe('The base image "b:1" has no manifest for linux/arm64: it has linux/amd64');
    }
  });
  it("names both architectures for a single manifest of another one", () => {
    expect(() => checkConfigPlatform({ ...baseConfig, architecture: "arm64" }, "x86_64", '"b"')).toThrow(
      'The base image "b" is for linux/arm64, not the target\'s linux/amd64',
    );
  });
  it("parses an index and a manifest by media type and shape", () => {
    expect(parseManifest(enc.encode(JSON.stringify(index)), undefined, "b").kind).toBe("index");
    const p = parseManifest(
      enc.encode(JSON.stringify({ ...baseManifest, mediaType: MEDIA_TYPES.dockerManifest })),
      undefined,
      "b",
    );
    expect(p.kind === "manifest" && p.family).toBe("docker");
    expect(() => parseManifest(enc.encode('{"schemaVersion":1}'), undefined, '"old"')).toThrow(/schemaVersion 1/);
  });
});

describe("references", () => {
  it("parses registry references with Docker's defaults", () => {
    expect(parseImageReference("public.ecr.aws/lambda/python:3.13", "--base")).toMatchObject({
      registry: "public.ecr.aws",
      repository: "lambda/python",
      tag: "3.13",
    });
    expect(parseImageReference("python", "--base")).toMatchObject({
      registry: "docker.io",
      repository: "library/python",
    });
    const d = `sha256:${"a".repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/x/y:t@${d}`, "--base")).toMatchObject({
      registry: "127.0.0.1:5000",
      repository: "x/y",
      tag: "t",
      digest: d,
    });
    expect(parseImageReference("oci:some/dir:tag", "--base")).toMatchObject({
      kind: "oci-layout",
      path: "some/dir",
      tag: "tag",
    });
    expect(parseImageReference("oci-layout:dir", "--base")).toMatchObject({ kind: "oci-layout", path: "dir" });
  });
  it("refuses bad ones", () => {
    for (const bad of ["https://x/y", "X/Upper:1", "a@sha256:12", "oci:"])
      expect(() => parseImageReference(bad, "--base")).toThrow(/not an image reference/);
    expect(() => parseImageReference("oci:dir", "--push", { layout: false })).toThrow(/cannot be pushed to/);
  });
  it("uses plain http only for loopback hosts", () => {
    expect(["localhost:5000", "127.0.0.1:1", "[::1]:5000"].every(isLoopbackHost)).toBe(true);
    expect(["10.0.0.1:5000", "localhost.example.com", "127.0.0.1.nip.io"].some(isLoopbackHost)).toBe(false);
    expect(registryOrigin("docker.io")).toBe("https://registry-1.docker.io");
    expect(registryOrigin("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
  });
});

describe("auth data", () => {
  it("parses challenges", () => {
    expect(
      parseChallenges('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"'),
    ).toEqual([
      {
        scheme: "bearer",
        params: { realm: "https://auth.example/token", service: "reg", scope: "repository:a/b:pull" },
      },
    ]);
    expect(parseChallenges('Basic realm="Registry Realm"')).toEqual([
      { scheme: "basic", params: { realm: "Registry Realm" } },
    ]);
  });
  it("finds credentials in auth files (credHelpers, auths, credsStore)", () => {
    const auth = Buffer.from("user:pa:ss").toString("base64");
    expect(credentialsInAuthFile({ auths: { "https://index.docker.io/v1/": { auth } } }, "docker.io", "f")).toEqual({
      kind: "basic",
      username: "user",
      password: "pa:ss",
      source: "f",
    });
    expect(
      credentialsInAuthFile(
        { auths: { "r.example": { auth } }, credHelpers: { "r.example": "ecr-login" } },
        "r.example",
        "f",
      ),
    ).toEqual({ kind: "helper", helper: "ecr-login", source: "f" });
    expect(credentialsInAuthFile({ auths: { "r.example": {} }, credsStore: "pass" }, "r.example", "f")).toEqual({
      kind: "helper",
      helper: "pass",
      source: "f",
    });
    expect(credentialsInAuthFile({ auths: { "other.example": { auth } } }, "r.example", "f")).toBeUndefined();
  });
});
