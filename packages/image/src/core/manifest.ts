/**
 * Image manifests, indexes and configs (pure): parsing with checks, and the composition of the new image —
 * the base's layers and history untouched, the new layers appended (one `rootfs.diff_ids` entry and one
 * history entry each), `Cmd` set to the handler, the base's Entrypoint, Env and WorkingDir kept, `created`
 * from SOURCE_DATE_EPOCH else the base's. JSON is written compactly with a fixed key order, so the bytes are
 * a function of the inputs; the config keeps the base's key order (JSON.parse keeps it).
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type ImageFamily, layerMediaType, MEDIA_TYPES, manifestMediaType } from "./media-types.js";

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
}

/** An OCI content descriptor (also Docker's). Extra fields of a base's descriptors are kept as they are. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
  [key: string]: unknown;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export type ParsedManifest =
  | { kind: "index"; index: ImageIndex; mediaType: string }
  | { kind: "manifest"; manifest: ImageManifest; family: ImageFamily; mediaType: string };

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const decoder = new TextDecoder();

function invalid(what: string, reason: string): TspackError {
  return new TspackError(ERROR_CODES.IMAGE_INVALID, `The base image ${what} cannot be used: ${reason}`, {
    hint: "Give a Lambda base image (an OCI or Docker v2 schema 2 image, or an index of them), e.g. public.ecr.aws/lambda/python:3.13",
  });
}

function parseJson(bytes: Uint8Array, what: string, part: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch {
    throw invalid(what, `its ${part} is not JSON`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid(what, `its ${part} is not a JSON object`);
  return v as Record<string, unknown>;
}

function checkDescriptor(d: unknown, what: string, part: string): Descriptor {
  const o = d as Partial<Descriptor> | null;
  if (
    typeof o !== "object" ||
    o === null ||
    typeof o.mediaType !== "string" ||
    typeof o.digest !== "string" ||
    !DIGEST_RE.test(o.digest) ||
    typeof o.size !== "number" ||
    !Number.isSafeInteger(o.size) ||
    o.size < 0
  ) {
    throw invalid(what, `its ${part} has a descriptor without a sha256 digest, a size or a media type`);
  }
  return o as Descriptor;
}

/**
 * A manifest or an index, from its bytes and the media type the registry (or the layout's descriptor) gave,
 * falling back to the document's own `mediaType` and shape.
 * @throws TSPACK_IMAGE_INVALID
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): ParsedManifest {
  const doc = parseJson(bytes, what, "manifest");
  const declared = typeof doc.mediaType === "string" ? doc.mediaType : undefined;
  const type =
    (contentType?.split(";")[0]?.trim() || declared) ??
    (Array.isArray(doc.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (doc.schemaVersion !== 2)
    throw invalid(what, `its manifest has schemaVersion ${String(doc.schemaVersion)}, not 2`);
  if (type === MEDIA_TYPES.ociIndex || type === MEDIA_TYPES.dockerList) {
    if (!Array.isArray(doc.manifests)) throw invalid(what, "its index has no manifests");
    const manifests = doc.manifests.map((d) => checkDescriptor(d, what, "index"));
    return { kind: "index", index: { ...(doc as object), manifests } as ImageIndex, mediaType: type };
  }
  if (type !== MEDIA_TYPES.ociManifest && type !== MEDIA_TYPES.dockerManifest) {
    throw invalid(what, `its manifest's media type "${type}" is not an OCI or Docker v2 schema 2 image`);
  }
  if (!Array.isArray(doc.layers)) throw invalid(what, "its manifest has no layers");
  const config = checkDescriptor(doc.config, what, "manifest's config");
  const layers = doc.layers.map((d) => checkDescriptor(d, what, "manifest's layers"));
  return {
    kind: "manifest",
    manifest: { ...(doc as object), config, layers } as ImageManifest,
    family: type === MEDIA_TYPES.ociManifest ? "oci" : "docker",
    mediaType: type,
  };
}

/** The parts of an image config tspack reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[] | null;
    WorkingDir?: string;
    [key: string]: unknown;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** @throws TSPACK_IMAGE_INVALID */
export function parseConfig(bytes: Uint8Array, what: string): ImageConfig {
  const doc = parseJson(bytes, what, "config");
  const rootfs = doc.rootfs as { type?: unknown; diff_ids?: unknown } | undefined;
  if (
    typeof rootfs !== "object" ||
    rootfs === null ||
    !Array.isArray(rootfs.diff_ids) ||
    !rootfs.diff_ids.every((d) => typeof d === "string" && DIGEST_RE.test(d))
  ) {
    throw invalid(what, "its config has no rootfs.diff_ids");
  }
  if (doc.config !== undefined && (typeof doc.config !== "object" || doc.config === null)) {
    throw invalid(what, "its config's `config` is not an object");
  }
  if (doc.history !== undefined && !Array.isArray(doc.history))
    throw invalid(what, "its config's history is not a list");
  return doc as ImageConfig;
}

/** A layer tspack made: its compressed blob and its uncompressed tar's digest. */
export interface NewLayer {
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (`rootfs.diff_ids`). */
  diffId: string;
  /** The history entry's `created_by` (what made the layer). */
  createdBy: string;
}

export interface ComposeInput {
  baseManifest: ImageManifest;
  family: ImageFamily;
  baseConfig: ImageConfig;
  layers: readonly NewLayer[];
  /** The handler (`Cmd`); undefined keeps the base's Cmd. */
  cmd?: readonly string[] | undefined;
  /** RFC 3339 time from SOURCE_DATE_EPOCH; undefined keeps the base's `created`. */
  created?: string | undefined;
  /** The base as the user named it and the digest of its manifest (OCI annotations, as ko writes them). */
  baseName: string;
  baseDigest: string;
  /** `sha256:<hex>` of bytes (injected: the core imports no node:crypto). */
  digest: (bytes: Uint8Array) => string;
}

export interface ComposedImage {
  config: Uint8Array;
  manifest: Uint8Array;
  manifestDescriptor: Descriptor;
  /** The new config as an object (for reports). */
  configObject: ImageConfig;
}

const encoder = new TextEncoder();

/** RFC 3339 (seconds, UTC, `Z`) of seconds since the epoch, as Go writes `created`. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The new image's config and manifest bytes. */
export function composeImage(input: ComposeInput): ComposedImage {
  const base = input.baseConfig;
  const created = input.created ?? base.created;
  const cfg: ImageConfig = structuredClone(base);
  if (input.created !== undefined) cfg.created = input.created;
  const inner = { ...(cfg.config ?? {}) };
  if (input.cmd !== undefined) inner.Cmd = [...input.cmd];
  cfg.config = inner;
  cfg.rootfs = { ...cfg.rootfs, diff_ids: [...cfg.rootfs.diff_ids, ...input.layers.map((l) => l.diffId)] };
  cfg.history = [
    ...(cfg.history ?? []),
    ...input.layers.map((l) => ({
      ...(created === undefined ? {} : { created }),
      created_by: l.createdBy,
      comment: "tspack",
    })),
  ];
  const config = encoder.encode(JSON.stringify(cfg));
  const configDescriptor = {
    mediaType: input.baseManifest.config.mediaType,
    digest: input.digest(config),
    size: config.length,
  };
  const layerType = layerMediaType(input.family);
  const manifestObject = {
    schemaVersion: 2,
    mediaType: manifestMediaType(input.family),
    config: configDescriptor,
    layers: [
      ...input.baseManifest.layers,
      ...input.layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.size })),
    ],
    ...(input.family === "oci"
      ? {
          annotations: {
            "org.opencontainers.image.base.digest": input.baseDigest,
            "org.opencontainers.image.base.name": input.baseName,
          },
        }
      : {}),
  };
  const manifest = encoder.encode(JSON.stringify(manifestObject));
  return {
    config,
    manifest,
    manifestDescriptor: { mediaType: manifestObject.mediaType, digest: input.digest(manifest), size: manifest.length },
    configObject: cfg,
  };
}

/**
 * What makes a base unlike a Lambda Python image: warnings naming what is missing (the build goes on: a
 * custom runtime image may be meant).
 */
export function baseWarnings(config: ImageConfig, what: string): string[] {
  const out: string[] = [];
  const c = config.config ?? {};
  if (c.WorkingDir !== "/var/task")
    out.push(
      `The base image ${what} does not look like a Lambda Python image: its WorkingDir is ${c.WorkingDir ? `"${c.WorkingDir}"` : "not set"}, not /var/task (the code is still put in /var/task)`,
    );
  if (!Array.isArray(c.Entrypoint) || c.Entrypoint.length === 0)
    out.push(
      `The base image ${what} does not look like a Lambda Python image: it has no ENTRYPOINT (Lambda's is /lambda-entrypoint.sh), so the handler given as CMD will not start`,
    );
  return out;
}

/** The OCI layout's index.json holding one image manifest (never an index: Lambda rejects them). */
export function layoutIndex(manifest: Descriptor, refName: string | undefined): Uint8Array {
  const d: Descriptor = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
  if (refName !== undefined) d.annotations = { "org.opencontainers.image.ref.name": refName };
  return encoder.encode(`${JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [d] })}\n`);
}

/** The `oci-layout` file. */
export const OCI_LAYOUT_FILE = encoder.encode(`${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
