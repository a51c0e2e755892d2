/**
 * The image stage (`--layout image`): the build's task-root files (exactly what `--layout dir` writes to
 * `task/`) split into two layers — the dependencies, then the app (the project's code and workspace
 * members) — and handed to @tspack/image, which adds them to the base, writes `image/` (an OCI layout with
 * one image manifest) into the staging folder and pushes to each `--push` reference. One module, one call.
 */
import { join } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  buildImage,
  checkImageOptions,
  type ImageEvent,
  type MemoStore,
  type TarFile,
  type TargetArch,
} from "@tspack/image";
import type { Target } from "@tspack/platform-tags";
import { lambdaBaseImage } from "@tspack/project";
import { isStreamedEntry, type ZipEntry } from "@tspack/zip";
import type { Dispatcher } from "undici";
import type { TspackEvent } from "../events.js";
import { type LoadedWheel, readEntry, streamWheelEntry } from "../wheels.js";

/** The library's image options (`build({ layout: "image", base, push })`). */
export interface ImageBuildOptions {
  /** Base image: `REGISTRY/REPO:TAG`, `…@sha256:…` or `oci:PATH[:TAG]`. Default `[tool.tspack] base`, else
   *  public.ecr.aws/lambda/python:3.X (the dir layout's FROM). */
  base?: string;
  /** Registry references to push the image to. */
  push?: readonly string[];
  /** Credentials for the `push` registries (the CLI's --registry-username / --registry-password-stdin). */
  registryAuth?: { username: string; password: string };
  /** The handler (`module.function`): the image's Cmd. Default `[tool.tspack] handler`, else detected. */
  handler?: string;
}

/** What build.json and the result say about the image. */
export interface ImageSummary {
  /** The manifest's digest: deploy `REPO@<digest>`. */
  digest: string;
  mediaType: string;
  platform: string;
  base: { name: string; digest: string; indexDigest?: string };
  layers: {
    deps: { digest: string; size: number; files: number };
    app: { digest: string; size: number; files: number };
  };
  /** `REGISTRY/REPO@sha256:…` per `--push`. */
  pushed: string[];
}

/** One file of the task root (the build's file entries: bytes, or a wheel entry still deflated). */
export interface TaskRootFile {
  path: string;
  mode: number;
  data?: Uint8Array;
  raw?: { wheel: LoadedWheel; entry: ZipEntry };
  owner: string;
}

/** The base a build uses. */
export function imageBaseFor(options: ImageBuildOptions, configured: string | undefined, target: Target): string {
  return (
    options.base ??
    configured ??
    lambdaBaseImage(`${target.python[0]}.${target.python[1]}`, target.arch === "aarch64" ? "arm64" : "x86_64")
  );
}

/**
 * Checks the image options before any download (references, credentials without --push, push without
 * the image layout). @throws TSPACK_USAGE
 */
export function checkImageBuildOptions(options: ImageBuildOptions, layout: string, configuredBase?: string): void {
  if (options.handler !== undefined && !/^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$/.test(options.handler))
    throw new TspackError(ERROR_CODES.USAGE, `The handler "${options.handler}" is not of the form module.function`, {
      hint: "Write it like app.main.handler",
    });
  const asked = options.push?.length || options.registryAuth || options.base !== undefined;
  if (asked && layout !== "image")
    throw new TspackError(
      ERROR_CODES.USAGE,
      `--base, --push and the registry credentials are for --layout image, not "${layout}"`,
      {
        hint: 'Add --layout image (or layout = "image" in [tool.tspack])',
      },
    );
  if (layout === "image")
    checkImageOptions({
      base: options.base ?? configuredBase ?? "public.ecr.aws/lambda/python:3.13",
      push: options.push,
      registryAuth: options.registryAuth,
    });
}

async function bytesOf(f: TaskRootFile): Promise<Uint8Array> {
  if (!f.raw) return f.data!;
  if (!isStreamedEntry(f.raw.entry)) return readEntry(f.raw.wheel, f.raw.entry);
  const out = new Uint8Array(f.raw.entry.uncompressedSize);
  let off = 0;
  await streamWheelEntry(f.raw.wheel, f.raw.entry, (chunk) => {
    out.set(chunk, off);
    off += chunk.length;
  });
  return out;
}

export interface WriteImageContext {
  stagingRoot: string;
  outDir: string;
  target: Target;
  /** The project's own packages (packaged root, workspace members): the app layer, with the project's code. */
  members: ReadonlySet<LoadedWheel>;
  base: string;
  handler: string | undefined;
  mtime: number;
  sourceDateEpoch: number | undefined;
  cacheDir: string;
  offline: boolean;
  memo: MemoStore | undefined;
  options: ImageBuildOptions;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string | undefined;
  dispatcher: Dispatcher | undefined;
  signal: AbortSignal | undefined;
  retry: { retries?: number; minDelayMs?: number; maxDelayMs?: number } | undefined;
  emit: (e: TspackEvent) => void;
  /** Settles when the build's wheel checks passed (nothing is pushed before). */
  beforePush: () => Promise<unknown>;
}

/** Writes `image/` into the staging folder (and pushes): the artifact and the summary for build.json. */
export async function writeImage(files: readonly TaskRootFile[], ctx: WriteImageContext) {
  if (ctx.handler === undefined)
    ctx.emit({
      type: "warning",
      message:
        "The image has no handler (CMD): set handler in [tool.tspack] or pass --handler module.function (tspack found no app/main.py or lambda_function.py)",
    });
  const deps: TarFile[] = [];
  const app: TarFile[] = [];
  let unzippedBytes = 0;
  // A member's generated files (RECORD, launchers) have no wheel entry: its owner names it.
  const appOwners = new Set(files.filter((f) => f.raw && ctx.members.has(f.raw.wheel)).map((f) => f.owner));
  for (const f of files) {
    const data = await bytesOf(f);
    unzippedBytes += data.length;
    (f.owner === "project" || appOwners.has(f.owner) ? app : deps).push({ path: f.path, mode: f.mode, data });
  }
  const result = await buildImage({
    base: ctx.base,
    push: ctx.options.push,
    registryAuth: ctx.options.registryAuth,
    arch: (ctx.target.arch === "aarch64" ? "aarch64" : "x86_64") as TargetArch,
    deps,
    app,
    handler: ctx.handler,
    mtime: ctx.mtime,
    sourceDateEpoch: ctx.sourceDateEpoch,
    layoutDir: join(ctx.stagingRoot, "image"),
    cacheDir: ctx.cacheDir,
    offline: ctx.offline,
    memo: ctx.memo,
    env: ctx.env,
    homedir: ctx.homedir,
    dispatcher: ctx.dispatcher,
    signal: ctx.signal,
    retry: ctx.retry,
    onEvent: (e: ImageEvent) => ctx.emit(e),
    beforePush: ctx.beforePush,
  });
  const image: ImageSummary = {
    digest: result.digest,
    mediaType: result.mediaType,
    platform: result.platform,
    base: result.base,
    layers: {
      deps: { digest: result.layers.deps.digest, size: result.layers.deps.size, files: result.layers.deps.files },
      app: { digest: result.layers.app.digest, size: result.layers.app.size, files: result.layers.app.files },
    },
    pushed: result.pushed,
  };
  const artifact = {
    kind: "image" as const,
    path: join(ctx.outDir, "image"),
    bytes: result.bytes,
    unzippedBytes,
    files: files.length,
    sha256: result.digest.slice("sha256:".length),
  };
  return { artifact, image };
}
