import { mkdirSync, rmSync } from "node:fs";
import { createTempPath, publishDirectory, unpackedDirFor } from "@tspack/cache";
import type { WheelFileEntry } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import type { WheelArchive } from "./archive.js";
import { entryIndexes, type UnpackedWheel, unpackedFileName, writeManifest } from "./unpacked-cache.js";

/** Thrown by the linker's fallback handler to stop filling the cache when only copies would do. */
export class SkipCache extends Error {}

/** One wheel being unpacked into the cache: a temp directory of the cache, files named by entry index. */
export interface CacheFill {
  sha256: string;
  archive: WheelArchive;
  /** The wheel's (validated) files. */
  files: ReadonlyArray<WheelFileEntry<ZipEntry>>;
  /** Temp directory (created by {@link CacheFiller.add}). */
  tmp: string;
  indexes: ReadonlyMap<ZipEntry, number>;
  /** Entries that will get their cache file by linking a staged file (the others are extracted). */
  linked: Set<ZipEntry>;
}

/**
 * Fills the flat unpacked cache during a cold install, so that each file is written once: the
 * install links its staged files into each wheel's temp directory (or extracts the few files that
 * are not staged verbatim), then every entry is published atomically (temp dir of the cache +
 * rename; a concurrent writer's copy wins harmlessly).
 */
export class CacheFiller {
  readonly #cacheDir: string;
  readonly fills: CacheFill[] = [];

  constructor(cacheDir: string) {
    this.#cacheDir = cacheDir;
  }

  /** Reserves a temp directory of the cache for one wheel. */
  async add(sha256: string, archive: WheelArchive, files: ReadonlyArray<WheelFileEntry<ZipEntry>>): Promise<CacheFill> {
    const tmp = await createTempPath(this.#cacheDir, ".unpack");
    mkdirSync(tmp);
    const fill: CacheFill = { sha256, archive, files, tmp, indexes: entryIndexes(archive), linked: new Set() };
    this.fills.push(fill);
    return fill;
  }

  /** The cache file of `entry` in `fill`'s temp directory (its bucket directory is created on demand). */
  static pathOf(fill: CacheFill, entry: ZipEntry): string {
    return `${fill.tmp}/${unpackedFileName(fill.indexes.get(entry)!)}`;
  }

  /** Writes every entry's manifest (before or while its files are written). Returns the wheels as they will be cached. */
  writeManifests(): UnpackedWheel[] {
    return this.fills.map((f) =>
      writeManifest(f.tmp, unpackedDirFor(this.#cacheDir, f.sha256), f.sha256, f.archive, f.files, f.indexes),
    );
  }

  /** Publishes every entry (complete: files and manifest; renames in parallel). */
  async publish(cached: ReadonlyArray<UnpackedWheel>): Promise<ReadonlyArray<UnpackedWheel>> {
    try {
      const settled = await Promise.allSettled(cached.map((u, i) => publishDirectory(this.fills[i]!.tmp, u.dir)));
      for (const r of settled) if (r.status === "rejected") throw r.reason;
      return cached;
    } finally {
      this.abandon();
    }
  }

  /** Removes the temp directories (those not published). */
  abandon(): void {
    for (const f of this.fills.splice(0)) rmSync(f.tmp, { recursive: true, force: true });
  }
}
