import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { WheelTags } from "@tspack/platform-tags";
import { type BuildTag, formatBuildTag, parseBuildTag } from "./build-tag.js";
import { distInfoName, invalidNameReason, isValidPackageName, normalizeName } from "./normalize-name.js";
import { versionSyntaxError } from "./version-syntax.js";

/** A parsed wheel filename (PEP 427 / binary distribution format). */
export interface WheelFilename {
  /** The filename as given. */
  filename: string;
  /** PEP 503-normalized project name (`MarkupSafe` → `markupsafe`). */
  name: string;
  /** The version exactly as written in the filename. */
  version: string;
  /** The optional build tag (6-component filenames). */
  buildTag?: BuildTag;
  /** The python, ABI and platform tag sets, split on `.` (`py2.py3` → `["py2", "py3"]`). */
  tags: WheelTags;
}

const TAG_ATOM = /^[A-Za-z0-9_]+$/;

function invalid(filename: string, reason: string, extra: Record<string, unknown> = {}): TspackError {
  return new TspackError(ERROR_CODES.FILENAME_INVALID, `The wheel filename "${filename}" is invalid: ${reason}`, {
    details: { filename, ...extra },
  });
}

function splitTagSet(component: string, filename: string): string[] {
  const tags = component.split(".");
  if (!tags.every((t) => TAG_ATOM.test(t))) {
    throw invalid(filename, "Tag components must contain only ASCII letters, digits, underscores, and periods");
  }
  return tags;
}

/**
 * Parses `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` with uv's rules and messages,
 * e.g. `The wheel filename "foo-1.2.3-py3.whl" is invalid: Must have an ABI tag`. Throws
 * TSPACK_FILENAME_INVALID.
 */
export function parseWheelFilename(filename: string): WheelFilename {
  if (!filename.endsWith(".whl")) throw invalid(filename, "Must end with .whl");
  const parts = filename.slice(0, -4).split("-");
  const missing = ["Must have a version", "Must have a Python tag", "Must have an ABI tag", "Must have a platform tag"];
  if (parts.length < 5) throw invalid(filename, missing[parts.length - 1]!);
  if (parts.length > 6) throw invalid(filename, "Must have 5 or 6 components, but has more");
  const [rawName, version] = parts as [string, string];
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];

  if (!isValidPackageName(rawName)) {
    throw new TspackError(
      ERROR_CODES.FILENAME_INVALID,
      `The wheel filename "${filename}" has an invalid package name`,
      {
        hint: invalidNameReason(rawName),
        details: { filename },
      },
    );
  }
  const versionError = versionSyntaxError(version);
  if (versionError !== undefined) {
    throw new TspackError(
      ERROR_CODES.FILENAME_INVALID,
      `The wheel filename "${filename}" has an invalid version: ${versionError}`,
      { details: { filename } },
    );
  }
  let buildTag: BuildTag | undefined;
  if (parts.length === 6) {
    const parsed = parseBuildTag(parts[2]!);
    if (typeof parsed === "string") {
      throw new TspackError(
        ERROR_CODES.FILENAME_INVALID,
        `The wheel filename "${filename}" has an invalid build tag: ${parsed}`,
        { details: { filename } },
      );
    }
    buildTag = parsed;
  }
  const tags: WheelTags = {
    python: splitTagSet(python, filename),
    abi: splitTagSet(abi, filename),
    platform: splitTagSet(platform, filename),
  };
  return buildTag === undefined
    ? { filename, name: normalizeName(rawName), version, tags }
    : { filename, name: normalizeName(rawName), version, buildTag, tags };
}

/** The compressed tag triple of a filename: `py2.py3-none-any`. */
export function formatWheelTags(tags: WheelTags): string {
  return `${tags.python.join(".")}-${tags.abi.join(".")}-${tags.platform.join(".")}`;
}

/** A canonical filename for a parsed wheel: dist-info name (`foo_bar`), version as written, build tag, tags. */
export function formatWheelFilename(wheel: Omit<WheelFilename, "filename">): string {
  const build = wheel.buildTag === undefined ? "" : `-${formatBuildTag(wheel.buildTag)}`;
  return `${distInfoName(wheel.name)}-${wheel.version}${build}-${formatWheelTags(wheel.tags)}.whl`;
}
