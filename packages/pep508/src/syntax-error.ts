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

/**
 * A TSPACK_MARKER_SYNTAX error for a marker that parses but is too large to work with (its normal form
 * or its diagram would exhaust memory or time): `what` says which limit it crossed.
 */
export function markerTooComplex(what: string): TspackError {
  return new TspackError(ERROR_CODES.MARKER_SYNTAX, `The marker is too complex: ${what}`, {
    hint: "Simplify the marker; uv writes markers in a short normal form (re-create the lock with `uv lock`).",
    details: { reason: what },
  });
}

/** True for V8's stack overflow (`RangeError: Maximum call stack size exceeded`). */
function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * A stack overflow in the recursive marker algebra (a diagram over thousands of distinct variables) as a
 * TSPACK_MARKER_SYNTAX error; any other error unchanged. For `catch (e) { throw tooDeep(e); }`.
 */
export function tooDeep(e: unknown): unknown {
  return isStackOverflow(e) ? markerTooComplex("it decides on too many distinct conditions to combine") : e;
}
