import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { WheelZipEntry } from "./wheel-zip-entry.js";

/**
 * The largest WHEEL, METADATA, RECORD, entry_points.txt or `#!python` script tspack reads into memory
 * (declared uncompressed size): 32 MiB. Of 967 real wheels (torch, tensorflow, nvidia-*, …), the
 * largest RECORD is 1.9 MB (cmeel-boost, 16,235 files; tensorflow-cpu 1.7 MB, torch 1.3 MB), the
 * largest METADATA 233 KB (mujoco), entry_points.txt 2.4 KB (setuptools) and WHEEL 224 bytes.
 */
export const METADATA_MAX_BYTES = 32 * 1024 * 1024;

/** Metadata files of the `.dist-info` directory that are read whole. */
const METADATA_FILES = ["WHEEL", "METADATA", "RECORD", "entry_points.txt"];

/** TSPACK_WHEEL_INVALID for a file of `wheel` (its path inside the wheel) too large to read. */
export function tooLargeToRead(wheel: string, path: string, size: number): TspackError {
  return new TspackError(
    ERROR_CODES.WHEEL_INVALID,
    `The wheel "${wheel}" is invalid: "${path}" is ${size} bytes, more than the ${METADATA_MAX_BYTES} bytes tspack reads for a metadata file`,
    {
      hint: "The wheel is malformed; report it to the package's maintainers.",
      details: { wheel, file: path, size, limit: METADATA_MAX_BYTES },
    },
  );
}

/**
 * Refuses (TSPACK_WHEEL_INVALID naming the wheel and the file) a wheel whose `.dist-info` WHEEL,
 * METADATA, RECORD or entry_points.txt declares more than {@link METADATA_MAX_BYTES}: from the
 * central directory, before anything is inflated.
 */
export function checkMetadataSizes(wheel: string, entries: ReadonlyArray<WheelZipEntry>): void {
  for (const e of entries) {
    if (e.uncompressedSize <= METADATA_MAX_BYTES) continue;
    const slash = e.name.indexOf("/");
    if (slash < 0 || e.name.indexOf("/", slash + 1) >= 0) continue;
    if (!e.name.slice(0, slash).endsWith(".dist-info")) continue;
    if (METADATA_FILES.includes(e.name.slice(slash + 1))) throw tooLargeToRead(wheel, e.name, e.uncompressedSize);
  }
}
