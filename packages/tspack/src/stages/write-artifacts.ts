/**
 * The write stage: each composed artifact into the staging folder — a zip framed by @tspack/zip (wheel
 * entries copied still deflated, generated files and code deflated with fflate at a pinned level; new
 * compressed bytes kept by the warm seam), or a directory plus its Dockerfile. With `record`, each zip also
 * says how it was assembled (the recipe a warm build replays).
 */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Target } from "@tspack/platform-tags";
import { detectHandler, dockerfileFor } from "@tspack/project";
import { DOS_EPOCH_SECONDS, getEntryData, type ZipInputEntry } from "@tspack/zip";
import type { RecipeZip } from "../warm/index.js";
import { writeZipFile, type ZipFileInfo } from "../zip-file.js";
import type { ArtifactContent } from "./compose.js";
import { type ImageSummary, type WriteImageContext, writeImage } from "./image.js";
import type { BuildRun } from "./run.js";
import type { BuildArtifact, FileEntry } from "./types.js";
import { writeTree } from "./write-tree.js";

export interface WriteContext {
  stagingRoot: string;
  outDir: string;
  mtime: number | undefined;
  target: Target;
  /** `[tool.tspack] handler`, for the Dockerfile (else detected from the code). */
  handler: string | undefined;
  code: readonly FileEntry[];
  /** The warm seam's folder for compressed bytes (undefined: no memo). */
  memoDir: string | undefined;
  /** The wheels' bytes, in recipe order, to record how the zips were assembled (undefined: no recipe). */
  record: Uint8Array[] | undefined;
  /** The image layout's settings (base, push, credentials, memo…); undefined for the other layouts. */
  image?: Omit<WriteImageContext, "stagingRoot" | "outDir" | "target" | "handler" | "mtime" | "sourceDateEpoch">;
}

export interface Written {
  artifacts: BuildArtifact[];
  /** Every zip with how it was assembled, or none (when not recorded). */
  recipeZips: RecipeZip[];
  /** Cache writes of compressed bytes (never reject). */
  stored: Array<Promise<void>>;
  /** The image's digest, base and pushed references (`image` layout). */
  image?: ImageSummary;
}

function toZipEntry(f: FileEntry): ZipInputEntry {
  if (f.raw) {
    const { wheel, entry } = f.raw;
    return {
      path: f.path,
      mode: f.mode,
      raw: {
        method: entry.method as 0 | 8,
        compressed: getEntryData(wheel.bytes, entry, { name: wheel.filename }),
        crc32: entry.crc32,
        uncompressedSize: entry.uncompressedSize,
      },
    };
  }
  return { path: f.path, mode: f.mode, data: f.data! };
}

export function zipArtifact(kind: "function" | "layer", info: ZipFileInfo, finalPath: string): BuildArtifact {
  return {
    kind,
    path: finalPath,
    bytes: info.bytes,
    unzippedBytes: info.unzippedBytes,
    files: info.files,
    sha256: info.sha256,
    codeSha256: info.codeSha256,
  };
}

export async function writeArtifacts(contents: ArtifactContent[], ctx: WriteContext, run: BuildRun): Promise<Written> {
  const out: Written = { artifacts: [], recipeZips: [], stored: [] };
  for (const a of contents) {
    if (a.kind === "task-root") {
      await writeTaskRoot(a, ctx, run, out.artifacts);
      continue;
    }
    if (a.kind === "image") {
      const written = await writeImage(a.files, {
        ...ctx.image!,
        stagingRoot: ctx.stagingRoot,
        outDir: ctx.outDir,
        target: ctx.target,
        handler: ctx.handler ?? detectHandler(ctx.code.map((f) => f.path)),
        mtime: ctx.mtime ?? DOS_EPOCH_SECONDS,
        sourceDateEpoch: ctx.mtime,
      });
      out.artifacts.push(written.artifact);
      out.image = written.image;
      continue;
    }
    const info = await writeZipFile(join(ctx.stagingRoot, a.name), a.files.map(toZipEntry), {
      mtime: ctx.mtime,
      cacheDir: ctx.memoDir,
      signal: run.signal,
      record: ctx.record,
    });
    out.artifacts.push(zipArtifact(a.kind, info, join(ctx.outDir, a.name)));
    out.stored.push(info.stored);
    const { recorded } = info;
    // Every zip of a build is recorded, or none (they share the sources).
    if (recorded)
      out.recipeZips.push({
        kind: a.kind,
        name: a.name,
        unzippedBytes: info.unzippedBytes,
        files: info.files,
        bytes: info.bytes,
        sha256: info.sha256,
        recorded,
      });
  }
  return out;
}

/** The task root (files with fixed modes and mtimes) and the Dockerfile that copies it. */
async function writeTaskRoot(a: ArtifactContent, ctx: WriteContext, run: BuildRun, artifacts: BuildArtifact[]) {
  const dirInfo = await writeTree(
    join(ctx.stagingRoot, a.name),
    a.files,
    run.checkAborted,
    ctx.mtime ?? DOS_EPOCH_SECONDS,
  );
  artifacts.push({ kind: "task-root", path: join(ctx.outDir, a.name), ...dirInfo });
  const python = ctx.target.python;
  const handler = ctx.handler ?? detectHandler(ctx.code.map((f) => f.path));
  const dockerfile = dockerfileFor({
    python: `${python[0]}.${python[1]}`,
    arch: ctx.target.arch === "aarch64" ? "arm64" : "x86_64",
    source: a.name,
    ...(handler ? { handler } : {}),
  });
  await writeFile(join(ctx.stagingRoot, "Dockerfile"), dockerfile);
  artifacts.push({
    kind: "dockerfile",
    path: join(ctx.outDir, "Dockerfile"),
    bytes: Buffer.byteLength(dockerfile),
    unzippedBytes: Buffer.byteLength(dockerfile),
    files: 1,
    sha256: createHash("sha256").update(dockerfile).digest("hex"),
  });
}
