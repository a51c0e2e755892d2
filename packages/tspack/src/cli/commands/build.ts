import { resolve } from "node:path";
import { formatTarget } from "@tspack/platform-tags";
import { type BuildLayout, build } from "../../build.js";
import { sourceDateEpochFromEnv } from "../../source-date-epoch.js";
import { flagBool, flagList, flagString } from "../args.js";
import { bytecodeFlags } from "../bytecode-flags.js";
import type { CommandContext } from "../context.js";
import { formatBytes, formatMs, formatTable } from "../output.js";
import { fetchOptionsFrom } from "./common.js";

/** `tspack build`: the artifacts, with sizes and hashes. */
export async function runBuild(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const layout = flagString(ctx.flags, "layout") as BuildLayout | undefined;
  const out = flagString(ctx.flags, "out");
  const shebang = flagString(ctx.flags, "shebang");
  const epoch = sourceDateEpochFromEnv(ctx.env.SOURCE_DATE_EPOCH);
  // The flags only: build() itself reads UV_COMPILE_BYTECODE and [tool.tspack], like the library does.
  const bytecode = bytecodeFlags(ctx, false);
  const result = await build({
    ...fetchOptionsFrom(ctx),
    ...(layout === undefined ? {} : { layout }),
    ...(out === undefined ? {} : { outDir: resolve(ctx.cwd, out) }),
    ...(shebang === undefined ? {} : { shebang }),
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
    exclude: flagList(ctx.flags, "exclude"),
    ...(bytecode.compile === undefined ? {} : { compileBytecode: bytecode.compile }),
    ...(bytecode.mode === undefined ? {} : { invalidationMode: bytecode.mode }),
    ...(bytecode.python === undefined ? {} : { pythonInterpreter: bytecode.python }),
    ...(flagBool(ctx.flags, "bytecode-only") ? { bytecodeOnly: true } : {}),
  });
  const ms = performance.now() - started;
  if (ctx.output.json) {
    ctx.output.out(`${JSON.stringify({ ...result, ms: Math.round(ms) }, null, 2)}\n`);
    return 0;
  }
  if (ctx.output.quiet) return 0;
  const rows = result.artifacts.map((a) => [
    a.path,
    a.kind === "task-root" ? "(dir)" : formatBytes(a.bytes),
    formatBytes(a.unzippedBytes),
    String(a.files),
    a.sha256,
    a.codeSha256 ?? "",
  ]);
  ctx.output.out(
    `Built ${result.layout} for ${formatTarget(result.target)}: ${result.packages.length} packages${result.projectFiles ? ` + ${result.projectFiles} project files` : ""} in ${formatMs(ms)}\n\n`,
  );
  ctx.output.out(formatTable(["artifact", "size", "unzipped", "files", "sha256", "CodeSha256"], rows));
  if (ctx.output.verbose) {
    ctx.output.out("\nLargest packages (unzipped):\n");
    ctx.output.out(
      formatTable(
        ["package", "version", "files", "unzipped"],
        result.packages.slice(0, 10).map((p) => [p.name, p.version, String(p.files), formatBytes(p.unzippedBytes)]),
      ),
    );
  }
  return 0;
}
