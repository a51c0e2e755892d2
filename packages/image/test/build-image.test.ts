// @tspack/image against real components: the CNCF registry (docker-registry) on 127.0.0.1, a stand-in Lambda
// base made from Debian's CPython 3.13 (test/helpers/lambda-base.ts), skopeo and umoci to read what tspack
// wrote, runc to run the handler inside the image; an auth proxy in front of the registry for the Basic and
// Bearer flows and the failures.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTspackError } from "@tspack/errors";
import { type BuildImageInput, buildImage, type ImageEvent, type MemoStore } from "@tspack/image";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStandInBase, pushStandIn } from "../../../test/helpers/lambda-base.js";
import { type RunningRegistry, registryMissing, startRegistry } from "../../../test/helpers/registry.js";

const enc = new TextEncoder();
const missing = registryMissing() ?? (spawnSync("skopeo", ["--version"]).error ? "skopeo is not installed" : undefined);
const base = missing ? undefined : makeStandInBase();
const skip = missing ?? (base && "skip" in base ? base.skip : undefined);
if (skip) console.warn(`skipping the image tests: ${skip}`);

const temps: string[] = [];
const temp = (p = "tspack-image-"): string => {
  const d = mkdtempSync(join(tmpdir(), p));
  temps.push(d);
  return d;
};
const memoStore = (): MemoStore & { map: Map<string, Uint8Array> } => {
  const map = new Map<string, Uint8Array>();
  return {
    map,
    get: async (k, key) => map.get(`${k}/${key}`),
    put: async (k, key, b) => void map.set(`${k}/${key}`, b),
  };
};
const deps = [
  { path: "mylib/__init__.py", mode: 0o644, data: enc.encode("VALUE = 42\n") },
  { path: "mylib-1.0.dist-info/RECORD", mode: 0o644, data: enc.encode("mylib/__init__.py,,\n") },
  { path: "bin/tool", mode: 0o755, data: enc.encode("#!/var/lang/bin/python3\n") },
];
const app = [
  {
    path: "app.py",
    mode: 0o644,
    data: enc.encode(
      "import mylib\n\ndef handler(event, context):\n    return {'value': mylib.VALUE, 'event': event}\n",
    ),
  },
];

let registry: RunningRegistry | undefined;
const layoutDir = (): string => join(temp(), "image");
const sha = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const blob = (layout: string, d: string): Buffer => readFileSync(join(layout, "blobs", "sha256", d.slice(7)));
const skopeo = (...args: string[]): string => execFileSync("skopeo", args, { encoding: "utf8" });

function input(over: Partial<BuildImageInput> = {}): BuildImageInput {
  return {
    base: `${registry!.host}/lambda/python:3.13`,
    arch: "x86_64",
    deps,
    app,
    handler: "app.handler",
    mtime: 315532800,
    layoutDir: layoutDir(),
    cacheDir: temp("tspack-image-cache-"),
    env: {},
    retry: { retries: 1, minDelayMs: 10, maxDelayMs: 20 },
    ...over,
  };
}

describe.skipIf(skip !== undefined)("buildImage", () => {
  beforeAll(async () => {
    registry = await startRegistry();
    pushStandIn((base as { layout: string }).layout, registry.host);
  });
  afterAll(async () => {
    await registry?.stop();
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("takes the target's manifest from an index base, keeps its layers byte for byte, adds two layers", async () => {
    const events: ImageEvent[] = [];
    const i = input({ onEvent: (e) => events.push(e) });
    const r = await buildImage(i);
    const top = readJson(join(i.layoutDir, "index.json"));
    expect(top.manifests).toHaveLength(1);
    expect(top.manifests[0].mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(top.manifests[0].digest).toBe(r.digest);
    const manifest = JSON.parse(blob(i.layoutDir, r.digest).toString());
    // The base's amd64 manifest, as the registry has it.
    const baseIndexRaw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry!.host}/lambda/python:3.13`,
    ]);
    const baseIndex = JSON.parse(baseIndexRaw.toString());
    const amd = baseIndex.manifests.find(
      (m: { platform: { architecture: string } }) => m.platform.architecture === "amd64",
    );
    const baseManifest = JSON.parse(
      skopeo("inspect", "--raw", "--tls-verify=false", `docker://${registry!.host}/lambda/python@${amd.digest}`),
    );
    expect(r.base).toEqual({ name: i.base, digest: amd.digest, indexDigest: sha(baseIndexRaw) });
    expect(r.platform).toBe("linux/amd64");
    expect(manifest.layers.slice(0, baseManifest.layers.length)).toEqual(baseManifest.layers);
    expect(manifest.layers).toHaveLength(baseManifest.layers.length + 2);
    for (const l of baseManifest.layers) {
      const res = await fetch(`http://${registry!.host}/v2/lambda/python/blobs/${l.digest}`);
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), blob(i.layoutDir, l.digest))).toBe(0);
    }
    const config = JSON.parse(blob(i.layoutDir, manifest.config.digest).toString());
    const baseConfig = JSON.parse(
      skopeo(
        "inspect",
        "--config",
        "--raw",
        "--tls-verify=false",
        `docker://${registry!.host}/lambda/python@${amd.digest}`,
      ),
    );
    expect(config.config).toEqual({ ...baseConfig.config, Cmd: ["app.handler"] });
    expect(config.created).toBe(baseConfig.created);
    expect(config.history).toHaveLength(baseConfig.history.length + 2);
    expect(config.rootfs.diff_ids.slice(-2)).toEqual([r.layers.deps.diffId, r.layers.app.diffId]);
    expect(events.filter((e) => e.type === "image:pull" && !e.cached).length).toBeGreaterThan(0);
    // skopeo reads the layout
    expect(JSON.parse(skopeo("inspect", `oci:${i.layoutDir}:latest`)).Digest).toBe(r.digest);
  });

  it("gives the same digest from a cold and a warm cache, and pulls nothing when warm", async () => {
    const cacheDir = temp("tspack-image-cache-");
    const memo = memoStore();
    const cold = await buildImage(input({ cacheDir, memo }));
    const events: ImageEvent[] = [];
    const warm = await buildImage(input({ cacheDir, memo, onEvent: (e) => events.push(e) }));
    expect(warm.digest).toBe(cold.digest);
    expect(events.filter((e) => e.type === "image:pull").every((e) => e.type === "image:pull" && e.cached)).toBe(true);
    // The layer gzip came from the memo store on the warm build: same bytes.
    expect(memo.map.size).toBeGreaterThanOrEqual(2);
    // --offline with the tag resolved before works from the cache; a cold cache cannot.
    const offline = await buildImage(input({ cacheDir, memo, offline: true }));
    expect(offline.digest).toBe(cold.digest);
    await expect(buildImage(input({ offline: true }))).rejects.toMatchObject({ code: "TSPACK_OFFLINE" });
  });

  it("pushes the exact local manifest (skopeo copy round-trips it), mounts base layers, skips present blobs", async () => {
    const events: ImageEvent[] = [];
    const i = input({ push: [`${registry!.host}/app/fn:v1`], onEvent: (e) => events.push(e) });
    const r = await buildImage(i);
    expect(r.pushed).toEqual([`${registry!.host}/app/fn@${r.digest}`]);
    const raw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry!.host}/app/fn:v1`,
    ]);
    expect(Buffer.compare(raw, blob(i.layoutDir, r.digest))).toBe(0);
    const outcomes = events.filter((e) => e.type === "image:push").map((e) => (e as { outcome: string }).outcome);
    expect(outcomes).toContain("mounted");
    const back = temp();
    skopeo(
      "copy",
      "--quiet",
      "--src-tls-verify=false",
      "--preserve-digests",
      `docker://${registry!.host}/app/fn:v1`,
      `oci:${back}:x`,
    );
    expect(JSON.parse(skopeo("inspect", `oci:${back}:x`)).Digest).toBe(r.digest);
    // again: every blob is there
    const again: ImageEvent[] = [];
    await buildImage(input({ push: [`${registry!.host}/app/fn:v2`], onEvent: (e) => again.push(e) }));
    expect(
      again.filter((e) => e.type === "image:push").every((e) => (e as { outcome: string }).outcome === "present"),
    ).toBe(true);
  });

  // runc needs root (we run as root here and in CI); without it or umoci the run is skipped.
  it.skipIf(
    spawnSync("runc", ["--version"]).error !== undefined ||
      spawnSync("umoci", ["--version"]).error !== undefined ||
      process.getuid?.() !== 0,
  )(
    "runs the handler inside the image (umoci unpack + runc)",
    async () => {
      const i = input();
      await buildImage(i);
      const bundle = join(temp(), "bundle");
      execFileSync("umoci", ["unpack", "--image", `${i.layoutDir}:latest`, bundle], { stdio: "ignore" });
      const cfg = readJson(join(bundle, "config.json"));
      cfg.process.terminal = false;
      writeFileSync(join(bundle, "config.json"), JSON.stringify(cfg));
      expect(cfg.process.args).toEqual(["/lambda-entrypoint.sh", "app.handler"]);
      expect(readFileSync(join(bundle, "rootfs", "var", "task", "mylib", "__init__.py"), "utf8")).toBe("VALUE = 42\n");
      const id = `tspack-test-${process.pid}`;
      const out = spawnSync("runc", ["run", "--bundle", bundle, id], { encoding: "utf8", timeout: 60_000 });
      spawnSync("runc", ["delete", "--force", id]);
      expect(out.stderr).toBe("");
      expect(JSON.parse(out.stdout.trim())).toEqual({ value: 42, event: { "stand-in": true } });
    },
    90_000,
  );

  it("reads an OCI layout base (oci:PATH:TAG) and picks arm64 for aarch64", async () => {
    const layout = (base as { layout: string }).layout;
    const events: ImageEvent[] = [];
    const r = await buildImage(
      input({
        base: `oci:${layout}:3.13`,
        arch: "aarch64",
        push: [`${registry!.host}/app/arm:v1`],
        onEvent: (e) => events.push(e),
      }),
    );
    expect(r.platform).toBe("linux/arm64/v8");
    // base layers come from the layout's files: uploaded (POST + PUT), not mounted
    expect(events.filter((e) => e.type === "image:push").map((e) => (e as { outcome: string }).outcome)).toEqual([
      "uploaded",
      "uploaded",
      "uploaded",
      "uploaded",
    ]);
    const raw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry!.host}/app/arm:v1`,
    ]);
    expect(sha(raw)).toBe(r.digest);
    const idx = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")).manifests.find(
      (m: { annotations: Record<string, string> }) => m.annotations["org.opencontainers.image.ref.name"] === "3.13",
    );
    const arm = JSON.parse(blob(layout, idx.digest).toString()).manifests.find(
      (m: { platform: { architecture: string } }) => m.platform.architecture === "arm64",
    );
    expect(r.base.digest).toBe(arm.digest);
  });

  it("refuses a wrong architecture and an index without the target; warns about a non-Lambda base", async () => {
    const h = registry!.host;
    await expect(buildImage(input({ base: `${h}/lambda/python:arm-only` }))).rejects.toThrow(
      `The base image "${h}/lambda/python:arm-only" is for linux/arm64/v8, not the target's linux/amd64`,
    );
    await expect(buildImage(input({ base: `${h}/lambda/python:amd-only`, arch: "aarch64" }))).rejects.toThrow(
      `The base image "${h}/lambda/python:amd-only" has no manifest for linux/arm64: it has linux/amd64`,
    );
    const r = await buildImage(input({ base: `${h}/lambda/python:plain` }));
    expect(r.warnings.join("\n")).toMatch(/WorkingDir is not set, not \/var\/task/);
    expect(r.warnings.join("\n")).toMatch(/no ENTRYPOINT/);
  });

  it("follows a Docker v2s2 base's media types", async () => {
    const layout = (base as { layout: string }).layout;
    execFileSync("skopeo", [
      "copy",
      "--quiet",
      "--format",
      "v2s2",
      "--dest-tls-verify=false",
      `oci:${layout}:plain`,
      `docker://${registry!.host}/lambda/docker:plain`,
    ]);
    const i = input({ base: `${registry!.host}/lambda/docker:plain`, push: [`${registry!.host}/app/docker:v1`] });
    const r = await buildImage(i);
    expect(r.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    const m = JSON.parse(blob(i.layoutDir, r.digest).toString());
    expect(m.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual(
      Array(m.layers.length).fill("application/vnd.docker.image.rootfs.diff.tar.gzip"),
    );
    expect(m.config.mediaType).toBe("application/vnd.docker.container.image.v1+json");
    const raw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry!.host}/app/docker:v1`,
    ]);
    expect(sha(raw)).toBe(r.digest);
  });

  it("names an unreachable registry", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const e = await buildImage(input({ base: `127.0.0.1:${port}/lambda/python:3.13` })).catch((x) => x);
    expect(isTspackError(e, "TSPACK_NETWORK")).toBe(true);
    expect(e.message).toContain(`The registry "127.0.0.1:${port}" cannot be reached`);
  });

  describe("auth", () => {
    // A proxy in front of the registry: Bearer tokens from its own /token (Basic user:secret, or anonymous
    // pull tokens that are empty), or Basic auth on every request; faults on request.
    let proxy: Server;
    let host = "";
    let mode: "bearer" | "basic" = "bearer";
    const log: Array<{ method: string; url: string; auth: string | undefined }> = [];
    let failBlobPut = false;
    const USER = "ci";
    const SECRET = "s3cret-value";
    const good = `Basic ${Buffer.from(`${USER}:${SECRET}`).toString("base64")}`;
    beforeAll(async () => {
      proxy = createServer((req, res) => {
        log.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
        if (req.url!.startsWith("/token")) {
          const ok = req.headers.authorization === good;
          const pushScope = new URL(req.url!, "http://x").searchParams.getAll("scope").some((s) => s.includes("push"));
          if (!ok && req.headers.authorization) return void res.writeHead(401).end();
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ token: ok ? "tok-rw" : pushScope ? "" : "" }));
          return;
        }
        const a = req.headers.authorization;
        const authorized = mode === "bearer" ? a === "Bearer tok-rw" : a === good;
        if (a === "Bearer ") return void res.writeHead(400).end("empty bearer");
        if (!authorized) {
          res.writeHead(401, {
            "www-authenticate":
              mode === "bearer" ? `Bearer realm="http://${host}/token",service="test-registry"` : 'Basic realm="test"',
            "content-type": "application/json",
          });
          return void res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        }
        if (failBlobPut && req.method === "PUT" && req.url!.includes("/blobs/uploads/"))
          return void res.writeHead(500).end();
        const up = httpRequest(
          {
            host: "127.0.0.1",
            port: Number(registry!.host.split(":")[1]),
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: registry!.host },
          },
          (r) => {
            const headers = { ...r.headers };
            if (typeof headers.location === "string") headers.location = headers.location.replace(registry!.host, host);
            res.writeHead(r.statusCode!, headers);
            r.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
      host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await new Promise((r) => proxy.close(r));
    });

    it("refuses without credentials (naming the registry and the fix), never sends an empty Bearer", async () => {
      mode = "bearer";
      log.length = 0;
      const e = await buildImage(input({ base: `${host}/lambda/python:3.13` })).catch((x) => x);
      expect(isTspackError(e, "TSPACK_REGISTRY_AUTH")).toBe(true);
      expect(e.message).toBe(
        `The registry "${host}" refused to let tspack pull from "lambda/python" (HTTP 401 Unauthorized) with no credentials`,
      );
      expect(e.hint).toMatch(/--registry-password-stdin/);
      expect(log.some((l) => l.auth === "Bearer " || l.auth === "Bearer")).toBe(false);
    });

    it("pushes with credentials from ~/.docker/config.json (Bearer) and --registry-username (Basic); secrets never in events", async () => {
      mode = "bearer";
      const home = temp();
      mkdirSync(join(home, ".docker"));
      writeFileSync(
        join(home, ".docker", "config.json"),
        JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${USER}:${SECRET}`).toString("base64") } } }),
      );
      const events: ImageEvent[] = [];
      const r = await buildImage(
        input({
          base: `${host}/lambda/python:3.13`,
          push: [`${host}/app/auth:v1`],
          homedir: home,
          onEvent: (e) => events.push(e),
        }),
      );
      expect(r.pushed).toEqual([`${host}/app/auth@${r.digest}`]);
      expect(JSON.stringify(events)).not.toContain(SECRET);
      mode = "basic";
      const r2 = await buildImage(
        input({ push: [`${host}/app/auth:v2`], registryAuth: { username: USER, password: SECRET } }),
      );
      expect(r2.pushed).toEqual([`${host}/app/auth@${r2.digest}`]);
      expect(log.some((l) => l.auth === good && !l.url.startsWith("/token"))).toBe(true);
      const wrong = await buildImage(
        input({ push: [`${host}/app/auth:v3`], registryAuth: { username: USER, password: "nope" } }),
      ).catch((x) => x);
      expect(isTspackError(wrong, "TSPACK_REGISTRY_AUTH")).toBe(true);
      expect(wrong.message).toContain("--registry-username/--registry-password-stdin");
      expect(JSON.stringify(wrong.toJSON())).not.toContain("nope");
    });

    it("leaves the tag where it was when a push fails", async () => {
      mode = "basic";
      const auth = { username: USER, password: SECRET };
      const first = await buildImage(input({ push: [`${host}/app/keep:v1`], registryAuth: auth }));
      failBlobPut = true;
      try {
        const changed = [
          { path: "app.py", mode: 0o644, data: enc.encode("def handler(e, c):\n    return 'changed'\n") },
        ];
        await expect(
          buildImage(input({ app: changed, push: [`${host}/app/keep:v1`], registryAuth: auth })),
        ).rejects.toMatchObject({ code: "TSPACK_HTTP_STATUS" });
      } finally {
        failBlobPut = false;
      }
      const raw = execFileSync("skopeo", [
        "inspect",
        "--raw",
        "--tls-verify=false",
        `docker://${registry!.host}/app/keep:v1`,
      ]);
      expect(sha(raw)).toBe(first.digest);
    });
  });
});
