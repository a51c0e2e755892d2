import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type LinkMode, parseLinkMode } from "@tspack/installer";
import { formatTarget } from "@tspack/platform-tags";
import { install } from "../../install.js";
import { envBool } from "../../uv-env.js";
import { flagBool, flagString } from "../args.js";
import { bytecodeFlags } from "../bytecode-flags.js";
import type { CommandContext } from "../context.js";
import { formatBytes, formatMs } from "../output.js";
import { fetchOptionsFrom } from "./common.js";

/**
 * The link mode: `--link-mode`, else `TSPACK_LINK_MODE`, else uv's `UV_LINK_MODE` (the uv Lambda
 * guide's Docker variant sets `UV_LINK_MODE=copy`), else the default (clone, falling back to copy).
 */
export function linkModeFrom(ctx: CommandContext): LinkMode | undefined {
  const flag = flagString(ctx.flags, "link-mode");
  if (flag !== undefined) return parseLinkMode(flag, "--link-mode");
  for (const name of ["TSPACK_LINK_MODE", "UV_LINK_MODE"]) {
    const value = ctx.env[name];
    if (value) return parseLinkMode(value, `${name}=${value}`);
  }
  return undefined;
}

/** `tspack install (--target DIR | --prefix DIR)`. */
export async function runInstall(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const target = flagString(ctx.flags, "target");
  const prefix = flagString(ctx.flags, "prefix");
  const name = `tspack ${ctx.argv[0] === "pip" ? "pip install" : "install"}`;
  if (target === undefined && prefix === undefined) {
    // (Both at once is refused by the parser, naming the two options.)
    throw new TspackError(ERROR_CODES.USAGE, `\`${name}\` needs one of --target DIR or --prefix DIR`, {
      hint: "--target DIR: everything at DIR's root (function zip); --prefix DIR: DIR/lib/python3.X/site-packages (layer). tspack never installs into a Python environment.",
    });
  }
  const linkMode = linkModeFrom(ctx);
  const requirementsFile = flagString(ctx.flags, "requirement");
  const shebang = flagString(ctx.flags, "shebang");
  // --compile-bytecode, else UV_COMPILE_BYTECODE (--no-compile-bytecode beats the variable); off by default.
  const bytecode = bytecodeFlags(ctx);
  const base = fetchOptionsFrom(ctx, { project: requirementsFile === undefined });
  const result = await install({
    ...base,
    ...(requirementsFile === undefined ? {} : { requirementsFile: resolve(ctx.cwd, requirementsFile) }),
    dest: resolve(ctx.cwd, (target ?? prefix)!),
    scheme: target !== undefined ? "target" : "prefix",
    ...(linkMode === undefined ? {} : { linkMode }),
    clean: flagBool(ctx.flags, "clean"),
    // --no-installer-metadata, else UV_NO_INSTALLER_METADATA (the uv guide's Dockerfile sets it).
    installerMetadata: !(
      flagBool(ctx.flags, "no-installer-metadata") || envBool(ctx.env, "UV_NO_INSTALLER_METADATA") === true
    ),
    ...(shebang === undefined ? {} : { shebang }),
    // Off unless asked, like uv's `pip install`.
    ...(bytecode.compile === true
      ? {
          compileBytecode: {
            ...(bytecode.python === undefined ? {} : { python: bytecode.python }),
            ...(bytecode.mode === undefined ? {} : { mode: bytecode.mode }),
          },
        }
      : {}),
  });
  // The uploads to the remote cache run in the background during the command: finished before exit.
  await result.remoteCache?.flush();
  const ms = performance.now() - started;
  if (ctx.output.json) {
    ctx.output.out(`${JSON.stringify({ ...result, ms: Math.round(ms) }, null, 2)}\n`);
    return 0;
  }
  if (!ctx.output.quiet) {
    ctx.output.err(
      `Installed ${result.packages.length} packages (${result.files} files, ${formatBytes(result.bytes)}) for ${formatTarget(result.target)} into ${result.dest} in ${formatMs(ms)} [${result.linkMode}]\n`,
    );
    for (const p of [...result.packages].sort((a, b) => (a.name < b.name ? -1 : 1)))
      ctx.output.err(` + ${p.name}==${p.version}\n`);
  }
  return 0;
}
