/**
 * The image stage: the base (pulled or cached), two new layers (the dependencies, then the app, so a
 * code-only change pushes one small layer), the config and manifest, written as an OCI image layout holding
 * one image manifest (`<dir>/oci-layout`, `index.json`, `blobs/sha256/…`), then pushed to each `--push`
 * reference (blobs first, the manifest last, so a failed push never moves a tag).
 */
import { createHash } from "node:crypto";
import { closeSync, constants, copyFileSync, createReadStream, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { makeDirsSync } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { Dispatcher } from "undici";
import { resolveBase } from "./base.js";
import {
  baseWarnings,
  composeImage,
  type Descriptor,
  GZIP_ID,
  gzipChunks,
  layoutIndex,
  type NewLayer,
  OCI_LAYOUT_FILE,
  parseImageReference,
  type RegistryReference,
  rfc3339,
  type TarFile,
  type TargetArch,
  writeTar,
} from "./core/index.js";
import { findCredentials, runCredentialHelper } from "./credentials.js";
import type { ImageEvent } from "./events.js";
import type { MemoStore } from "./memo-store.js";
import { pushImage } from "./push.js";
import { RegistryClient } from "./registry-client.js";

/** Where the task root goes in the image (LAMBDA_TASK_ROOT). */
export const TASK_ROOT = "var/task";
/** The tag written into the layout's index.json (`oci:DIR/image:latest`, `umoci unpack --image DIR/image:latest`). */
export const LAYOUT_TAG = "latest";

export interface ImageOptions {
  /** The base image reference (registry or `oci:PATH[:TAG]`). */
  base: string;
  /** Registry references to push to (repeatable `--push`). */
  push?: readonly string[] | undefined;
  /** `--registry-username` + `--registry-password-stdin`: for the registries of `push`. */
  registryAuth?: { username: string; password: string } | undefined;
}

/** Parsed and checked image options (before any download). @throws TSPACK_USAGE */
export function checkImageOptions(o: ImageOptions): {
  base: ReturnType<typeof parseImageReference>;
  push: RegistryReference[];
} {
  const base = parseImageReference(o.base, "--base");
  const push = (o.push ?? []).map((p) => parseImageReference(p, "--push", { layout: false }) as RegistryReference);
  if (o.registryAuth && push.length === 0)
    throw new TspackError(ERROR_CODES.USAGE, "The registry credentials are given without --push", {
      hint: "--registry-username and --registry-password-stdin are for the registries of --push",
    });
  return { base, push };
}

export interface BuildImageInput extends ImageOptions {
  arch: TargetArch;
  /** Third-party packages (the first new layer), paths under the task root. */
  deps: readonly TarFile[];
  /** The project's code and workspace members (the second new layer). */
  app: readonly TarFile[];
  /** `Cmd` (the handler, `module.function`); undefined keeps the base's. */
  handler?: string | undefined;
  /** Seconds since the epoch on every tar entry. */
  mtime: number;
  /** SOURCE_DATE_EPOCH: the config's `created` (else the base's). */
  sourceDateEpoch?: number | undefined;
  /** Folder the OCI layout is written into (created; must not exist or be empty). */
  layoutDir: string;
  cacheDir: string;
  offline?: boolean | undefined;
  memo?: MemoStore | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
  homedir?: string | undefined;
  dispatcher?: Dispatcher | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: ImageEvent) => void) | undefined;
  /**
   * Awaited before the first push (the build's wheel checks): nothing is pushed from a build that then fails.
   */
  beforePush?: (() => Promise<unknown>) | undefined;
  /** Retry settings (tests make them fast). */
  retry?: { retries?: number; minDelayMs?: number; maxDelayMs?: number } | undefined;
}

export interface LayerInfo {
  digest: string;
  size: number;
  diffId: string;
  files: number;
}

export interface BuildImageResult {
  /** The image manifest's digest (what `--image-uri REPO@DIGEST` takes). */
  digest: string;
  mediaType: string;
  /** linux/amd64 or linux/arm64 */
  platform: string;
  base: { name: string; digest: string; indexDigest?: string };
  layers: { deps: LayerInfo; app: LayerInfo };
  /** `REGISTRY/REPOSITORY@sha256:…` for each pushed reference. */
  pushed: string[];
  /** Bytes of the layout (every blob). */
  bytes: number;
  warnings: string[];
  requests: number;
}

const sha256hex = (chunks: Iterable<Uint8Array>): string => {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
};

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks);
}

/** A layer's tar, its diff id, and its gzip (from the memo store when this tar was compressed before). */
async function makeLayer(
  files: readonly TarFile[],
  mtime: number,
  memo: MemoStore | undefined,
  createdBy: string,
): Promise<NewLayer & { blob: Uint8Array; files: number }> {
  const tar = writeTar(files, { root: TASK_ROOT, mtime });
  const diffHex = sha256hex(tar.chunks);
  const key = createHash("sha256").update(`tspack-layer-gzip\0${GZIP_ID}\0${diffHex}`).digest("hex");
  let blob = await memo?.get("layer-gzip", key);
  if (!blob) {
    blob = concat(gzipChunks(tar.chunks));
    await memo?.put("layer-gzip", key, blob);
  }
  return {
    blob,
    digest: `sha256:${sha256hex([blob])}`,
    size: blob.length,
    diffId: `sha256:${diffHex}`,
    createdBy,
    files: files.length,
  };
}

function writeFileBytes(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "wx", 0o644);
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return `sha256:${h.digest("hex")}`;
}

/**
 * Builds the image: resolves the base, writes the layout into `layoutDir`, pushes.
 * @throws TspackError: TSPACK_USAGE (references), TSPACK_IMAGE_INVALID, TSPACK_REGISTRY_AUTH, TSPACK_NETWORK,
 *   TSPACK_HTTP_STATUS, TSPACK_OFFLINE, TSPACK_INTEGRITY_MISMATCH
 */
export async function buildImage(input: BuildImageInput): Promise<BuildImageResult> {
  const { base: baseRef, push } = checkImageOptions(input);
  const warnings: string[] = [];
  const emit = (e: ImageEvent): void => {
    if (e.type === "warning") warnings.push(e.message);
    input.onEvent?.(e);
  };
  const credentialOptions = {
    env: input.env,
    homedir: input.homedir,
    explicit: input.registryAuth ? { ...input.registryAuth, registries: push.map((p) => p.registry) } : undefined,
    onWarning: (message: string) => emit({ type: "warning", message }),
  };
  const client = new RegistryClient({
    dispatcher: input.dispatcher,
    credentials: (registry) => findCredentials(registry, credentialOptions),
    runHelper: (helper, registry) => runCredentialHelper(helper, registry, credentialOptions),
    retry: input.retry,
    signal: input.signal,
    onRetry: (message) => emit({ type: "image:retry", message }),
  });
  try {
    const base = await resolveBase(baseRef, {
      arch: input.arch,
      cacheDir: input.cacheDir,
      offline: input.offline ?? false,
      client,
      memo: input.memo,
      onEvent: emit,
    });
    for (const w of baseWarnings(base.config, `"${baseRef.text}"`)) emit({ type: "warning", message: w });

    const deps = await makeLayer(input.deps, input.mtime, input.memo, "tspack: dependencies (uv.lock) in /var/task");
    const app = await makeLayer(input.app, input.mtime, input.memo, "tspack: the project's code in /var/task");
    const composed = composeImage({
      baseManifest: base.manifest,
      family: base.family,
      baseConfig: base.config,
      layers: [deps, app],
      cmd: input.handler === undefined ? undefined : [input.handler],
      created: input.sourceDateEpoch === undefined ? undefined : rfc3339(input.sourceDateEpoch),
      baseName: baseRef.text,
      baseDigest: base.manifestDigest,
      digest: (b) => `sha256:${sha256hex([b])}`,
    });
    const digest = composed.manifestDescriptor.digest;
    const configDigest = `sha256:${sha256hex([composed.config])}`;

    // The layout: blobs first, index.json last.
    const blobsDir = join(input.layoutDir, "blobs", "sha256");
    makeDirsSync(blobsDir);
    const blobFile = (d: string): string => join(blobsDir, d.slice("sha256:".length));
    let bytes = 0;
    const written = new Set<string>();
    for (const layer of base.manifest.layers) {
      if (written.has(layer.digest)) continue;
      written.add(layer.digest);
      copyFileSync(base.blobPath(layer.digest), blobFile(layer.digest), constants.COPYFILE_FICLONE);
      if (base.verifyBlobs && (await hashFile(blobFile(layer.digest))) !== layer.digest) {
        throw new TspackError(
          ERROR_CODES.INTEGRITY_MISMATCH,
          `The layer ${layer.digest} of the base image "${baseRef.text}" does not match its digest`,
          {
            hint: "Copy the base image again",
          },
        );
      }
      bytes += layer.size;
    }
    const own: Array<[string, Uint8Array]> = [
      [deps.digest, deps.blob],
      [app.digest, app.blob],
      [configDigest, composed.config],
      [digest, composed.manifest],
    ];
    for (const [d, b] of own) {
      if (written.has(d)) continue;
      written.add(d);
      writeFileBytes(blobFile(d), b);
      bytes += b.length;
    }
    writeFileBytes(join(input.layoutDir, "oci-layout"), OCI_LAYOUT_FILE);
    const index = layoutIndex(composed.manifestDescriptor, LAYOUT_TAG);
    writeFileBytes(join(input.layoutDir, "index.json"), index);
    bytes += OCI_LAYOUT_FILE.length + index.length;

    const pushed: string[] = [];
    if (push.length > 0) await input.beforePush?.();
    for (const target of push) {
      pushed.push(
        await pushImage(client, target, {
          manifest: composed.manifest,
          manifestDescriptor: composed.manifestDescriptor,
          blobs: [
            ...base.manifest.layers.map((l: Descriptor) => ({
              digest: l.digest,
              size: l.size,
              source: { path: base.blobPath(l.digest), size: l.size },
              base: true,
            })),
            { digest: deps.digest, size: deps.size, source: { bytes: deps.blob }, base: false },
            { digest: app.digest, size: app.size, source: { bytes: app.blob }, base: false },
            { digest: configDigest, size: composed.config.length, source: { bytes: composed.config }, base: false },
          ],
          mountFrom:
            base.reference.kind === "registry" && base.reference.registry === target.registry
              ? base.reference.repository
              : undefined,
          onEvent: emit,
        }),
      );
    }
    return {
      digest,
      mediaType: composed.manifestDescriptor.mediaType,
      platform: base.platform,
      base: {
        name: baseRef.text,
        digest: base.manifestDigest,
        ...(base.indexDigest ? { indexDigest: base.indexDigest } : {}),
      },
      layers: {
        deps: { digest: deps.digest, size: deps.size, diffId: deps.diffId, files: deps.files },
        app: { digest: app.digest, size: app.size, diffId: app.diffId, files: app.files },
      },
      pushed,
      bytes,
      warnings,
      requests: client.requests,
    };
  } finally {
    await client.close();
  }
}
