/**
 * The target's platform in an image index (pure): x86_64 → linux/amd64, aarch64 → linux/arm64 (variant v8
 * or none). Attestation manifests (buildx's provenance/SBOM, platform unknown/unknown) are never chosen.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { Descriptor, ImageConfig, ImageIndex } from "./manifest.js";

export type TargetArch = "x86_64" | "aarch64";

/** The OCI architecture of a Lambda architecture. */
export function ociArchitecture(arch: TargetArch): "amd64" | "arm64" {
  return arch === "aarch64" ? "arm64" : "amd64";
}

export function platformName(p: {
  os?: string | undefined;
  architecture?: string | undefined;
  variant?: string | undefined;
}): string {
  return [p.os ?? "?", p.architecture ?? "?", ...(p.variant ? [p.variant] : [])].join("/");
}

function matches(
  p: { os?: string | undefined; architecture?: string | undefined; variant?: string | undefined },
  arch: TargetArch,
): boolean {
  const want = ociArchitecture(arch);
  if (p.os !== "linux" || p.architecture !== want) return false;
  return want === "amd64" || p.variant === undefined || p.variant === "v8";
}

function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || d.platform?.architecture === "unknown"
  );
}

/**
 * The index entry for the target (the first that matches, as registries and Docker pick).
 * @throws TSPACK_IMAGE_INVALID naming the platforms the index has.
 */
export function selectPlatform(index: ImageIndex, arch: TargetArch, what: string): Descriptor {
  const found = index.manifests.find((d) => d.platform !== undefined && !isAttestation(d) && matches(d.platform, arch));
  if (found) return found;
  const have = index.manifests.filter((d) => d.platform && !isAttestation(d)).map((d) => platformName(d.platform!));
  throw new TspackError(
    ERROR_CODES.IMAGE_INVALID,
    `The base image ${what} has no manifest for linux/${ociArchitecture(arch)}: it has ${have.length ? have.join(", ") : "no platform manifests"}`,
    {
      hint: `Choose a base published for linux/${ociArchitecture(arch)}, or build for the architecture it has (--arch ${arch === "aarch64" ? "x86_64" : "arm64"})`,
      details: { want: `linux/${ociArchitecture(arch)}`, have },
    },
  );
}

/**
 * A single-manifest base must be for the target: the error names both architectures.
 * @throws TSPACK_IMAGE_INVALID
 */
export function checkConfigPlatform(config: ImageConfig, arch: TargetArch, what: string): void {
  if (matches(config, arch)) return;
  const have = platformName(config);
  throw new TspackError(
    ERROR_CODES.IMAGE_INVALID,
    `The base image ${what} is for ${have}, not the target's linux/${ociArchitecture(arch)}`,
    {
      hint: `Use a base built for linux/${ociArchitecture(arch)} (or a multi-platform tag), or build for its architecture with --arch ${config.architecture === "arm64" ? "arm64" : "x86_64"}`,
      details: { want: `linux/${ociArchitecture(arch)}`, have },
    },
  );
}
