import { mkdirSync, rmSync } from "node:fs";
import { createTempPath, publishDirectory, unpackedDirFor } from "@tspack/cache";
import { entryFileMode, type WheelFileEntry } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import type { WheelArchive } from "./archive.js";
import type { ExtractJob } from "./parallel-extract.js";
import { entryIndexes, type UnpackedWheel, unpackedFileName, writeManifest } from "./unpacked-cache.js";

/** One wheel being unpacked into the cache: a temp directory of the cache, files named by entry index. */
export interface CacheFill {
  sha256: string;
  archive: WheelArchive;
  /** The wheel's (validated) files. */
  files: ReadonlyArray<WheelFileEntry<ZipEntry>>;
  /** Temp directory (created by {@link CacheFiller.add}). */
  tmp: string;
  indexes: ReadonlyMap<ZipEntry, number>;
}

/**
 * Fills the flat unpacked cache during a cold install: every file of a wheel is extracted into the
 * wheel's temp directory of the cache (as soon as the wheel is planned, while later wheels are still
 * being planned), the install then links (or copies) its files from there, and every entry is published
 * atomically at the end (temp dir of the cache + rename; a concurrent writer's copy wins harmlessly).
 */
export class CacheFiller {
  readonly #cacheDir: string;
  /** The install's temp directory in the cache: one sub-directory per wheel (`0`, `1`, ...). */
  readonly root: string;
  readonly fills: CacheFill[] = [];

  private constructor(cacheDir: string, root: string) {
    this.#cacheDir = cacheDir;
    this.root = root;
  }

  /** Creates the install's temp directory in the cache. */
  static async create(cacheDir: string): Promise<CacheFiller> {
    const root = await createTempPath(cacheDir, ".unpack");
    mkdirSync(root);
    return new CacheFiller(cacheDir, root);
  }

  /** Reserves a temp directory of the cache for one wheel. */
  add(sha256: string, archive: WheelArchive, files: ReadonlyArray<WheelFileEntry<ZipEntry>>): CacheFill {
    const tmp = `${this.root}/${this.fills.length}`;
    mkdirSync(tmp);
    const fill: CacheFill = { sha256, archive, files, tmp, indexes: entryIndexes(archive) };
    this.fills.push(fill);
    return fill;
  }

  /** The cache file of `entry` in `fill`'s temp directory (its bucket directory is created on demand). */
  static pathOf(fill: CacheFill, entry: ZipEntry): string {
    return `${fill.tmp}/${unpackedFileName(fill.indexes.get(entry)!)}`;
  }

  /**
   * The jobs that extract every file of `fill` (from archive number `archive`) with its install mode,
   * in archive order (for a ParallelExtract with `fillDir` = `fill.tmp`), hashing each for the RECORD
   * check (job `k` is `fill.files[k]`).
   */
  static jobs(fill: CacheFill, archive: number): ExtractJob[] {
    return fill.files.map(({ entry }) => {
      const index = fill.indexes.get(entry)!;
      return {
        archive,
        entry,
        path: `${fill.tmp}/${unpackedFileName(index)}`,
        mode: entryFileMode(entry),
        from: "",
        index,
        hash: true,
      };
    });
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
    this.fills.splice(0);
    rmSync(this.root, { recursive: true, force: true });
  }
}
