import { ERROR_CODES, TspackError } from "@tspack/errors";
import { invalidNameReason, isValidPackageName, normalizeName } from "./normalize-name.js";
import { versionSyntaxError } from "./version-syntax.js";

/** Source distribution extensions uv recognizes; PEP 625 allows only `tar.gz` (and `zip` for old files). */
export const SDIST_EXTENSIONS = [
  "tar.gz",
  "zip",
  "tar.bz2",
  "tar.lz",
  "tar.lzma",
  "tar.xz",
  "tar.zst",
  "tar",
  "tbz",
  "tgz",
  "tlz",
  "txz",
] as const;

/** One of {@link SDIST_EXTENSIONS}. */
export type SdistExtension = (typeof SDIST_EXTENSIONS)[number];

/** A parsed source distribution filename. */
export interface SdistFilename {
  /** The filename as given. */
  filename: string;
  /** PEP 503-normalized project name. */
  name: string;
  /** The version as written. */
  version: string;
  extension: SdistExtension;
}

function invalid(filename: string, reason: string, hint?: string): TspackError {
  return new TspackError(
    ERROR_CODES.FILENAME_INVALID,
    `The source distribution filename "${filename}" is invalid: ${reason}`,
    hint === undefined ? { details: { filename } } : { hint, details: { filename } },
  );
}

/**
 * Parses `{name}-{version}.{tar.gz|zip|…}`. `name-version` splits are ambiguous (`a-1-1.tar.gz`):
 * with `expectedName` the name is matched as a prefix (uv `SourceDistFilename::parse`); without it
 * the split is at the last `-` (uv `parsed_normalized_filename`). Throws TSPACK_FILENAME_INVALID.
 */
export function parseSdistFilename(filename: string, expectedName?: string): SdistFilename {
  const extension = [...SDIST_EXTENSIONS]
    .sort((a, b) => b.length - a.length)
    .find((ext) => filename.endsWith(`.${ext}`));
  if (extension === undefined || filename.length <= extension.length + 1) {
    throw invalid(
      filename,
      "File extension is invalid",
      `Expected one of ${SDIST_EXTENSIONS.map((e) => `.${e}`).join(", ")}`,
    );
  }
  const stem = filename.slice(0, -(extension.length + 1));
  let rawName: string;
  let version: string;
  if (expectedName !== undefined) {
    const expected = normalizeName(expectedName);
    const actual = stem.slice(0, expected.length);
    if (stem.length <= expected.length + 1 || stem[expected.length] !== "-" || normalizeName(actual) !== expected) {
      if (stem.length > expected.length + 1 && stem[expected.length] === "-" && !isValidPackageName(actual)) {
        throw invalid(filename, "invalid package name", invalidNameReason(actual));
      }
      throw invalid(filename, `Name doesn't start with package name ${expected}`);
    }
    rawName = actual;
    version = stem.slice(expected.length + 1);
  } else {
    const dash = stem.lastIndexOf("-");
    if (dash < 0) throw invalid(filename, "Missing name-version separator");
    rawName = stem.slice(0, dash);
    version = stem.slice(dash + 1);
    if (!isValidPackageName(rawName)) throw invalid(filename, "invalid package name", invalidNameReason(rawName));
  }
  const versionError = versionSyntaxError(version);
  if (versionError !== undefined) throw invalid(filename, `Version section is invalid: ${versionError}`);
  return { filename, name: normalizeName(rawName), version, extension };
}
