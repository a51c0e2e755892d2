import { ERROR_CODES, TspackError } from "@tspack/errors";
import { compareUtf8 } from "./byte-order.js";
import { normalizeName } from "./names.js";
import { versionsMatch } from "./version-match.js";

const MALFORMED_HINT = "The wheel is malformed; report it to the package's maintainers.";

/**
 * The wheel's one top-level `.dist-info` directory (e.g. `foo-1.0.dist-info`), from its (validated)
 * file paths. Throws TSPACK_WHEEL_INVALID when there is none or more than one, as uv and pip do.
 */
export function findDistInfo(wheel: string, files: ReadonlyArray<{ path: string }>): string {
  const dirs = new Set<string>();
  for (const { path } of files) {
    const slash = path.indexOf("/");
    if (slash > 0 && path.slice(0, slash).endsWith(".dist-info")) dirs.add(path.slice(0, slash));
  }
  const distInfos = [...dirs].sort(compareUtf8);
  if (distInfos.length === 1) return distInfos[0]!;
  throw new TspackError(
    ERROR_CODES.WHEEL_INVALID,
    distInfos.length === 0
      ? `The wheel "${wheel}" is invalid: it has no .dist-info directory`
      : `The wheel "${wheel}" is invalid: it has ${distInfos.length} .dist-info directories: ${distInfos.join(", ")}`,
    { hint: MALFORMED_HINT, details: { wheel, distInfos } },
  );
}

/**
 * Refuses (TSPACK_WHEEL_INVALID) a `.dist-info` directory that is not the wheel's own: its name must be
 * `{name}-{version}.dist-info` where `name` normalizes (PEP 503) to the filename's name and `version`
 * matches the filename's version as METADATA's must (see {@link versionsMatch}). uv and pip only check
 * that the normalized directory name starts with the package name (`find_archive_dist_info` in
 * crates/uv-metadata, pip's `wheel_dist_info_dir`), which lets `foo-…whl` carry `foo_bar-1.0.dist-info`
 * and overwrite the metadata of the package foo-bar; tspack wants the exact name (docs/decisions.md).
 */
export function checkDistInfoName(wheel: string, distInfo: string, filename: { name: string; version: string }): void {
  const prefix = distInfo.slice(0, -".dist-info".length);
  const name = normalizeName(filename.name);
  // Names are escaped with `_` (PEP 427) but older tools wrote `-`: try every split.
  for (let i = prefix.indexOf("-"); i > 0; i = prefix.indexOf("-", i + 1)) {
    if (normalizeName(prefix.slice(0, i)) === name && versionsMatch(filename.version, prefix.slice(i + 1))) return;
  }
  const expected = `${filename.name.replace(/[-_.]+/g, "_")}-${filename.version}.dist-info`;
  throw new TspackError(
    ERROR_CODES.WHEEL_INVALID,
    `The wheel "${wheel}" is invalid: its .dist-info directory "${distInfo}" does not match the filename (expected "${expected}")`,
    {
      hint: "A wheel may only carry its own package's metadata (uv and pip refuse a .dist-info directory that does not start with the package name); report it to the package's maintainers.",
      details: { wheel, distInfo, expected },
    },
  );
}
