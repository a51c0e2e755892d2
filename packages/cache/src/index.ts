// @tspack/cache: content-addressed on-disk cache for wheels (internal, unstable). See docs/cache.md.
export { checkedMarkerFor, readCheckedMarker, writeCheckedMarker } from "./checked-marker.js";
export { type CleanCacheResult, cleanCache } from "./clean-cache.js";
export { hasEntry } from "./has-entry.js";
export { type FileDigest, hashFile } from "./hash-file.js";
export { CACHEDIR_TAG, initCache } from "./init-cache.js";
export {
  CHECKED_BUCKET,
  cachePathFor,
  DEFLATED_BUCKET,
  isSha256Hex,
  KNOWN_ROOT_ENTRIES,
  MEMO_BUCKET,
  TMP_DIR,
  TMP_DIR_MODE,
  tempDirFor,
  UNPACKED_BUCKET,
  UNPACKED_MANIFEST,
  unpackedDirFor,
  WHEELS_BUCKET,
} from "./layout.js";
export { makeDirs, makeDirsSync } from "./make-dirs.js";
export {
  decodeMemoEntry,
  encodeMemoEntry,
  localMemoStore,
  MEMO_DIR_MODE,
  MEMO_FILE_MODE,
  type MemoStore,
  memoEntryPath,
} from "./memo-store.js";
export {
  CACHE_FORMAT,
  CACHE_MARKER,
  CACHE_MARKER_TEXT,
  type CacheState,
  type CacheVerdict,
  cacheState,
  canonicalPath,
  checkCacheOwned,
  checkDestination,
  checkOutputFile,
  checkOutputOwned,
  checkTreeOwned,
  type DestinationOptions,
  isSameOrInside,
  isTspackCachedirTag,
  judgeCache,
  judgeOutput,
  LEGACY_ROOT_ENTRIES,
  listTree,
  notOwnedError,
  OS_METADATA_FILES,
  OUTPUT_MANIFEST,
  type OutputFileOptions,
  type OutputVerdict,
  outputEntriesOf,
  ownedDirsOf,
  type ProtectedFolder,
  parseCacheMarker,
  type TreeListing,
  unaccountedFiles,
} from "./ownership.js";
export { type PruneCacheOptions, type PruneCacheResult, pruneCache } from "./prune-cache.js";
export {
  type AtomicData,
  moveEntry,
  type PublishDirectoryOutcome,
  type PublishFileOptions,
  type PublishOutcome,
  publishDirectory,
  publishFile,
  type ReplaceFolderOptions,
  replaceFolder,
  type TempPlace,
  tempFileFor,
  type WriteFileAtomicOptions,
  writeFileAtomic,
} from "./publish.js";
export { type ResolveCacheDirOptions, resolveCacheDir } from "./resolve-cache-dir.js";
export {
  cacheTempPid,
  innerPath,
  isInnerStagingName,
  isMountPoint,
  leftoverPid,
  processGone,
  type Staging,
  type StagingTag,
  siblingPath,
  stagingFor,
  sweepCacheTemp,
  sweepLeftovers,
} from "./staging.js";
export { createTempPath } from "./temp-path.js";
export { cacheUserPath } from "./user-path.js";
export { type BadCacheEntry, type VerifyCacheOptions, type VerifyCacheResult, verifyCache } from "./verify-cache.js";
