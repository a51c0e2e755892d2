import { TspackError } from "@tspack/errors";

/** A timestamp in MS-DOS form, as stored in zip headers. */
export interface DosDateTime {
  /** `hour << 11 | minute << 5 | second / 2`. */
  time: number;
  /** `(year - 1980) << 9 | month << 5 | day`. */
  date: number;
}

/** 1980-01-01T00:00:00Z in seconds: the earliest DOS timestamp (and tspack's default). */
export const DOS_EPOCH_SECONDS = 315_532_800;

/**
 * Encodes `mtime` (a Date, or seconds since the Unix epoch as in SOURCE_DATE_EPOCH) as a DOS date and
 * time from its UTC fields, never the host time zone. Earlier than 1980 clamps to 1980-01-01T00:00:00;
 * odd seconds round down; after 2107 or not finite → TSPACK_ZIP_INPUT_INVALID.
 */
export function toDosDateTime(mtime: Date | number = DOS_EPOCH_SECONDS): DosDateTime {
  const ms = typeof mtime === "number" ? mtime * 1000 : mtime.getTime();
  if (!Number.isFinite(ms)) {
    throw new TspackError(
      "TSPACK_ZIP_INPUT_INVALID",
      `The zip timestamp "${String(mtime)}" is invalid: not a finite time`,
      {
        hint: "Pass a Date or a number of seconds since 1970-01-01T00:00:00Z (SOURCE_DATE_EPOCH).",
      },
    );
  }
  const d = new Date(Math.max(ms, DOS_EPOCH_SECONDS * 1000));
  const year = d.getUTCFullYear();
  if (year > 2107) {
    throw new TspackError(
      "TSPACK_ZIP_INPUT_INVALID",
      `The zip timestamp "${d.toISOString()}" is invalid: zip timestamps end in 2107`,
      { hint: "Pass a timestamp between 1980 and 2107 (SOURCE_DATE_EPOCH is in seconds)." },
    );
  }
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >>> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
