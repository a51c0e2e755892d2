import { ERROR_CODES, TspackError } from "@tspack/errors";
import { headerValue, headerValues, parseEmailHeaders } from "./email-headers.js";

/** The `.dist-info/WHEEL` file. */
export interface WheelFile {
  /** `Wheel-Version` as written, e.g. "1.0" (the first one when repeated, like pip and uv). */
  wheelVersion: string;
  /** [major, minor] of `Wheel-Version`: the text before and after its first `.`, as uv splits it. */
  versionParts: readonly [string, string];
  /** `Root-Is-Purelib` is exactly `true` (anything else means platlib, like uv). */
  rootIsPurelib: boolean;
  generator: string | undefined;
  /** `Tag` values in file order. */
  tags: string[];
  build: string | undefined;
}

/**
 * Parses a WHEEL file. Throws TSPACK_WHEEL_INVALID when `Wheel-Version` is missing or has no `.`
 * (`source` names the file in the message), as uv's `WheelFile::parse` does. Does not judge the
 * version: see {@link checkWheelVersion}.
 */
export function parseWheelFile(text: string, source = "WHEEL"): WheelFile {
  const h = parseEmailHeaders(text);
  const wheelVersion = headerValue(h, "Wheel-Version");
  const dot = wheelVersion === undefined ? -1 : wheelVersion.indexOf(".");
  if (wheelVersion === undefined || dot < 0) {
    throw new TspackError(
      ERROR_CODES.WHEEL_INVALID,
      wheelVersion === undefined
        ? `The WHEEL file "${source}" is invalid: it has no Wheel-Version`
        : `The WHEEL file "${source}" is invalid: Wheel-Version "${wheelVersion}" is not of the form X.Y`,
      { hint: "The wheel is malformed; report it to the package's maintainers." },
    );
  }
  return {
    wheelVersion,
    versionParts: [wheelVersion.slice(0, dot), wheelVersion.slice(dot + 1)],
    rootIsPurelib: headerValue(h, "Root-Is-Purelib") === "true",
    generator: headerValue(h, "Generator"),
    tags: headerValues(h, "Tag"),
    build: headerValue(h, "Build"),
  };
}

/**
 * Judges `Wheel-Version` exactly as uv does (`WheelFile::parse` in crates/uv-install-wheel/src/wheel.rs):
 * `0.1` (pip's own test wheels use it) is accepted with a warning; any major other than `1` is refused
 * (TSPACK_WHEEL_INVALID naming `wheel`); a minor above `0` (compared as text, like uv) is accepted with a
 * warning. Returns the warning (uv's text), if any.
 */
export function checkWheelVersion(wheel: string, file: Pick<WheelFile, "versionParts">): string | undefined {
  const [major, minor] = file.versionParts;
  if (major === "0" && minor === "1") return "Ancient wheel version 0.1 (expected is 1.0)";
  if (major !== "1") {
    throw new TspackError(
      ERROR_CODES.WHEEL_INVALID,
      `The wheel "${wheel}" is invalid: Unsupported wheel major version (expected 1, got ${major})`,
      {
        hint: "The wheel was built for a newer wheel format than uv, pip and tspack install (1.x); use another version of the package.",
        details: { wheel, wheelVersion: `${major}.${minor}` },
      },
    );
  }
  return minor > "0" ? `Unsupported wheel minor version (expected 0, got ${minor})` : undefined;
}
