// @tspack/zip: zip reader and deterministic zip writer over bytes (pure: no node:*).
export { decodeCp437 } from "./cp437.js";
export { crc32 } from "./crc32.js";
export type { DosDateTime } from "./dos-time.js";
export { DOS_EPOCH_SECONDS, toDosDateTime } from "./dos-time.js";
export type { EntryDataOptions } from "./entry-data.js";
export { getEntryData } from "./entry-data.js";
export type { EntryReaderOptions, InflateEntryOptions, VerifyEntryOptions } from "./inflate-entry.js";
export {
  checkEntry,
  checkEntryAsync,
  entryHead,
  inflateEntry,
  isStreamedEntry,
  ONE_CALL_MAX_BYTES,
  streamEntry,
  streamEntryAsync,
  verifyEntry,
  WHOLE_ENTRY_MAX_BYTES,
} from "./inflate-entry.js";
export type { ReadZipOptions } from "./read-zip-entries.js";
export { readZipEntries } from "./read-zip-entries.js";
export { decodeUtf8, encodeUtf8 } from "./utf8.js";
export type { ZipInputEntry, ZipRawData, ZipWriteOptions } from "./write-zip.js";
export { writeZip, zipChunks } from "./write-zip.js";
export type { ZipEntry } from "./zip-entry.js";
export { assertZipPath } from "./zip-path.js";
