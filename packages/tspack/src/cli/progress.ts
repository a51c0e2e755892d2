/** Renders library events: a live line on a TTY, JSON lines with --json (stderr), warnings always. */
import type { TspackEvent } from "../events.js";
import { formatBytes, type Output, ProgressLine, yellow } from "./output.js";

export function eventPrinter(output: Output): (e: TspackEvent) => void {
  const line = new ProgressLine(output);
  const started = Date.now();
  const perFile = new Map<string, number>();
  let totalFiles = 0;
  let totalBytes = 0;
  let bytes = 0;
  let done = 0;
  return (e) => {
    if (e.type === "stage:start") return; // for library callers and the bench (the CLI shows stage ends)
    if (output.json) {
      if (e.type !== "fetch:progress") output.err(`${JSON.stringify({ event: e })}\n`);
      return;
    }
    switch (e.type) {
      case "warning":
        line.clear();
        if (!output.quiet) output.err(`${yellow("warning")}: ${e.message}\n`);
        return;
      case "fetch:start":
        totalFiles = e.toDownload;
        totalBytes = e.bytesToDownload;
        return;
      case "fetch:progress": {
        perFile.set(e.key, e.bytes);
        bytes = 0;
        for (const b of perFile.values()) bytes += b;
        const secs = (Date.now() - started) / 1000;
        const rate = secs > 0 ? bytes / secs : 0;
        const eta = rate > 0 && totalBytes > bytes ? (totalBytes - bytes) / rate : 0;
        line.update(
          `Downloading ${done}/${totalFiles} files  ${formatBytes(bytes)}/${formatBytes(totalBytes)}  ${formatBytes(rate)}/s  ETA ${eta.toFixed(0)}s`,
        );
        return;
      }
      case "fetch:file-done":
        if (e.from === "network") done++;
        if (output.verbose) {
          line.clear();
          output.err(
            `${e.from === "network" ? "Downloaded" : "Cached"} ${e.name} (${formatBytes(e.bytes)}, ${e.ms}ms)\n`,
          );
        }
        return;
      case "fetch:retry":
        line.clear();
        if (output.verbose) output.err(`retry ${e.attempt} for ${e.url} in ${e.delayMs}ms: ${e.reason}\n`);
        return;
      case "bytecode:source-only":
        if (output.verbose) {
          line.clear();
          output.err(`note: ${e.path} ships as source only (no .pyc): ${e.reason}\n`);
        }
        return;
      case "bytecode":
        if (output.verbose) {
          line.clear();
          output.err(
            `Bytecode: ${e.pycs} .pyc (${e.compiled} compiled, ${e.fromMemo} from the cache), ${e.skipped} source only\n`,
          );
        }
        return;
      case "image:pull":
        if (!e.cached) line.update(`Pulled ${e.digest.slice(0, 19)} of ${e.reference} (${formatBytes(e.bytes)})`);
        return;
      case "image:push":
        line.update(`Pushing to ${e.reference}: ${e.digest.slice(0, 19)} ${e.outcome} (${formatBytes(e.bytes)})`);
        return;
      case "image:retry":
        line.clear();
        if (output.verbose) output.err(`${e.message}\n`);
        return;
      case "fetch:done":
      case "install:done":
        line.clear();
        return;
      default:
        if (output.verbose) {
          line.clear();
          output.err(`${JSON.stringify(e)}\n`);
        }
    }
  };
}
