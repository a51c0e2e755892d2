// @tspack/uv-lock: uv.lock → validated typed data.
export { atLockValue, locateLockError, lockLocation, lockPathOf, lockSource } from "./_locate.js";
export {
  KNOWN_LOCK_REVISION,
  type ParseUvLockOptions,
  parseUvLock,
  SUPPORTED_LOCK_VERSION,
} from "./parse-uv-lock.js";
export type {
  Lock,
  LockConflictItem,
  LockDependency,
  LockFile,
  LockHash,
  LockManifest,
  LockPackage,
  LockRequirement,
  LockSource,
  LockSourceKind,
  LockWarning,
  LockWheel,
  ParseUvLockResult,
} from "./types.js";
