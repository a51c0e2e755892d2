// A throw-away one-node Ceph cluster for tests: one ceph-mon, one memstore ceph-osd (data in RAM) and
// radosgw (the S3 API) on 127.0.0.1, on free ports, in a temp folder, with one user and one bucket. Not a
// mock: SigV4 signatures and conditional writes are checked by the real server. Starts in ~1.5 s; every
// daemon runs in the foreground as a child of the test process and is killed by stop() (and, as a last
// resort, when the process exits). Settings: ../../docs/remote-cache.md ("Testing").
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// The AWS SDK's notice that its releases after January 2027 need Node 22 (tests run on Node 20 too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const BINARIES = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph"];
const PATH_DIRS = (process.env.PATH ?? "/usr/bin:/bin").split(":").concat(["/usr/bin", "/usr/sbin"]);

/** Why the cluster cannot start here (a missing binary), or undefined when it can. */
export function cephMissing(): string | undefined {
  const missing = BINARIES.filter((b) => !PATH_DIRS.some((d) => d !== "" && existsSync(join(d, b))));
  return missing.length === 0
    ? undefined
    : `Ceph RADOS Gateway not installed (missing ${missing.join(", ")}; apt-get install radosgw ceph-mon ceph-osd): skipping`;
}

/** A running cluster. */
export interface RgwCluster {
  /** `http://127.0.0.1:<port>` of the gateway. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The bucket created at start. */
  bucket: string;
  region: string;
  /** The cluster's folder (config, logs, daemons' data). */
  dir: string;
  /** Environment for a child process using this gateway with the AWS SDK's default chain. */
  env(): Record<string, string>;
  /** Stops the gateway only (the mon and osd stay): requests get "connection refused". */
  stopGateway(): Promise<void>;
  /** Starts the gateway again on the same port. */
  startGateway(): Promise<void>;
  /** Creates another bucket. */
  createBucket(name: string): Promise<void>;
  /** Creates another user with its own keys (`radosgw-admin user create`). */
  createUser(uid: string, accessKeyId: string, secretAccessKey: string): Promise<void>;
  /** Stops every daemon and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Two consecutive free ports (the mon's msgr2 and msgr1 addresses). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    if (p >= 65535) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(p + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error("ceph-rgw: no two consecutive free ports");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function httpUp(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method: "GET", timeout: 500 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Every child daemon of every cluster of this process, killed on exit if a test forgot. */
const liveDaemons = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  liveDaemons.add(child);
  child.once("exit", () => liveDaemons.delete(child));
  if (!exitHook) {
    exitHook = true;
    const killAll = (): void => {
      for (const c of liveDaemons) c.kill("SIGKILL");
    };
    process.once("exit", killAll);
    // A test run stopped by a signal skips "exit": kill the daemons, then die of the same signal.
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
      process.once(signal, () => {
        killAll();
        process.kill(process.pid, signal);
      });
    }
  }
}

async function killAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** Starts a cluster with a user (`accessKeyId`/`secretAccessKey`) and a bucket. Call stop() in afterAll. */
export async function startRgw(options: { bucket?: string } = {}): Promise<RgwCluster> {
  const missing = cephMissing();
  if (missing !== undefined) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), "tspack-rgw-"));
  const children: { mon?: ChildProcess; osd?: ChildProcess; rgw?: ChildProcess } = {};
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // The order matters for clean stops (an osd whose mon is gone waits); memstore data is thrown away,
    // so each is killed outright.
    await killAndWait(children.rgw);
    await killAndWait(children.osd);
    await killAndWait(children.mon);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const monPort = await freePortPair();
    const rgwPort = await freePort();
    const fsid = randomUUID();
    for (const d of ["run", "log", "mon", "osd", "rgw"]) mkdirSync(join(dir, d));
    const conf = join(dir, "ceph.conf");
    const monAddr = `[v2:127.0.0.1:${monPort},v1:127.0.0.1:${monPort + 1}]`;
    writeFileSync(
      conf,
      [
        "[global]",
        `fsid = ${fsid}`,
        `mon_host = ${monAddr}`,
        "public_addr = 127.0.0.1",
        "auth_cluster_required = none",
        "auth_service_required = none",
        "auth_client_required = none",
        "osd_pool_default_size = 1",
        "osd_pool_default_min_size = 1",
        "osd_pool_default_pg_num = 8",
        "osd_pool_default_pgp_num = 8",
        "mon_allow_pool_size_one = true",
        "osd_crush_chooseleaf_type = 0",
        // With auth "none" the default "secure" mode is impossible (radosgw loops on -13 errors).
        "ms_mon_client_mode = crc",
        `run_dir = ${dir}/run`,
        `admin_socket = ${dir}/run/$name.asok`,
        `pid_file = ${dir}/run/$name.pid`,
        `log_file = ${dir}/log/$name.log`,
        `mon_data = ${dir}/mon/$id`,
        `osd_data = ${dir}/osd/$id`,
        "[mon]",
        // Else the start takes ~13 s and the first bucket and PUT ~2 s each.
        "paxos_propose_interval = 0.05",
        "paxos_min_wait = 0.01",
        "[osd]",
        "osd_objectstore = memstore",
        "[client.rgw.a]",
        `rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}`,
        `rgw_data = ${dir}/rgw`,
        "",
      ].join("\n"),
    );
    const c = ["-c", conf];
    const daemon = (cmd: string, args: string[]): ChildProcess => {
      const child = spawn(cmd, [...c, "-f", ...args], { stdio: "ignore" });
      track(child);
      return child;
    };
    await run("monmaptool", ["--create", "--fsid", fsid, "--addv", "a", monAddr, join(dir, "monmap"), ...c]);
    await run("ceph-mon", [...c, "--mkfs", "-i", "a", "--monmap", join(dir, "monmap")]);
    children.mon = daemon("ceph-mon", ["-i", "a"]);
    const uuid = randomUUID();
    const id = (await run("ceph", [...c, "--connect-timeout", "20", "osd", "new", uuid])).stdout.trim();
    mkdirSync(join(dir, "osd", id), { recursive: true });
    await run("ceph-osd", [...c, "-i", id, "--mkfs", "--osd-uuid", uuid]);
    children.osd = daemon("ceph-osd", ["-i", id]);
    for (let i = 0; ; i++) {
      const { stdout } = await run("ceph", [...c, "osd", "stat", "-f", "json"]);
      if (/"num_up_osds":\s*1\b/.test(stdout)) break;
      if (i > 300) throw new Error(`ceph-rgw: the osd did not come up (logs in ${dir}/log)`);
      await sleep(100);
    }
    const startGateway = async (): Promise<void> => {
      children.rgw = daemon("radosgw", ["-n", "client.rgw.a"]);
      for (let i = 0; !(await httpUp(rgwPort)); i++) {
        if (i > 300 || children.rgw.exitCode !== null)
          throw new Error(`ceph-rgw: radosgw did not start (logs in ${dir}/log)`);
        await sleep(100);
      }
    };
    await startGateway();
    const accessKeyId = `TSPACKTEST${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
    const secretAccessKey = randomUUID().replace(/-/g, "");
    const createUser = async (uid: string, ak: string, sk: string): Promise<void> => {
      await run("radosgw-admin", [
        ...c,
        "-n",
        "client.rgw.a",
        "user",
        "create",
        `--uid=${uid}`,
        `--display-name=${uid}`,
        `--access-key=${ak}`,
        `--secret-key=${sk}`,
      ]);
    };
    await createUser("tspack-test", accessKeyId, secretAccessKey);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    const region = "us-east-1";
    const createBucket = async (name: string): Promise<void> => {
      const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
      const client = new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey },
      });
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    };
    const bucket = options.bucket ?? "tspack-cache";
    await createBucket(bucket);
    return {
      endpoint,
      accessKeyId,
      secretAccessKey,
      bucket,
      region,
      dir,
      env: () => ({
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_REGION: region,
        AWS_ENDPOINT_URL_S3: endpoint,
      }),
      stopGateway: async () => {
        await killAndWait(children.rgw, "SIGTERM");
        children.rgw = undefined;
      },
      startGateway,
      createBucket,
      createUser,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
