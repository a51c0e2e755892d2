import { createHash } from "node:crypto";
import { isStreamedEntry } from "@tspack/zip";
import { readEntry, streamWheelEntry } from "../wheels.js";
import type { BuildArtifact, FileEntry } from "./types.js";

/**
 * Writes files into a fresh directory (inflating wheel entries) with the installer's tree writer: fixed modes
 * and one fixed mtime on every file and directory (SOURCE_DATE_EPOCH, else 1980-01-01), so a `COPY` of the
 * tree into an image gives the same layer whatever the build machine. Returns the size and a digest of
 * paths, modes and bytes.
 */
export async function writeTree(
  dir: string,
  files: FileEntry[],
  checkAborted: () => void,
  mtime: number,
): Promise<Omit<BuildArtifact, "kind" | "path">> {
  const { TreeWriter } = await import("@tspack/installer");
  const writer = new TreeWriter(dir, { createRoot: true, mtime });
  const digest = createHash("sha256");
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const f of sorted) {
    checkAborted();
    if (f.raw && isStreamedEntry(f.raw.entry)) {
      // A big entry streams to the file piece by piece as it inflates on the thread pool (bounded
      // memory); it is hashed with its declared size, which the reader checks before returning.
      const { wheel, entry } = f.raw;
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${entry.uncompressedSize}\0`);
      await writer.writeStream(f.path, f.mode, (write) =>
        streamWheelEntry(wheel, entry, (chunk) => {
          write(chunk);
          digest.update(chunk);
        }),
      );
    } else {
      const data = f.raw ? readEntry(f.raw.wheel, f.raw.entry) : f.data!;
      writer.writeFile(f.path, data, f.mode);
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${data.length}\0`);
      digest.update(data);
    }
  }
  writer.finish();
  return { bytes: writer.bytes, unzippedBytes: writer.bytes, files: sorted.length, sha256: digest.digest("hex") };
}
