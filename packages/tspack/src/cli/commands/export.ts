import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { exportRequirements } from "../../export.js";
import { parseIndexArg } from "../../uv-env.js";
import { flagBool, flagList, flagString } from "../args.js";
import type { CommandContext } from "../context.js";
import { selectionFromFlags } from "../flags.js";
import { yellow } from "../output.js";
import { flagOrEnv, projectFrom } from "./common.js";

/** Flags dropped from the header's command line, as uv drops them. */
const DROPPED = new Set(["--quiet", "-q", "--verbose", "-v", "--upgrade", "-U"]);

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
  const script = flagString(ctx.flags, "script");
  const scriptPath = script === undefined ? undefined : resolve(ctx.cwd, script);
  // A script is its own project (its lock is `<script>.lock`); else the project is found like uv's.
  const projectOptions =
    scriptPath === undefined
      ? projectFrom(ctx)
      : {
          projectDir: dirname(scriptPath),
          lockPath: lockPath === undefined ? `${scriptPath}.lock` : resolve(ctx.cwd, lockPath),
        };
  const path = outputFile === undefined ? undefined : resolve(ctx.cwd, outputFile);
  const cache = path === undefined ? undefined : await import("@tspack/cache");
  if (path !== undefined && cache !== undefined) {
    // The ownership guard, before any work: never the project's own inputs, a folder, or a file in the cache.
    const { projectDir, lockPath: lock } = projectOptions;
    cache.checkOutputFile(path, {
      inputs: [
        ...(scriptPath === undefined ? [] : [{ path: scriptPath, what: "the script" }]),
        { path: join(projectDir, "pyproject.toml"), what: "the project's pyproject.toml" },
        { path: lock, what: "the project's lock" },
        { path: join(dirname(lock), "pyproject.toml"), what: "the workspace's pyproject.toml" },
      ],
      cacheDir: cache.resolveCacheDir({ env: ctx.env, homedir: homedir(), cwd: ctx.cwd }),
      hint: "Write the requirements to a file of their own, e.g. -o requirements.txt",
    });
  }
  const indexUrl = flagString(ctx.flags, "index-url");
  const indexes = [
    ...flagList(ctx.flags, "index").map(parseIndexArg),
    ...flagList(ctx.flags, "extra-index-url").map((url) => ({ url })),
  ];
  const findLinks = flagList(ctx.flags, "find-links");
  const noEditable = flagOrEnv(ctx, "no-editable", "UV_NO_EDITABLE") === true;
  const text = await exportRequirements({
    ...projectOptions,
    ...(scriptPath === undefined ? {} : { script: scriptPath }),
    selection: selectionFromFlags(ctx.flags, ctx.env),
    hashes: !flagBool(ctx.flags, "no-hashes"),
    annotate: !flagBool(ctx.flags, "no-annotate"),
    header: !flagBool(ctx.flags, "no-header"),
    editable: !noEditable,
    noEditablePackages: flagList(ctx.flags, "no-editable-package"),
    emitIndexUrl: flagBool(ctx.flags, "emit-index-url"),
    emitFindLinks: flagBool(ctx.flags, "emit-find-links"),
    ...(indexUrl === undefined ? {} : { indexUrl }),
    ...(indexes.length ? { indexes } : {}),
    ...(findLinks.length ? { findLinks } : {}),
    env: ctx.env,
    onWarning: (message) => {
      if (!ctx.output.quiet) ctx.output.err(`${yellow("warning")}: ${message}\n`);
    },
    headerCommand: ctx.argv.filter((a) => !DROPPED.has(a)).join(" "),
  });
  if (path !== undefined && cache !== undefined) {
    // Atomically (@tspack/cache's publish): a temp file beside it (`.<name>.tspack-export-<pid>-<hex>`; a
    // killed run's is swept), renamed over it.
    let tmp: string | undefined;
    try {
      tmp = await cache.tempFileFor(path, { beside: "export" });
      await cache.writeFileAtomic(path, text, { temp: { path: tmp } });
    } catch (e) {
      const { classifyError } = await import("@tspack/errors");
      throw classifyError(e, {
        paths: [{ path, what: "the output file", option: "--output-file", internal: tmp === undefined ? [] : [tmp] }],
      });
    }
  }
  // Verbatim, like the -o file: uv export keeps a direct URL's credentials (docs/decisions.md).
  if (!ctx.output.quiet) ctx.output.outVerbatim(text);
  return 0;
}
