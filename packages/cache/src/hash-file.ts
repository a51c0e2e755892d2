import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 (lowercase hex) and size of a file, streamed. */
export interface FileDigest {
  sha256: string;
  size: number;
}

/** Hashes a file with sha256 while streaming it (1 MiB reads). */
export async function hashFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}
