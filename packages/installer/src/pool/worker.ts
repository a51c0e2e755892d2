/**
 * The pool's worker thread: runs the jobs posted to it (pool/jobs.ts), one after the other, in the
 * order posted. Loaded from its own file (scripts/build.mjs bundles it as dist/pool-worker.cjs next to
 * the library and the CLI; tsc compiles it to the installer's dist/pool/worker.js).
 */
import { parentPort } from "node:worker_threads";
import { runExtract, runPrefetch, runVerify } from "./jobs.js";
import type { JobMessage, Reply } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("pool/worker.ts runs as a worker thread");

port.on("message", (m: JobMessage) => {
  const reply = (r: Reply, transfer?: ArrayBuffer[]): void => port.postMessage(r, transfer);
  switch (m.kind) {
    case "prefetch":
      runPrefetch(m);
      return;
    case "verify": {
      const result = runVerify(m);
      reply({ kind: "verified", id: m.id, ...result }, [result.digests.buffer as ArrayBuffer]);
      return;
    }
    case "extract": {
      const failure = runExtract(m, () => reply({ kind: "started", id: m.id }));
      reply({ kind: "extracted", id: m.id, failure });
      return;
    }
    default:
      throw new Error(`The pool worker got an unknown job: ${JSON.stringify((m as { kind?: unknown }).kind)}`);
  }
});
