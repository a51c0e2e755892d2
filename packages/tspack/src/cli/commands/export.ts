import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { exportRequirements } from "../../export.js";
import { flagBool, flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { selectionFromFlags } from "../flags.js";

/** Flags dropped from the header's command line, as uv drops them. */
const DROPPED = new Set(["--quiet", "-q", "--verbose", "-v"]);

/** `tspack export`: requirements.txt like `uv export`. */
export async function runExport(ctx: CommandContext): Promise<number> {
  const lockPath = flagString(ctx.flags, "lock");
  const outputFile = flagString(ctx.flags, "output-file");
  const format = flagString(ctx.flags, "format");
  if (format !== undefined && format !== "requirements.txt" && format !== "requirements-txt") {
    const { TspackError, ERROR_CODES } = await import("@tspack/errors");
    throw new TspackError(ERROR_CODES.USAGE, `The export format "${format}" is not supported`, {
      hint: "tspack writes requirements.txt only",
    });
  }
  const text = await exportRequirements({
    projectDir: resolve(ctx.cwd, ctx.positionals[0] ?? "."),
    ...(lockPath === undefined ? {} : { lockPath: resolve(ctx.cwd, lockPath) }),
    selection: selectionFromFlags(ctx.flags),
    hashes: !flagBool(ctx.flags, "no-hashes"),
    annotate: !flagBool(ctx.flags, "no-annotate"),
    header: !flagBool(ctx.flags, "no-header"),
    editable: !flagBool(ctx.flags, "no-editable"),
    headerCommand: ctx.argv.filter((a) => !DROPPED.has(a)).join(" "),
  });
  if (outputFile !== undefined) {
    const path = resolve(ctx.cwd, outputFile);
    const tmp = `${path}.tspack-${process.pid}.tmp`;
    try {
      await (await import("@tspack/cache")).makeDirs(dirname(path));
      await writeFile(tmp, text);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      const { classifyError } = await import("@tspack/errors");
      throw classifyError(e, { paths: [{ path, what: "the output file", option: "--output-file", internal: [tmp] }] });
    }
  }
  // Verbatim, like the -o file: uv export keeps a direct URL's credentials (docs/decisions.md).
  if (!ctx.output.quiet) ctx.output.outVerbatim(text);
  return 0;
}
