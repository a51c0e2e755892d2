import { ERROR_CODES, formatCaret, TspackError } from "@tspack/errors";

/** What is being parsed, for the message subject. */
export type SyntaxSubject = "marker" | "requirement";

/**
 * A TSPACK_MARKER_SYNTAX error: input first, then the reason, then the source with a caret under `column`
 * (0-based), indented by four spaces.
 */
export function markerSyntaxError(
  subject: SyntaxSubject,
  source: string,
  column: number,
  reason: string,
  width = 1,
): TspackError {
  const excerpt = formatCaret(source, column, width)
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
  return new TspackError(ERROR_CODES.MARKER_SYNTAX, `The ${subject} "${source}" is invalid: ${reason}\n${excerpt}`, {
    hint:
      subject === "marker"
        ? "Markers look like: python_version >= '3.9' and sys_platform == 'linux' (https://packaging.python.org/en/latest/specifications/dependency-specifiers/)."
        : "Requirements look like: name[extra]>=1.0,<2 ; python_version >= '3.9' or name @ https://host/file.whl ; marker.",
    details: { column, reason },
  });
}
