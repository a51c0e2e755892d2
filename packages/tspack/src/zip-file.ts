import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { crc32 as zlibCrc32 } from "node:zlib";
import { type ZipInputEntry, zipChunks } from "@tspack/zip";

/** A written zip and its identity. */
export interface ZipFileInfo {
  path: string;
  /** Size of the zip file. */
  bytes: number;
  /** Sum of the uncompressed sizes (what Lambda's 250 MB limit counts). */
  unzippedBytes: number;
  files: number;
  /** Hex sha256 of the file. */
  sha256: string;
  /** Base64 sha256: what Lambda reports as `CodeSha256`. */
  codeSha256: string;
}

/**
 * Streams a deterministic zip to `path` (entries sorted by the writer; fixed timestamp; fflate at a pinned
 * level for new data; raw-copied entries for wheel data), hashing as it writes.
 */
export async function writeZipFile(
  path: string,
  entries: ZipInputEntry[],
  mtime: number | undefined,
): Promise<ZipFileInfo> {
  const hash = createHash("sha256");
  const fh = await open(path, "wx");
  let bytes = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await fh.write(buf);
  };
  try {
    for (const chunk of zipChunks(entries, { ...(mtime === undefined ? {} : { mtime }), crc32: (d) => zlibCrc32(d) })) {
      hash.update(chunk);
      bytes += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 4 * 1024 * 1024) await flush();
    }
    await flush();
  } finally {
    await fh.close();
  }
  const digest = hash.digest();
  let unzipped = 0;
  for (const e of entries) unzipped += "data" in e ? e.data.length : e.raw.uncompressedSize;
  return {
    path,
    bytes,
    unzippedBytes: unzipped,
    files: entries.length,
    sha256: digest.toString("hex"),
    codeSha256: digest.toString("base64"),
  };
}
