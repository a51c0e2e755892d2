import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { formatTarget } from "@tspack/platform-tags";
import { type BuildLayout, build } from "../../build.js";
import { flagBool, flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { formatBytes, formatMs, formatTable } from "../output.js";
import { fetchOptionsFrom } from "./common.js";

/** The first and last seconds a zip (DOS) timestamp can hold: 1980-01-01 and 2107-12-31T23:59:59, UTC. */
const FIRST_ZIP_SECOND = 315_532_800;
const LAST_ZIP_SECOND = 4_354_819_199;

/**
 * SOURCE_DATE_EPOCH as the reproducible-builds spec defines it: ASCII decimal seconds; checked before any
 * work. Earlier than 1980 (e.g. 0) means 1980-01-01, the first zip timestamp, as in the library and in
 * Python's wheel and zipfile tools; later than 2107 cannot be written and is refused.
 */
function sourceDateEpoch(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  const reason = Number.isNaN(n)
    ? "not a decimal number of seconds"
    : n > LAST_ZIP_SECOND
      ? "after 2107, the last zip timestamp"
      : undefined;
  if (reason === undefined) return Math.max(n, FIRST_ZIP_SECOND);
  throw new TspackError(ERROR_CODES.USAGE, `SOURCE_DATE_EPOCH "${value}" is invalid: ${reason}`, {
    hint: `Give whole seconds since 1970-01-01T00:00:00Z up to ${LAST_ZIP_SECOND} (2107; earlier than ${FIRST_ZIP_SECOND} counts as 1980-01-01), or unset it`,
  });
}

/** `tspack build`: the artifacts, with sizes and hashes. */
export async function runBuild(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const layout = flagString(ctx.flags, "layout") as BuildLayout | undefined;
  const out = flagString(ctx.flags, "out");
  const shebang = flagString(ctx.flags, "shebang");
  const epoch = sourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH);
  if (flagBool(ctx.flags, "compile-bytecode")) {
    throw new TspackError(ERROR_CODES.USAGE, "`tspack build --compile-bytecode` is not supported yet", {
      hint: "Use `tspack install --target DIR --compile-bytecode --python-interpreter PATH`, then zip the folder",
    });
  }
  const result = await build({
    ...fetchOptionsFrom(ctx),
    ...(layout === undefined ? {} : { layout }),
    ...(out === undefined ? {} : { outDir: resolve(ctx.cwd, out) }),
    ...(shebang === undefined ? {} : { shebang }),
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
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
