// PEP 440 (packaging's VERSION_PATTERN), anchored at the start only so the valid prefix can be reported.
const VERSION_PREFIX =
  /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?/i;

/**
 * Checks that `version` is a PEP 440 version (without pulling in a full version parser) and returns
 * uv's reason text when it is not, or undefined when it is.
 */
export function versionSyntaxError(version: string): string | undefined {
  const m = VERSION_PREFIX.exec(version);
  if (m === null) return "expected version to start with a number, but no leading ASCII digits were found";
  if (m[0].length === version.length) return undefined;
  return `after parsing \`${m[0]}\`, found \`${version.slice(m[0].length)}\`, which is not part of a valid version`;
}
