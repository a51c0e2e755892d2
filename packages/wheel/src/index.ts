// @tspack/wheel: wheel metadata, RECORD, entry points and the pure install plan for --target/--prefix.
export { compareUtf8, sortByUtf8 } from "./byte-order.js";
export { checkDistInfoName, findDistInfo } from "./dist-info.js";
export { type EmailHeaders, headerValue, headerValues, parseEmailHeaders } from "./email-headers.js";
export { checkEntryName, normalizeEntryName, type UnsafeNameReason } from "./entry-path.js";
export { type EntryPointScript, type EntryPoints, parseEntryPoints, parseScriptValue } from "./entry-points.js";
export { installedSizeFloor } from "./installed-size.js";
export { defaultInterpreterPath, formatShebang, scriptLauncher } from "./launcher.js";
export {
  type InstallConflict,
  type MergedInstallPlan,
  mergeInstallPlans,
  type OwnedInstallOp,
  planOwner,
} from "./merge.js";
export { parseMetadata, type WheelMetadata } from "./metadata.js";
export { checkMetadataSizes, METADATA_MAX_BYTES } from "./metadata-cap.js";
export { normalizeName, splitWheelFilename } from "./names.js";
export {
  type EntryOp,
  findFileDirClash,
  type GeneratedOp,
  type InstallOp,
  type PlanWheelInput,
  planWheelInstall,
  type WheelInstallPlan,
} from "./plan.js";
export { compareRecordRows, formatRecord, parseRecord, type RecordRow, writeRecord } from "./record.js";
export {
  checkRecordDigests,
  type RecordDigestInput,
  readWheelRecord,
  recordSha256,
  recordWarnings,
  type WheelRecord,
} from "./record-check.js";
export { type InstallLayout, joinPosix, relativePosix, type SchemePaths, schemePaths } from "./scheme.js";
export { base64UrlNoPad, recordDigest, sha256 } from "./sha256.js";
export { validateWheelEntries, type WheelFileEntry } from "./validate.js";
export { canonicalVersion, versionsMatch } from "./version-match.js";
export { checkWheelVersion, parseWheelFile, type WheelFile } from "./wheel-file.js";
export {
  entryFileMode,
  entryUnixMode,
  type FileMode,
  isSymlinkEntry,
  type WheelZipEntry,
} from "./wheel-zip-entry.js";
