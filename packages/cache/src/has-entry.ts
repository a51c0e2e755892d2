import { statSync } from "node:fs";
import { cachePathFor } from "./layout.js";

/**
 * True when the cache holds the file with this sha256 (and, when given, this size). Entries are
 * only ever published after verification, so existence is trusted; `verifyCache` re-hashes.
 */
export async function hasEntry(cacheRoot: string, sha256hex: string, size?: number): Promise<boolean> {
  // Synchronous: one stat(2), cheaper than a thread-pool round trip (a warm build makes one per wheel).
  try {
    const st = statSync(cachePathFor(cacheRoot, sha256hex), { throwIfNoEntry: false });
    return st?.isFile() === true && (size === undefined || st.size === size);
  } catch {
    return false;
  }
}
