import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { formatTarget } from "@tspack/platform-tags";
import { type BuildLayout, build } from "../../build.js";
import { sourceDateEpochFromEnv } from "../../source-date-epoch.js";
import { flagBool, flagList, flagString } from "../args.js";
import { bytecodeFlags } from "../bytecode-flags.js";
import type { CommandContext } from "../context.js";
import { formatBytes, formatMs, formatTable } from "../output.js";
import { fetchOptionsFrom } from "./common.js";

/** The password piped to `--registry-password-stdin` (one trailing newline dropped, like `docker login`). */
function readPasswordStdin(): string {
  let text: string;
  try {
    text = readFileSync(0, "utf8");
  } catch (e) {
    throw new TspackError(ERROR_CODES.USAGE, "--registry-password-stdin found no password on stdin", {
      hint: "Pipe it: `aws ecr get-login-password | tspack build … --registry-password-stdin`",
      cause: e,
    });
  }
  const password = text.replace(/\r?\n$/, "");
  if (password === "")
    throw new TspackError(ERROR_CODES.USAGE, "--registry-password-stdin read an empty password", {
      hint: "Pipe it: `aws ecr get-login-password | tspack build … --registry-password-stdin`",
    });
  return password;
}

/** `tspack build`: the artifacts, with sizes and hashes. */
export async function runBuild(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const layout = flagString(ctx.flags, "layout") as BuildLayout | undefined;
  const out = flagString(ctx.flags, "out");
  const shebang = flagString(ctx.flags, "shebang");
  const epoch = sourceDateEpochFromEnv(ctx.env.SOURCE_DATE_EPOCH);
  // The flags only: build() itself reads UV_COMPILE_BYTECODE and [tool.tspack], like the library does.
  const bytecode = bytecodeFlags(ctx, false);
  const username = flagString(ctx.flags, "registry-username");
  const passwordStdin = flagBool(ctx.flags, "registry-password-stdin");
  if ((username === undefined) !== !passwordStdin)
    throw new TspackError(ERROR_CODES.USAGE, "--registry-username and --registry-password-stdin go together", {
      hint: "Pipe the password: `aws ecr get-login-password | tspack build … --registry-username AWS --registry-password-stdin`",
    });
  const base = flagString(ctx.flags, "base");
  const handler = flagString(ctx.flags, "handler");
  const push = flagList(ctx.flags, "push");
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
    ...(base === undefined ? {} : { base }),
    ...(handler === undefined ? {} : { handler }),
    ...(push.length ? { push } : {}),
    ...(username === undefined ? {} : { registryAuth: { username, password: readPasswordStdin() } }),
  });
  // The uploads to the remote cache run in the background during the command: finished before exit.
  await result.remoteCache?.flush();
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
  if (result.image) {
    const i = result.image;
    ctx.output.out(`\nImage ${i.digest} (${i.platform}) on ${i.base.name}@${i.base.digest}\n`);
    for (const p of i.pushed) ctx.output.out(`Pushed ${p}\n`);
  }
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
