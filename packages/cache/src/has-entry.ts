import { stat } from "node:fs/promises";
import { cachePathFor } from "./layout.js";

/**
 * True when the cache holds the file with this sha256 (and, when given, this size). Entries are
 * only ever published after verification, so existence is trusted; `verifyCache` re-hashes.
 */
export async function hasEntry(cacheRoot: string, sha256hex: string, size?: number): Promise<boolean> {
  try {
    const st = await stat(cachePathFor(cacheRoot, sha256hex));
    return st.isFile() && (size === undefined || st.size === size);
  } catch {
    return false;
  }
}
