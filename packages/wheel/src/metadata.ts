import { ERROR_CODES, TspackError } from "@tspack/errors";
import { headerValue, headerValues, parseEmailHeaders } from "./email-headers.js";

/** The fields of core metadata (`.dist-info/METADATA`) tspack uses. */
export interface WheelMetadata {
  metadataVersion: string | undefined;
  name: string;
  version: string;
  summary: string | undefined;
  requiresPython: string | undefined;
  /** `Requires-Dist` values in file order (PEP 508 strings). */
  requiresDist: string[];
  /** `Provides-Extra` values in file order. */
  providesExtra: string[];
}

/**
 * Parses core metadata (email-header format). Throws TSPACK_WHEEL_INVALID when `Name` or `Version`
 * is missing (`source` names the file in the message).
 */
export function parseMetadata(text: string, source = "METADATA"): WheelMetadata {
  const h = parseEmailHeaders(text);
  const name = headerValue(h, "Name");
  const version = headerValue(h, "Version");
  for (const [field, value] of [
    ["Name", name],
    ["Version", version],
  ] as const) {
    if (value === undefined || value === "") {
      throw new TspackError(ERROR_CODES.WHEEL_INVALID, `The METADATA file "${source}" is invalid: it has no ${field}`, {
        hint: "The wheel is malformed; report it to the package's maintainers.",
      });
    }
  }
  return {
    metadataVersion: headerValue(h, "Metadata-Version"),
    name: name!,
    version: version!,
    summary: headerValue(h, "Summary"),
    requiresPython: headerValue(h, "Requires-Python"),
    requiresDist: headerValues(h, "Requires-Dist"),
    providesExtra: headerValues(h, "Provides-Extra"),
  };
}
