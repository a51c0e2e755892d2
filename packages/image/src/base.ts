/**
 * The base image: from a registry (cached by digest in the content-addressed cache, so `--offline` works with
 * a base pulled before; a tag's last digest is remembered in the memo store) or from an OCI layout on disk.
 * An index resolves to the target's platform; a single manifest must be for the target's architecture.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { cachePathFor, createTempPath, hasEntry, publishFile } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  checkConfigPlatform,
  type Descriptor,
  type ImageConfig,
  type ImageFamily,
  type ImageManifest,
  type ImageReference,
  type ParsedManifest,
  parseConfig,
  parseManifest,
  platformName,
  type RegistryReference,
  referenceName,
  selectPlatform,
  type TargetArch,
} from "./core/index.js";
import type { ImageEvent } from "./events.js";
import type { MemoStore } from "./memo-store.js";
import type { RegistryClient } from "./registry-client.js";

export interface ResolvedBase {
  reference: ImageReference;
  manifest: ImageManifest;
  family: ImageFamily;
  manifestDigest: string;
  /** The index's digest when the reference named an index. */
  indexDigest?: string;
  config: ImageConfig;
  /** linux/amd64 … */
  platform: string;
  /** Where the bytes of a base blob are (the cache, or the layout's blobs/). */
  blobPath(digest: string): string;
  /** True when the blob files must be hashed as they are copied (an OCI layout; cache entries are verified). */
  verifyBlobs: boolean;
}

export interface BaseContext {
  arch: TargetArch;
  cacheDir: string;
  offline: boolean;
  client: RegistryClient;
  memo?: MemoStore | undefined;
  onEvent?: ((e: ImageEvent) => void) | undefined;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const hexOf = (digest: string): string => digest.slice("sha256:".length);

export async function resolveBase(ref: ImageReference, ctx: BaseContext): Promise<ResolvedBase> {
  return ref.kind === "oci-layout" ? resolveLayoutBase(ref, ctx.arch) : resolveRegistryBase(ref, ctx);
}

function describeRef(ref: ImageReference): string {
  return `"${ref.text}"`;
}

/** `sha256(registry/repository:tag)`: the memo key of a tag's last digest. */
function tagKey(ref: RegistryReference): string {
  return sha256(new TextEncoder().encode(`tspack-image-tag\0${ref.registry}/${ref.repository}:${ref.tag ?? "latest"}`));
}

function offlineError(ref: RegistryReference, what: string): TspackError {
  return new TspackError(
    ERROR_CODES.OFFLINE,
    `The base image "${ref.text}" is not in the cache (${what}) and --offline forbids the network`,
    {
      hint: "Build once online to cache the base (pin it with @sha256:… to reuse it offline), or drop --offline",
    },
  );
}

async function resolveRegistryBase(ref: RegistryReference, ctx: BaseContext): Promise<ResolvedBase> {
  const what = describeRef(ref);
  const readCached = (digest: string): Uint8Array | undefined => {
    try {
      const bytes = readFileSync(cachePathFor(ctx.cacheDir, hexOf(digest)));
      return `sha256:${sha256(bytes)}` === digest ? bytes : undefined;
    } catch {
      return undefined;
    }
  };
  const manifestAt = async (
    reference: string,
    type: string | undefined,
  ): Promise<{ bytes: Uint8Array; digest: string; parsed: ParsedManifest }> => {
    let digest = reference.startsWith("sha256:") ? reference : undefined;
    if (digest === undefined && ctx.offline) {
      const remembered = await ctx.memo?.get("image-tag", tagKey(ref));
      if (!remembered) throw offlineError(ref, "its tag was never resolved");
      digest = new TextDecoder().decode(remembered);
    }
    if (digest !== undefined) {
      const cached = readCached(digest);
      if (cached) return { bytes: cached, digest, parsed: parseManifest(cached, type, what) };
      if (ctx.offline) throw offlineError(ref, `manifest ${digest}`);
    }
    const got = await ctx.client.getManifest(ref.registry, ref.repository, digest ?? reference);
    await storeBytes(ctx.cacheDir, got.digest, got.bytes);
    if (!reference.startsWith("sha256:"))
      await ctx.memo?.put("image-tag", tagKey(ref), new TextEncoder().encode(got.digest));
    return { bytes: got.bytes, digest: got.digest, parsed: parseManifest(got.bytes, got.mediaType ?? type, what) };
  };
  const top = await manifestAt(referenceName(ref), undefined);
  let manifest: ImageManifest;
  let family: ImageFamily;
  let manifestDigest = top.digest;
  let indexDigest: string | undefined;
  if (top.parsed.kind === "index") {
    indexDigest = top.digest;
    const d = selectPlatform(top.parsed.index, ctx.arch, what);
    const m = await manifestAt(d.digest, d.mediaType);
    if (m.parsed.kind !== "manifest")
      throw new TspackError(
        ERROR_CODES.IMAGE_INVALID,
        `The base image ${what} has an index inside its index: not supported`,
      );
    manifest = m.parsed.manifest;
    family = m.parsed.family;
    manifestDigest = m.digest;
  } else {
    manifest = top.parsed.manifest;
    family = top.parsed.family;
  }
  const ensureBlob = async (d: Descriptor): Promise<void> => {
    if (await hasEntry(ctx.cacheDir, hexOf(d.digest), d.size)) {
      ctx.onEvent?.({ type: "image:pull", reference: ref.text, digest: d.digest, bytes: d.size, cached: true });
      return;
    }
    if (ctx.offline) throw offlineError(ref, `blob ${d.digest}`);
    await downloadBlob(ctx, ref, d);
    ctx.onEvent?.({ type: "image:pull", reference: ref.text, digest: d.digest, bytes: d.size, cached: false });
  };
  await ensureBlob(manifest.config);
  const config = parseConfig(readFileSync(cachePathFor(ctx.cacheDir, hexOf(manifest.config.digest))), what);
  if (indexDigest === undefined) checkConfigPlatform(config, ctx.arch, what);
  // Layers: three at a time
  const queue = [...manifest.layers];
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let d = queue.shift(); d; d = queue.shift()) await ensureBlob(d);
    }),
  );
  return {
    reference: ref,
    manifest,
    family,
    manifestDigest,
    ...(indexDigest ? { indexDigest } : {}),
    config,
    platform: platformName(config),
    blobPath: (digest) => cachePathFor(ctx.cacheDir, hexOf(digest)),
    verifyBlobs: false,
  };
}

async function storeBytes(cacheDir: string, digest: string, bytes: Uint8Array): Promise<void> {
  if (await hasEntry(cacheDir, hexOf(digest), bytes.length)) return;
  const tmp = await createTempPath(cacheDir);
  try {
    const fd = openSync(tmp, "wx");
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      closeSync(fd);
    }
    await publishFile(tmp, cachePathFor(cacheDir, hexOf(digest)));
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Downloads a blob into the cache: hashed while it streams, published only when digest and size match. */
async function downloadBlob(ctx: BaseContext, ref: RegistryReference, d: Descriptor): Promise<void> {
  const tmp = await createTempPath(ctx.cacheDir);
  let fd: number | undefined;
  try {
    let hash = createHash("sha256");
    let size = 0;
    fd = openSync(tmp, "w");
    const theFd = fd;
    await ctx.client.getBlob(
      ref.registry,
      ref.repository,
      d.digest,
      (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        for (let off = 0; off < chunk.length; ) off += writeSync(theFd, chunk, off, chunk.length - off);
      },
      () => {
        hash = createHash("sha256");
        size = 0;
        // a retried download starts the file again
        closeSync(openSync(tmp, "w"));
      },
    );
    closeSync(fd);
    fd = undefined;
    const got = `sha256:${hash.digest("hex")}`;
    if (got !== d.digest || size !== d.size) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The blob ${d.digest} of the base image "${ref.text}" downloaded as ${got} (${size} bytes, expected ${d.size})`,
        {
          hint: "The registry sent other bytes than its manifest names: try again, or report it to the registry's operator",
        },
      );
    }
    await publishFile(tmp, cachePathFor(ctx.cacheDir, hexOf(d.digest)));
  } finally {
    if (fd !== undefined) closeSync(fd);
    await rm(tmp, { force: true });
  }
}

/** A base from an OCI layout on disk (`oci:PATH[:TAG]`): manifests and configs are checked by digest. */
function resolveLayoutBase(ref: Extract<ImageReference, { kind: "oci-layout" }>, arch: TargetArch): ResolvedBase {
  const what = describeRef(ref);
  const root = resolve(ref.path);
  const blobPath = (digest: string): string => join(root, "blobs", "sha256", hexOf(digest));
  const read = (d: Descriptor): Uint8Array => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(blobPath(d.digest));
    } catch (e) {
      throw new TspackError(ERROR_CODES.IMAGE_INVALID, `The OCI layout ${what} has no blob ${d.digest}`, {
        cause: e,
        hint: "Copy the image again (skopeo copy … oci:PATH:TAG)",
      });
    }
    if (`sha256:${sha256(bytes)}` !== d.digest)
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The blob ${d.digest} of the OCI layout ${what} does not match its digest`,
        { hint: "Copy the image again" },
      );
    return bytes;
  };
  let indexBytes: Uint8Array;
  try {
    indexBytes = readFileSync(join(root, "index.json"));
  } catch (e) {
    throw new TspackError(ERROR_CODES.FILE_NOT_FOUND, `The OCI layout ${what} has no index.json at "${root}"`, {
      cause: e,
      hint: "Give a folder written by skopeo copy … oci:PATH[:TAG] (or tspack's DIR/image)",
    });
  }
  const top = parseManifest(indexBytes, undefined, what);
  if (top.kind !== "index")
    throw new TspackError(ERROR_CODES.IMAGE_INVALID, `The OCI layout ${what}'s index.json is not an image index`);
  const named = top.index.manifests.filter((d) =>
    ref.tag === undefined ? true : d.annotations?.["org.opencontainers.image.ref.name"] === ref.tag,
  );
  if (named.length !== 1) {
    const tags = top.index.manifests.map((d) => d.annotations?.["org.opencontainers.image.ref.name"]).filter(Boolean);
    throw new TspackError(
      ERROR_CODES.IMAGE_INVALID,
      ref.tag === undefined
        ? `The OCI layout ${what} holds ${top.index.manifests.length} images: name one with oci:PATH:TAG`
        : `The OCI layout ${what} has no image tagged "${ref.tag}"`,
      {
        hint: tags.length
          ? `Its tags: ${tags.join(", ")}`
          : "Tag the image when copying it (skopeo copy … oci:PATH:TAG)",
      },
    );
  }
  let desc = named[0]!;
  let parsed = parseManifest(read(desc), desc.mediaType, what);
  let indexDigest: string | undefined;
  if (parsed.kind === "index") {
    indexDigest = desc.digest;
    desc = selectPlatform(parsed.index, arch, what);
    parsed = parseManifest(read(desc), desc.mediaType, what);
    if (parsed.kind !== "manifest")
      throw new TspackError(
        ERROR_CODES.IMAGE_INVALID,
        `The base image ${what} has an index inside its index: not supported`,
      );
  }
  const config = parseConfig(read(parsed.manifest.config), what);
  if (indexDigest === undefined) checkConfigPlatform(config, arch, what);
  return {
    reference: ref,
    manifest: parsed.manifest,
    family: parsed.family,
    manifestDigest: desc.digest,
    ...(indexDigest ? { indexDigest } : {}),
    config,
    platform: platformName(config),
    blobPath,
    verifyBlobs: true,
  };
}
