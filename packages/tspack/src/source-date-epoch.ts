/** SOURCE_DATE_EPOCH, read the same way by the CLI and the library. */
import { ERROR_CODES, TspackError } from "@tspack/errors";

/** The first and last seconds a zip (DOS) timestamp can hold: 1980-01-01 and 2107-12-31T23:59:59, UTC. */
const FIRST_ZIP_SECOND = 315_532_800;
const LAST_ZIP_SECOND = 4_354_819_199;

/**
 * SOURCE_DATE_EPOCH as the reproducible-builds spec defines it: ASCII decimal seconds; checked before any
 * work. Earlier than 1980 (e.g. 0) means 1980-01-01, the first zip timestamp, as in the library and in
 * Python's wheel and zipfile tools; later than 2107 cannot be written and is refused. Unset or empty:
 * undefined.
 * @throws TSPACK_USAGE
 */
export function sourceDateEpochFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  const reason = Number.isNaN(n)
    ? "not a decimal number of seconds"
    : n > LAST_ZIP_SECOND
      ? "after 2107, the last zip timestamp"
      : undefined;
  if (reason === undefined) return Math.max(n, FIRST_ZIP_SECOND);
  throw new TspackError(ERROR_CODES.USAGE, `SOURCE_DATE_EPOCH "${value}" is invalid: ${reason}`, {
    hint: `Give whole seconds since 1970-01-01T00:00:00Z up to ${LAST_ZIP_SECOND} (2107; earlier than ${FIRST_ZIP_SECOND} counts as 1980-01-01), or unset it`,
  });
}
