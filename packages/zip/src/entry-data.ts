import { readLocalHeader } from "./local-header.js";
import type { ZipEntry } from "./zip-entry.js";
import { zipError } from "./zip-error.js";

/** Options naming the archive in error messages. */
export interface EntryDataOptions {
  /** The archive's name (e.g. the wheel filename), used in error messages. */
  name?: string;
}

/**
 * The raw (still compressed) bytes of `entry` inside `bytes`: a subarray, not a copy. Reads the local
 * header to find the data; sizes come from the central directory (so data descriptors are handled).
 */
export function getEntryData(bytes: Uint8Array, entry: ZipEntry, options: EntryDataOptions = {}): Uint8Array {
  const h = readLocalHeader(bytes, entry, bytes.length, options.name);
  const end = h.dataStart + entry.compressedSize;
  if (end > bytes.length) {
    throw zipError(options.name, entry.name, `data (${entry.compressedSize} bytes at ${h.dataStart}) is truncated`);
  }
  return bytes.subarray(h.dataStart, end);
}
