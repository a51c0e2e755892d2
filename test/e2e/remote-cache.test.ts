/**
 * The shared remote cache end to end: the built CLI against a real S3 server (a throw-away Ceph RADOS
 * Gateway on 127.0.0.1, one for the file) and the loopback index. CI runners are played by fresh, empty
 * local caches. Every build must give the demo project's golden bytes, whoever served the wheels.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cephMissing, type RgwCluster, startRgw } from "../helpers/ceph-rgw.js";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import {
  cleanupTemps,
  type DemoProject,
  demoProject,
  mirrorArg,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  sha256File,
  tempDir,
  writeTree,
} from "./helpers/project.js";

/** The demo project's function.zip (test/e2e/determinism.test.ts pins the same value). */
const GOLDEN_ZIP = "585e324d9900c7b1ddd4ec9cb22d53a2f9c25ad8d4df6a5ae1539d43eb5613dc";

const skip = cephMissing();
if (skip !== undefined) console.warn(skip);

describe.skipIf(skip !== undefined)("remote cache (S3 on Ceph RGW): tspack build", () => {
  let rgw: RgwCluster;
  let admin: S3Client;
  let demo: DemoProject;
  let projectDir: string;
  let n = 0;

  beforeAll(async () => {
    requireBuiltCli();
    demo = demoProject();
    projectDir = tempDir("tspack-remote-proj-");
    writeTree(projectDir, demo.files);
    rgw = await startRgw();
    admin = new S3Client({
      endpoint: rgw.endpoint,
      region: rgw.region,
      forcePathStyle: true,
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
  }, 60_000);
  afterAll(async () => {
    admin?.destroy();
    await rgw?.stop();
    cleanupTemps();
  });

  const prefix = (): string => `e2e${++n}`;
  const listKeys = async (p: string): Promise<string[]> => {
    const res = await admin.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${p}/` }));
    return (res.Contents ?? []).map((c) => c.Key!).sort();
  };

  /** A runner: a fresh local cache and output folder, the gateway's keys in the environment (only there). */
  async function runner(
    index: RunningIndexServer | string,
    p: string,
    opts: { extra?: string[]; env?: Record<string, string | undefined> } = {},
  ) {
    const out = join(tempDir("tspack-remote-out-"), "out");
    const url = typeof index === "string" ? index : index.url;
    const r = await runCliAsync(
      [
        "build",
        projectDir,
        "--out",
        out,
        "--cache-dir",
        join(tempDir("tspack-remote-cache-"), "cache"),
        "--mirror",
        mirrorArg(url),
        "--remote-cache",
        `s3://${rgw.bucket}/${p}`,
        "--json",
        ...(opts.extra ?? []),
      ],
      {
        env: {
          ...rgw.env(),
          // Nothing from this machine's AWS setup, and the SDK's own Node-version notice must not show.
          AWS_PROFILE: undefined,
          AWS_CONFIG_FILE: "/nonexistent/aws-config",
          AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
          TSPACK_REMOTE_CACHE: undefined,
          SOURCE_DATE_EPOCH: undefined,
          TSPACK_CACHE_DIR: undefined,
          UV_HTTP_RETRIES: "0",
          ...opts.env,
        },
      },
    );
    const json = r.status === 0 ? JSON.parse(r.stdout) : JSON.parse(r.stdout || "{}");
    const zip = r.status === 0 ? sha256File(join(out, "function.zip")) : undefined;
    // With --json, events are JSON lines on stderr: the warnings are the events of type "warning".
    const events = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l).event as { type: string; message?: string } | undefined);
    const warnings = events.filter((e) => e?.type === "warning").map((e) => e!.message!);
    const other = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("{"));
    return { ...r, json, zip, warnings, other };
  }

  const wheelKeys = (keys: string[]) => keys.filter((k) => k.includes("/wheels-v1/sha256/"));

  it("a build fills the bucket; a second runner with the index stopped builds the same bytes from the remote alone", async () => {
    const p = prefix();
    const index = await startIndexServer({ files: serverFiles(demo.wheels) });
    let a: Awaited<ReturnType<typeof runner>>;
    try {
      a = await runner(index, p);
    } finally {
      await index.close();
    }
    expect(a.warnings).toEqual([]);
    expect(a.other).toEqual([]);
    expect(a.status).toBe(0);
    expect(a.zip).toBe(GOLDEN_ZIP);
    // The CLI waited for its uploads: every wheel is in the bucket when it exits, under its sha256.
    const keys = await listKeys(p);
    const shas = demo.wheels.map((w) => w.sha256).sort();
    expect(wheelKeys(keys)).toEqual(shas.map((s) => `${p}/wheels-v1/sha256/${s.slice(0, 2)}/${s.slice(2)}`));
    // And the warm path's derived entries: the plan, the install plans and the zip recipe.
    const memoKinds = new Set(keys.filter((k) => k.includes("/memo-v1/")).map((k) => k.split("/")[2]));
    expect([...memoKinds].sort()).toEqual(expect.arrayContaining(["install", "plan", "zip"]));
    expect(a.json.remoteCache).toMatchObject({ url: `s3://${rgw.bucket}/${p}`, mode: "readwrite" });
    expect(a.json.remoteCache.stats.uploads).toBe(keys.length);

    // Runner B: empty local cache, and the index is gone (its port refuses connections).
    const b = await runner(index.url, p);
    expect(b.warnings).toEqual([]);
    expect(b.other).toEqual([]);
    expect(b.status).toBe(0);
    expect(b.zip).toBe(GOLDEN_ZIP);
    expect(b.json.fetch.requests).toBe(0);
    // The wheels, the plan and the zip recipe came from the bucket (the recipe's replay needs no install plan).
    expect(b.json.remoteCache.stats).toMatchObject({ misses: 0, corrupt: 0, failures: 0, uploads: 0 });
    expect(b.json.remoteCache.stats.hits).toBeGreaterThanOrEqual(5);
  });

  it("a stopped gateway or wrong credentials: a warning naming the remote cache, the same bytes from the index; errors when required", async () => {
    const p = prefix();
    const index = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      await rgw.stopGateway();
      let down: Awaited<ReturnType<typeof runner>>;
      let strict: Awaited<ReturnType<typeof runner>>;
      try {
        down = await runner(index, p);
        strict = await runner(index, p, { extra: ["--remote-cache-required"] });
      } finally {
        await rgw.startGateway();
      }
      expect(down.status).toBe(0);
      expect(down.zip).toBe(GOLDEN_ZIP);
      expect(down.warnings).toHaveLength(1);
      expect(down.warnings[0]).toContain(`remote cache s3://${rgw.bucket}/${p}: cannot reach ${rgw.endpoint}`);
      expect(strict.status).toBe(1);
      expect(strict.json.error.code).toBe("TSPACK_REMOTE_CACHE");
      expect(strict.json.error.message).toContain(`s3://${rgw.bucket}/${p}`);

      const secret = "not-the-secret-4b1d2e9f0a";
      const wrong = await runner(index, p, { env: { AWS_SECRET_ACCESS_KEY: secret } });
      expect(wrong.status).toBe(0);
      expect(wrong.zip).toBe(GOLDEN_ZIP);
      expect(wrong.warnings).toHaveLength(1);
      expect(wrong.warnings[0]).toContain(`remote cache s3://${rgw.bucket}/${p}: access denied (HTTP 403`);
      expect(wrong.stderr + wrong.stdout).not.toContain(secret);
      const wrongStrict = await runner(index, p, {
        env: { AWS_SECRET_ACCESS_KEY: secret },
        extra: ["--remote-cache-required"],
      });
      expect(wrongStrict.status).toBe(1);
      expect(wrongStrict.json.error.code).toBe("TSPACK_REMOTE_CACHE");
      expect(wrongStrict.stderr + wrongStrict.stdout).not.toContain(secret);
      expect(await listKeys(p)).toEqual([]);
    } finally {
      await index.close();
    }
  });

  it("junk objects: a warning each, the same bytes from the index, and the local cache verifies", async () => {
    const p = prefix();
    const index = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const fill = await runner(index, p);
      expect(fill.status).toBe(0);
      const keys = await listKeys(p);
      expect(wheelKeys(keys)).toHaveLength(3);
      // Every object replaced by junk of the same length (as a broken proxy or a foreign tool could).
      for (const key of keys) {
        await admin.send(new PutObjectCommand({ Bucket: rgw.bucket, Key: key, Body: Buffer.alloc(1000, 0x6a) }));
      }
      const cacheDir = join(tempDir("tspack-remote-cache-"), "cache");
      const r = await runner(index, p, { extra: ["--cache-dir", cacheDir] });
      expect(r.status).toBe(0);
      expect(r.zip).toBe(GOLDEN_ZIP);
      expect(
        r.warnings.filter((w) => /^remote cache s3:\/\/[^:]+: the object ".*\/wheels-v1\/sha256\//.test(w)),
      ).toHaveLength(3);
      expect(
        r.warnings.filter((w) => /^remote cache s3:\/\/[^:]+: the object ".*\/memo-v1\/plan\//.test(w)),
      ).toHaveLength(1);
      expect(r.json.remoteCache.stats.hits).toBe(0);
      expect(r.json.fetch.requests).toBeGreaterThanOrEqual(3);
      const verify = await runCliAsync(["cache", "verify", "--cache-dir", cacheDir, "--json"]);
      expect(verify.status).toBe(0);
    } finally {
      await index.close();
    }
  });

  it("fetch fills the bucket; install on another runner with the index stopped installs from the remote alone", async () => {
    const p = prefix();
    const env = {
      ...rgw.env(),
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: "/nonexistent/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
      UV_HTTP_RETRIES: "0",
    };
    const index = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const f = await runCliAsync(
        [
          "fetch",
          projectDir,
          "--cache-dir",
          join(tempDir("tspack-remote-cache-"), "cache"),
          "--mirror",
          mirrorArg(index.url),
        ],
        { env: { ...env, TSPACK_REMOTE_CACHE: `s3://${rgw.bucket}/${p}` } },
      );
      expect(f.stderr).not.toContain("warning");
      expect(f.status).toBe(0);
    } finally {
      await index.close();
    }
    expect(wheelKeys(await listKeys(p))).toHaveLength(3);
    const target = join(tempDir("tspack-remote-target-"), "packages");
    const i = await runCliAsync(
      [
        "install",
        projectDir,
        "--target",
        target,
        "--cache-dir",
        join(tempDir("tspack-remote-cache-"), "cache"),
        "--mirror",
        mirrorArg(index.url),
        "--remote-cache",
        `s3://${rgw.bucket}/${p}`,
      ],
      { env },
    );
    expect(i.stderr).not.toContain("warning");
    expect(i.status).toBe(0);
    expect(readdirSync(target).sort()).toEqual(
      expect.arrayContaining(["alpha", "alpha-1.0.0.dist-info", "beta_utils", "gamma_pkg"]),
    );
  });

  it("read mode writes nothing", async () => {
    const p = prefix();
    const index = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const r = await runner(index, p, { extra: ["--remote-cache-mode", "read"] });
      expect(r.warnings).toEqual([]);
      expect(r.status).toBe(0);
      expect(r.zip).toBe(GOLDEN_ZIP);
      expect(r.json.remoteCache.mode).toBe("read");
      expect(await listKeys(p)).toEqual([]);
      // The same through the environment (a pull request job).
      const e = await runner(index, p, { env: { TSPACK_REMOTE_CACHE_MODE: "read" } });
      expect(e.status).toBe(0);
      expect(await listKeys(p)).toEqual([]);
    } finally {
      await index.close();
    }
  });
});
