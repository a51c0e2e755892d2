/**
 * Checking a wheel's RECORD against its files, with uv's behaviour as the reference for what is an error
 * (crates/uv-install-wheel/src/wheel.rs `validate_and_heal_record`, `read_record`; install.rs
 * `install_wheel`):
 *
 * - no RECORD: an error (uv fails to open it; pip fails too) — TSPACK_RECORD_MISMATCH;
 * - a size that is not a number: an error (uv's csv reader: "RECORD file is invalid") — TSPACK_WHEEL_INVALID;
 * - a file the RECORD does not list, a RECORD row for a file the wheel does not have: uv heals the RECORD
 *   (logged at debug level only); tspack heals it the same way and warns;
 * - a size or sha256 that disagrees with the file: neither uv nor pip compares them; tspack does and warns
 *   (docs/decisions.md: the wheel's own sha256, checked against the lock, is the integrity boundary).
 *
 * The RECORD's own row and the signatures `RECORD.jws`/`RECORD.p7s` are never checked (a file cannot
 * hold its own hash). Only `sha256=` digests are compared (the only algorithm wheel builders write).
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { findDistInfo } from "./dist-info.js";
import { normalizeEntryName } from "./entry-path.js";
import { METADATA_MAX_BYTES, tooLargeToRead } from "./metadata-cap.js";
import { parseRecord, type RecordRow } from "./record.js";
import { decodeUtf8 } from "./utf8.js";
import { validateWheelEntries, type WheelFileEntry } from "./validate.js";
import type { WheelZipEntry } from "./wheel-zip-entry.js";

/** A wheel's RECORD as read for checking. */
export interface WheelRecord {
  /** Path of the RECORD in the wheel (`foo-1.0.dist-info/RECORD`). */
  path: string;
  /** The first row of every (normalized) path, the RECORD's own row included. */
  rows: Map<string, RecordRow>;
  /** Paths of rows that are not safe relative paths (they name no file of the wheel). */
  stray: string[];
}

const SIZE = /^\+?\d+$/;

/**
 * Reads the RECORD of a wheel whose `.dist-info` directory is `distInfo`. Throws TSPACK_RECORD_MISMATCH
 * when there is none and TSPACK_WHEEL_INVALID when it declares more than METADATA_MAX_BYTES (before
 * reading it), cannot be parsed or a size is not a number.
 */
export function readWheelRecord<E extends WheelZipEntry>(
  wheel: string,
  distInfo: string,
  byPath: ReadonlyMap<string, E>,
  read: (entry: E) => Uint8Array,
): WheelRecord {
  const path = `${distInfo}/RECORD`;
  const entry = byPath.get(path);
  if (entry === undefined) {
    throw new TspackError(ERROR_CODES.RECORD_MISMATCH, `The wheel "${wheel}" has no RECORD: "${path}" is missing`, {
      hint: "uv and pip refuse such a wheel too: it is malformed. Report it to the package's maintainers, or use another version.",
      details: { wheel, file: path },
    });
  }
  if (entry.uncompressedSize > METADATA_MAX_BYTES) throw tooLargeToRead(wheel, path, entry.uncompressedSize);
  let text = decodeUtf8(read(entry));
  if (text.startsWith("\ufeff")) text = text.slice(1);
  const source = `${wheel}/${path}`;
  const rows = new Map<string, RecordRow>();
  const stray: string[] = [];
  for (const row of parseRecord(text, source)) {
    if (row.size !== "" && !SIZE.test(row.size)) {
      throw new TspackError(
        ERROR_CODES.WHEEL_INVALID,
        `The RECORD file "${source}" is invalid: the size of ${JSON.stringify(row.path)} is ${JSON.stringify(row.size)}, not a number`,
        {
          hint: "The wheel is malformed (uv refuses it too); report it to the package's maintainers.",
          details: { wheel, file: row.path },
        },
      );
    }
    const n = normalizeEntryName(row.path);
    if (!("path" in n) || n.path === "" || n.path.endsWith("/")) stray.push(row.path);
    else if (!rows.has(n.path)) rows.set(n.path, row);
  }
  return { path, rows, stray };
}

/** The digest of a RECORD hash field when it is `sha256=<urlsafe base64>`, else undefined. */
export function recordSha256(hash: string): string | undefined {
  return hash.startsWith("sha256=") ? hash.slice("sha256=".length) : undefined;
}

/** True for the files RECORD does not describe: itself and its signatures. */
function unchecked(record: WheelRecord, path: string): boolean {
  return path === record.path || path === `${record.path}.jws` || path === `${record.path}.p7s`;
}

const SHOWN = 5;

/** `n file(s)` and the first few items, then how many more. */
function listOf(items: string[]): string {
  const shown = items.slice(0, SHOWN).join(", ");
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

const files = (n: number): string => (n === 1 ? "1 file" : `${n} files`);

/**
 * What the central directory alone says about RECORD (no content read): files RECORD does not list,
 * rows for files the wheel does not have, sizes that disagree. One warning per kind, naming the files
 * (not the wheel: callers prefix it).
 */
export function recordWarnings<E extends WheelZipEntry>(
  record: WheelRecord,
  wheelFiles: ReadonlyArray<WheelFileEntry<E>>,
): string[] {
  const unlisted: string[] = [];
  const sizes: string[] = [];
  const present = new Set<string>();
  for (const { path, entry } of wheelFiles) {
    present.add(path);
    if (unchecked(record, path)) continue;
    const row = record.rows.get(path);
    if (row === undefined) unlisted.push(JSON.stringify(path));
    else if (row.size !== "" && Number(row.size) !== entry.uncompressedSize) {
      sizes.push(`${JSON.stringify(path)} has ${entry.uncompressedSize} bytes, RECORD says ${row.size}`);
    }
  }
  const absent = [...record.rows.keys()].filter((p) => !present.has(p)).map((p) => JSON.stringify(p));
  absent.push(...record.stray.map((p) => JSON.stringify(p)));
  const out: string[] = [];
  if (sizes.length > 0) {
    out.push(`RECORD gives the wrong size for ${files(sizes.length)} (installed as in the wheel): ${listOf(sizes)}`);
  }
  if (unlisted.length > 0) {
    out.push(
      `RECORD does not list ${files(unlisted.length)} of the wheel (installed anyway, as uv and pip do): ${listOf(unlisted)}`,
    );
  }
  if (absent.length > 0) {
    out.push(
      `RECORD lists ${files(absent.length)} the wheel does not have (left out of the installed RECORD, as uv does): ${listOf(absent)}`,
    );
  }
  return out;
}

/** Input of {@link checkRecordDigests}: a wheel's entries and a way to read one (RECORD only). */
export interface RecordDigestInput<E extends WheelZipEntry = WheelZipEntry> {
  /** The wheel filename; names the wheel in errors. */
  filename: string;
  entries: ReadonlyArray<E>;
  /** The uncompressed (verified) bytes of an entry; called for RECORD only. */
  read(entry: E): Uint8Array;
}

/**
 * Compares the content digests of a wheel's files with its RECORD. `digestOf` gives the urlsafe base64
 * (no padding) sha256 of an entry's content as it was inflated, or undefined for an entry that was not
 * (it is then not compared). Returns the warning naming every file whose sha256 disagrees (or none).
 * Validates the entries and reads RECORD like {@link planWheelInstall} (and throws what it throws).
 */
export function checkRecordDigests<E extends WheelZipEntry>(
  input: RecordDigestInput<E>,
  digestOf: (entry: E) => string | undefined,
): string[] {
  const wheelFiles = validateWheelEntries(input.filename, input.entries);
  const distInfo = findDistInfo(input.filename, wheelFiles);
  const byPath = new Map(wheelFiles.map((f) => [f.path, f.entry]));
  const record = readWheelRecord(input.filename, distInfo, byPath, input.read);
  const wrong: string[] = [];
  for (const { path, entry } of wheelFiles) {
    if (unchecked(record, path)) continue;
    const expected = recordSha256(record.rows.get(path)?.hash ?? "");
    if (expected === undefined) continue;
    const actual = digestOf(entry);
    if (actual !== undefined && actual !== expected) {
      wrong.push(`${JSON.stringify(path)} has sha256=${actual}, RECORD says sha256=${expected}`);
    }
  }
  return wrong.length === 0
    ? []
    : [`RECORD gives the wrong sha256 for ${files(wrong.length)} (installed as in the wheel): ${listOf(wrong)}`];
}
