// A CNCF distribution registry (`docker-registry`, Debian's package) on 127.0.0.1 for tests: a generated
// config (filesystem storage in a temp folder, a free port, plain http), started and stopped by the test.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningRegistry {
  /** `127.0.0.1:<port>` (what image references name). */
  host: string;
  stop(): Promise<void>;
}

/** Why the registry cannot run here (undefined when it can). */
export function registryMissing(): string | undefined {
  const r = spawnSync("docker-registry", ["--version"], { encoding: "utf8" });
  return r.error || r.status !== 0 ? "docker-registry is not installed (apt-get install docker-registry)" : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRegistry(): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "tspack-registry-"));
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const cfg = join(dir, "config.yml");
    writeFileSync(
      cfg,
      [
        "version: 0.1",
        "log:",
        "  level: error",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${join(dir, "data")}`,
        "  maintenance:",
        "    uploadpurging:",
        "      enabled: false",
        "http:",
        `  addr: 127.0.0.1:${port}`,
        "",
      ].join("\n"),
    );
    const proc = spawn("docker-registry", ["serve", cfg], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const host = `127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && proc.exitCode === null) {
      try {
        const res = await fetch(`http://${host}/v2/`);
        if (res.status === 200) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (up) {
      child = proc;
      return {
        host,
        async stop() {
          if (child && child.exitCode === null) {
            const exited = new Promise((r) => child!.once("exit", r));
            child.kill("SIGTERM");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
            if (child.exitCode === null) child.kill("SIGKILL");
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    proc.kill("SIGKILL");
    if (attempt === 4) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.slice(0, 500)}`);
    }
  }
  throw new Error("unreachable");
}
