// @tspack/uv-lock: uv.lock → validated typed data.
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
