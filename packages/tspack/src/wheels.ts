/**
 * Cached wheels → install plans. Shared by the zip writer (which raw-copies deflated entries) and the
 * directory layouts. The pure planning lives in @tspack/wheel; this module supplies bytes, a fast
 * inflate (node:zlib) and sha256 (node:crypto).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import { CHECKED_BUCKET } from "@tspack/cache";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import {
  type InstallLayout,
  type MergedInstallPlan,
  mergeInstallPlans,
  planOwner,
  planWheelInstall,
  type WheelInstallPlan,
} from "@tspack/wheel";
import { getEntryData, readZipEntries, verifyEntry, type ZipEntry } from "@tspack/zip";

/** A wheel in memory, with its central directory read. */
export interface LoadedWheel {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  bytes: Uint8Array;
  entries: ZipEntry[];
}

/**
 * Inflates one entry with node:zlib, refusing more output than declared (zip bombs), and checks CRC and size.
 * Twin of @tspack/installer's `inflateWheelEntry`, kept on purpose: importing the installer here would put
 * the whole installer (workers, staging, bytecode) on the warm zip path, which must load as little as possible.
 */
export function readEntry(wheel: Pick<LoadedWheel, "filename" | "bytes">, entry: ZipEntry): Uint8Array {
  const raw = getEntryData(wheel.bytes, entry, { name: wheel.filename });
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (e) {
      const tooBig = (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError;
      throw new TspackError(
        ERROR_CODES.ZIP_INVALID,
        tooBig
          ? `"${wheel.filename}": entry "${entry.name}" inflates to more than its declared ${entry.uncompressedSize} bytes (zip bomb?)`
          : `"${wheel.filename}": entry "${entry.name}" cannot be inflated: ${(e as Error).message}`,
        { hint: "The wheel is corrupt: clear it with `tspack cache verify` and download it again", cause: e },
      );
    }
  }
  verifyEntry(entry, data, { name: wheel.filename, crc32: (d) => zlibCrc32(d) });
  return data;
}

/** URL-safe base64 sha256 without padding (RECORD's digest format). */
export function recordHash(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("base64url");
}

/** Reads a wheel file and its central directory. */
export async function loadWheel(w: {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  path: string;
}): Promise<LoadedWheel> {
  const bytes = await readFile(w.path);
  return {
    name: w.name,
    version: w.version,
    filename: w.filename,
    sha256: w.sha256,
    bytes,
    entries: readZipEntries(bytes, { name: w.filename }),
  };
}

/** Wraps in-memory bytes (a natively built member wheel). */
export function wheelFromBytes(w: {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  bytes: Uint8Array;
}): LoadedWheel {
  return { ...w, entries: readZipEntries(w.bytes, { name: w.filename }) };
}

/**
 * Inflates every entry once to check CRC and sizes (the zip path later copies compressed bytes
 * without inflating). A marker `checked-v1/<sha256>` in the cache remembers wheels already checked, so
 * warm builds skip this.
 */
export async function verifyWheelOnce(wheel: LoadedWheel, cacheDir: string | undefined): Promise<void> {
  const marker = cacheDir ? join(cacheDir, CHECKED_BUCKET, wheel.sha256.slice(0, 2), wheel.sha256) : undefined;
  if (marker) {
    try {
      await stat(marker);
      return;
    } catch {
      // not checked yet
    }
  }
  for (const entry of wheel.entries) if (!entry.isDirectory) readEntry(wheel, entry);
  if (marker) {
    try {
      await mkdir(join(marker, ".."), { recursive: true });
      await writeFile(marker, "");
    } catch {
      // a read-only cache only costs the check next time
    }
  }
}

/** The plan of every wheel and their merge (a deterministic winner on conflicts). */
export interface PlannedWheels {
  plans: WheelInstallPlan<ZipEntry>[];
  merged: MergedInstallPlan<ZipEntry>;
  /** owner (`name==version`) → the wheel the op's entry belongs to. */
  byOwner: Map<string, LoadedWheel>;
}

export function planWheels(wheels: readonly LoadedWheel[], layout: InstallLayout): PlannedWheels {
  const plans: WheelInstallPlan<ZipEntry>[] = [];
  const byOwner = new Map<string, LoadedWheel>();
  for (const wheel of wheels) {
    const plan = planWheelInstall<ZipEntry>(
      { filename: wheel.filename, entries: wheel.entries, read: (e) => readEntry(wheel, e), hash: recordHash },
      layout,
    );
    plans.push(plan);
    byOwner.set(planOwner(plan), wheel);
  }
  return { plans, merged: mergeInstallPlans(plans), byOwner };
}
