/**
 * The install's RECORD check: every wheel's files compared with its RECORD (checkRecordDigests), with
 * the sha256 of each file as this install inflated it (the plan's reads, the cache fill, the
 * extraction) or, for a wheel linked from the unpacked cache, of its cached files.
 */
import { readCheckedMarker, writeCheckedMarker } from "@tspack/cache";
import { checkRecordDigests } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import { inflateWheelEntry, type WheelArchive } from "../archive.js";
import type { InstallWheelInput } from "../install-wheels.js";
import type { ParallelExtract } from "../parallel-extract.js";
import type { StoredEntry, UnpackedWheel } from "../unpacked-cache.js";
import type { InstallRun } from "./context.js";

/** A wheel installed from the unpacked cache: its RECORD check is remembered (or done on its cached files). */
export interface UnpackedCheck {
  wheel: InstallWheelInput;
  kind: "unpacked";
  unpacked: UnpackedWheel;
  read: (e: StoredEntry) => Uint8Array;
  /** The sha256 of a cached file, read in pieces (a file may be larger than memory allows). */
  digest: (e: StoredEntry) => string;
}

/** A wheel inflated by this install: the sha256 of its files as the plan, the cache fill or the extraction inflated them. */
export interface ArchiveCheck {
  wheel: InstallWheelInput;
  kind: "archive";
  archive: WheelArchive;
  /** Files the plan read. */
  digests: Map<ZipEntry, string>;
  owner: string;
  /** The fill of the unpacked cache (every file, job `k` = `files[k]`). */
  fill?: { run: ParallelExtract; files: ReadonlyArray<{ entry: ZipEntry }> };
}

export type RecordCheck = UnpackedCheck | ArchiveCheck;

/** owner (`name==version`) → the sha256 of the files the cold extraction inflated. */
export type ColdDigests = ReadonlyMap<string, ReadonlyMap<ZipEntry, string>>;

/**
 * The RECORD warnings of one wheel (checkRecordDigests), remembered in the cache's checked marker once
 * every file was compared: a wheel that filled the unpacked cache, or one linked from it (whose cached
 * files are read and hashed once, when no marker says it was checked). A wheel extracted without the
 * cache is compared for the files this install inflated.
 */
async function recordCheck(
  check: RecordCheck,
  coldDigests: ColdDigests,
  cacheDir: string | undefined,
): Promise<string[]> {
  const { wheel } = check;
  if (check.kind === "unpacked") {
    const known = cacheDir === undefined ? undefined : readCheckedMarker(cacheDir, wheel.sha256);
    if (known !== undefined) return known;
    const warnings = checkRecordDigests(
      { filename: wheel.filename, entries: check.unpacked.entries, read: check.read },
      check.digest,
    );
    if (cacheDir !== undefined) await writeCheckedMarker(cacheDir, wheel.sha256, warnings);
    return warnings;
  }
  const filled = new Map<ZipEntry, string>();
  check.fill?.files.forEach(({ entry }, k) => {
    const d = check.fill!.run.digestOf(k);
    if (d !== undefined) filled.set(entry, d);
  });
  const extracted = coldDigests.get(check.owner);
  const warnings = checkRecordDigests(
    { filename: wheel.filename, entries: check.archive.entries, read: (e) => inflateWheelEntry(check.archive, e) },
    (e) => filled.get(e) ?? check.digests.get(e) ?? extracted?.get(e),
  );
  if (cacheDir !== undefined && check.fill !== undefined) await writeCheckedMarker(cacheDir, wheel.sha256, warnings);
  return warnings;
}

/** Checks every wheel, in order, and emits its RECORD warnings (prefixed with its filename). */
export async function checkRecords(
  run: InstallRun,
  checks: readonly RecordCheck[],
  coldDigests: ColdDigests,
): Promise<void> {
  for (const check of checks) {
    for (const w of await recordCheck(check, coldDigests, run.options.cacheDir)) {
      run.emit({ type: "warning", message: `${check.wheel.filename}: ${w}` });
    }
  }
}
