// @tspack/image: Lambda container images without Docker (internal, unstable).
export { type BaseContext, type ResolvedBase, resolveBase } from "./base.js";
export {
  type BuildImageInput,
  type BuildImageResult,
  buildImage,
  checkImageOptions,
  type ImageOptions,
  LAYOUT_TAG,
  type LayerInfo,
  TASK_ROOT,
} from "./build-image.js";
export * from "./core/index.js";
export { authFiles, type CredentialOptions, findCredentials, runCredentialHelper } from "./credentials.js";
export type { ImageEvent } from "./events.js";
export type { MemoStore } from "./memo-store.js";
export { type PushBlob, type PushInput, pushImage } from "./push.js";
export { type BlobSource, RegistryClient, type RegistryClientOptions } from "./registry-client.js";
