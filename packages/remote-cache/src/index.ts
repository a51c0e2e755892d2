// @tspack/remote-cache: a shared cache for CI fleets on the S3 API (AWS S3, MinIO, R2, Ceph RGW): wheels by
// sha256 and the warm path's derived entries, read through under the local cache, every object verified.
// The AWS SDK is loaded only when a remote cache is opened (client.ts).
export { type ClientSettings, isIpOrLocalhost, resolveClientSettings } from "./client.js";
export { decodeMemoEntry, encodeMemoEntry, type MemoEntryProblem } from "./envelope.js";
export { layerStores, prefetchWheels, shareWheels, type WheelRef } from "./layered-store.js";
export { REMOTE_MEMO_BUCKET, REMOTE_WHEELS_BUCKET, remoteMemoKey, remoteWheelKey } from "./layout.js";
export type { MemoStore } from "./memo-store.js";
export {
  openRemoteCache,
  RemoteCache,
  type RemoteCacheMode,
  type RemoteCacheOptions,
  type RemoteCacheStats,
} from "./remote-cache.js";
export { parseRemoteCacheUrl, type RemoteCacheLocation } from "./s3-url.js";
