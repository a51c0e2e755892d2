/**
 * Pushing an image: every blob checked with HEAD and skipped when present, mounted from the base's repository
 * when it is on the same registry, else uploaded (POST + one PUT); then the exact manifest bytes, last, so a
 * failed push never moves the tag, and the pushed digest is the local one.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type Descriptor, type RegistryReference, repositoryScope } from "./core/index.js";
import type { ImageEvent } from "./events.js";
import type { BlobSource, RegistryClient } from "./registry-client.js";

export interface PushBlob {
  digest: string;
  size: number;
  source: BlobSource;
  /** A base layer (may be mounted from the base's repository). */
  base: boolean;
}

export interface PushInput {
  manifest: Uint8Array;
  manifestDescriptor: Descriptor;
  blobs: readonly PushBlob[];
  /** The base's repository when it is on the target's registry. */
  mountFrom?: string | undefined;
  onEvent?: ((e: ImageEvent) => void) | undefined;
}

/** @returns `REGISTRY/REPOSITORY@sha256:…` */
export async function pushImage(client: RegistryClient, target: RegistryReference, input: PushInput): Promise<string> {
  const digest = input.manifestDescriptor.digest;
  if (target.digest !== undefined && target.digest !== digest) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The push reference "${target.text}" names the digest ${target.digest}, but the image is ${digest}`,
      {
        hint: "Push to a tag (REGISTRY/REPOSITORY:TAG), or to the image's own digest",
      },
    );
  }
  const scopes = [
    repositoryScope(target.repository, ["pull", "push"]),
    ...(input.mountFrom && input.mountFrom !== target.repository ? [repositoryScope(input.mountFrom, ["pull"])] : []),
  ];
  const queue = [...new Map(input.blobs.map((b) => [b.digest, b])).values()];
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let b = queue.shift(); b; b = queue.shift()) {
        let outcome: "present" | "mounted" | "uploaded";
        if (await client.hasBlob(target.registry, target.repository, b.digest, scopes)) outcome = "present";
        else
          outcome = await client.pushBlob(
            target.registry,
            target.repository,
            b.digest,
            b.source,
            scopes,
            b.base && input.mountFrom && input.mountFrom !== target.repository ? input.mountFrom : undefined,
          );
        input.onEvent?.({ type: "image:push", reference: target.text, digest: b.digest, bytes: b.size, outcome });
      }
    }),
  );
  const reported = await client.putManifest(
    target.registry,
    target.repository,
    target.tag ?? target.digest ?? "latest",
    input.manifest,
    input.manifestDescriptor.mediaType,
    scopes,
  );
  if (reported !== undefined && reported !== digest) {
    throw new TspackError(
      ERROR_CODES.INTEGRITY_MISMATCH,
      `The registry "${target.registry}" stored the manifest of "${target.text}" as ${reported}, not ${digest}`,
      {
        hint: "The registry rewrote the manifest; Lambda would deploy another digest than the one built",
      },
    );
  }
  const pushed = `${target.registry}/${target.repository}@${digest}`;
  input.onEvent?.({ type: "image:pushed", reference: target.text, digest });
  return pushed;
}
