import { ERROR_CODES, TspackError } from "@tspack/errors";
import { headerValue, headerValues, parseEmailHeaders } from "./email-headers.js";

/** The `.dist-info/WHEEL` file. */
export interface WheelFile {
  /** `Wheel-Version` as written, e.g. "1.0" (the first one when repeated, like pip and uv). */
  wheelVersion: string;
  /** [major, minor] of `Wheel-Version`. */
  versionParts: readonly [number, number];
  /** `Root-Is-Purelib` is exactly `true` (anything else means platlib, like uv). */
  rootIsPurelib: boolean;
  generator: string | undefined;
  /** `Tag` values in file order. */
  tags: string[];
  build: string | undefined;
}

/**
 * Parses a WHEEL file. Throws TSPACK_WHEEL_INVALID when `Wheel-Version` is missing or not `X.Y`
 * (`source` names the file in the message). Does not judge the version: see {@link planWheelInstall}.
 */
export function parseWheelFile(text: string, source = "WHEEL"): WheelFile {
  const h = parseEmailHeaders(text);
  const wheelVersion = headerValue(h, "Wheel-Version");
  const m = wheelVersion === undefined ? null : /^(\d+)\.(\d+)$/.exec(wheelVersion);
  if (!m) {
    throw new TspackError(
      ERROR_CODES.WHEEL_INVALID,
      wheelVersion === undefined
        ? `The WHEEL file "${source}" is invalid: it has no Wheel-Version`
        : `The WHEEL file "${source}" is invalid: Wheel-Version "${wheelVersion}" is not of the form X.Y`,
      { hint: "The wheel is malformed; report it to the package's maintainers." },
    );
  }
  return {
    wheelVersion: wheelVersion!,
    versionParts: [Number(m[1]), Number(m[2])],
    rootIsPurelib: headerValue(h, "Root-Is-Purelib") === "true",
    generator: headerValue(h, "Generator"),
    tags: headerValues(h, "Tag"),
    build: headerValue(h, "Build"),
  };
}
