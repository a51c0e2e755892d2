// Starts bench/mirror/serve.mjs in a child process (never in the measuring process) and stops it.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SERVE = join(dirname(fileURLToPath(import.meta.url)), "serve.mjs");

/**
 * Serves `wwwDir` on 127.0.0.1 from a child process.
 * @returns {Promise<{ url: string, port: number, pid: number, stats(): Promise<{requests: number, bytesSent: number}>, stop(): Promise<void> }>}
 */
export function startMirrorServer(wwwDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVE, wwwDir], { stdio: ["ignore", "pipe", "inherit"] });
    let buffered = "";
    const onData = (chunk) => {
      buffered += chunk;
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      child.stdout.off("data", onData);
      const { port } = JSON.parse(buffered.slice(0, nl));
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        port,
        pid: child.pid,
        stats: async () => (await fetch(`${url}/__stats`)).json(),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`The mirror server exited early (code ${code})`)));
  });
}
