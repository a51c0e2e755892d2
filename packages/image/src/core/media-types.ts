/** The media types of images (OCI and Docker v2 schema 2) and the family a manifest belongs to. */
export const MEDIA_TYPES = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

/** OCI or Docker v2s2: the new layers take the base manifest's family (some registries reject mixed types). */
export type ImageFamily = "oci" | "docker";

/** What a registry is asked for when reading a manifest: every manifest and index type tspack reads. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(", ");

export function manifestMediaType(family: ImageFamily): string {
  return family === "oci" ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
}

export function layerMediaType(family: ImageFamily): string {
  return family === "oci" ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.dockerLayerGzip;
}
