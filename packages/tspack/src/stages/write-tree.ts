import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { chmod, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { makeDirs } from "@tspack/cache";
import { isStreamedEntry } from "@tspack/zip";
import { readEntry, streamWheelEntry } from "../wheels.js";
import type { BuildArtifact, FileEntry } from "./types.js";

/**
 * Writes files into a fresh directory (inflating wheel entries), with fixed modes and one fixed mtime on
 * every file and directory (SOURCE_DATE_EPOCH, else 1980-01-01), so a `COPY` of the tree into an image
 * gives the same layer whatever the build machine. Returns the size and a digest of paths, modes and bytes.
 */
export async function writeTree(
  dir: string,
  files: FileEntry[],
  checkAborted: () => void,
  mtime: number,
): Promise<Omit<BuildArtifact, "kind" | "path">> {
  const digest = createHash("sha256");
  const made = new Set<string>();
  let bytes = 0;
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const f of sorted) {
    checkAborted();
    const target = join(dir, ...f.path.split("/"));
    const parent = dirname(target);
    if (!made.has(parent)) {
      await makeDirs(parent);
      made.add(parent);
    }
    if (f.raw && isStreamedEntry(f.raw.entry)) {
      // A big entry streams to the file piece by piece as it inflates on the thread pool (bounded
      // memory); it is hashed with its declared size, which the reader checks before returning.
      const size = f.raw.entry.uncompressedSize;
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${size}\0`);
      const fd = openSync(target, "w", f.mode);
      try {
        await streamWheelEntry(f.raw.wheel, f.raw.entry, (chunk) => {
          for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
          digest.update(chunk);
        });
      } finally {
        closeSync(fd);
      }
      bytes += size;
    } else {
      const data = f.raw ? readEntry(f.raw.wheel, f.raw.entry) : f.data!;
      await writeFile(target, data, { mode: f.mode });
      bytes += data.length;
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${data.length}\0`);
      digest.update(data);
    }
    await chmod(target, f.mode);
    await utimes(target, mtime, mtime);
  }
  // Directories last, deepest first (writing a file changes its parent's mtime).
  const dirs = new Set<string>([dir]);
  for (const parent of made) for (let d = parent; d.length > dir.length; d = dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    await chmod(d, 0o755);
    await utimes(d, mtime, mtime);
  }
  return { bytes, unzippedBytes: bytes, files: sorted.length, sha256: digest.digest("hex") };
}
