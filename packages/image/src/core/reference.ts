/**
 * Image references (pure): `[REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST]` with Docker's defaults (docker.io,
 * `library/` for one-part names, tag `latest`), and skopeo's `oci:PATH[:TAG]` (`oci-layout:` as an alias).
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";

export interface RegistryReference {
  kind: "registry";
  /** As written by the user (for messages and annotations). */
  text: string;
  /** Host[:port] as named (`docker.io` for Docker Hub). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface LayoutReference {
  kind: "oci-layout";
  text: string;
  path: string;
  tag?: string;
}

export type ImageReference = RegistryReference | LayoutReference;

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function bad(text: string, what: string, reason: string): TspackError {
  return new TspackError(ERROR_CODES.USAGE, `The ${what} "${text}" is not an image reference: ${reason}`, {
    hint: "Write REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST (e.g. public.ecr.aws/lambda/python:3.13), or oci:PATH[:TAG] for an OCI layout",
  });
}

/**
 * Parses an image reference. `what` names the option in errors (`--base`, `--push`).
 * @throws TSPACK_USAGE
 */
export function parseImageReference(text: string, what: string, options: { layout?: boolean } = {}): ImageReference {
  const layoutMatch = /^(oci|oci-layout):(.*)$/.exec(text);
  if (layoutMatch) {
    if (options.layout === false) throw bad(text, what, "an OCI layout cannot be pushed to; push to a registry");
    // skopeo's oci: transport splits at the first colon: the path cannot hold one.
    const rest = layoutMatch[2]!;
    const colon = rest.indexOf(":");
    const path = colon < 0 ? rest : rest.slice(0, colon);
    const tag = colon < 0 ? undefined : rest.slice(colon + 1);
    if (path === "") throw bad(text, what, "the OCI layout's path is empty");
    if (tag !== undefined && tag === "") throw bad(text, what, "the tag after the path is empty");
    return { kind: "oci-layout", text, path, ...(tag === undefined ? {} : { tag }) };
  }
  if (/^[a-z]+:\/\//i.test(text)) throw bad(text, what, "give it without a scheme (no https://)");
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw bad(text, what, `"${digest}" is not a sha256:<64 hex digits> digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) throw bad(text, what, `"${tag}" is not a valid tag`);
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))
  ) {
    registry = first;
    parts.shift();
    if (!HOST_RE.test(registry)) throw bad(text, what, `"${registry}" is not a registry host`);
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT_RE.test(p)))
    throw bad(text, what, "the repository must be lowercase letters, digits and . _ - separated by /");
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  return {
    kind: "registry",
    text,
    registry,
    repository: parts.join("/"),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The reference a manifest is read or written at: the digest if any, else the tag, else `latest`. */
export function referenceName(ref: RegistryReference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

/** The host the registry API is served from (Docker Hub's is registry-1.docker.io). */
export function apiHost(registry: string): string {
  return registry === "docker.io" || registry === "index.docker.io" ? "registry-1.docker.io" : registry;
}

/** True for localhost, 127.0.0.0/8 and [::1]: the only hosts spoken to over plain http. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = hostPort.startsWith("[") ? hostPort.slice(0, hostPort.indexOf("]") + 1) : hostPort.replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `https://host` or, for a loopback host, `http://host`. */
export function registryOrigin(registry: string): string {
  const host = apiHost(registry);
  return `${isLoopbackHost(host) ? "http" : "https"}://${host}`;
}
