// @tspack/installer: applies wheel install plans to disk (--target/--prefix), link modes, unpacked cache.
export { inflateWheelEntry, openWheelArchive, type WheelArchive } from "./archive.js";
export { type CompileBytecodeOptions, compileTree, installCompiler, pythonFiles } from "./compile-bytecode.js";
export {
  type InstallEvent,
  type InstalledPackage,
  type InstallOptions,
  type InstallResult,
  type InstallWheelInput,
  installWheels,
} from "./install-wheels.js";
export { LINK_MODES, Linker, type LinkFallback, type LinkMode, parseLinkMode } from "./link-mode.js";
export { acquireWorker, PoolWorker, prestartWorker, releaseWorker, stopPrestartedWorker } from "./pool/pool.js";
export { VERIFY_FIELDS, type VerifyResult } from "./pool/protocol.js";
export {
  checkInstallDest,
  type PublishMode,
  type PublishTreeOptions,
  publishTree,
  type RemovedDistribution,
  recordedPaths,
  uninstallDistributions,
} from "./publish-tree.js";
export { TreeWriter, type TreeWriterOptions } from "./tree-writer.js";
export {
  readUnpacked,
  readUnpackedFile,
  type StoredEntry,
  type UnpackedWheel,
  unpackedPath,
  unpackToCache,
} from "./unpacked-cache.js";
export { type VerifyUnpackedOptions, type VerifyUnpackedResult, verifyUnpacked } from "./verify-unpacked.js";
export {
  checkWheelEntry,
  digestToRecordHash,
  NODE_ZLIB,
  readEntry,
  recordHash,
  streamWheelEntry,
  streamWheelEntrySync,
  type WheelBytes,
  wheelEntryHead,
} from "./wheel-reader.js";
