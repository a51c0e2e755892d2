/** A wheel build tag: leading digits as a number plus the rest (`1a` → `{ number: 1, suffix: "a" }`). */
export interface BuildTag {
  number: number;
  /** The text after the leading digits; "" when there is none. */
  suffix: string;
}

/** Parses a build tag, returning uv's reason text on failure. */
export function parseBuildTag(text: string): BuildTag | string {
  if (text === "") return "must not be empty";
  if (!/^[A-Za-z0-9_.]+$/.test(text)) return "must contain only ASCII letters, digits, underscores, and periods";
  const m = /^[0-9]+/.exec(text);
  if (m === null) return "must start with a digit";
  const number = Number(m[0]);
  if (!Number.isSafeInteger(number)) return "number too large to fit in target type";
  return { number, suffix: text.slice(m[0].length) };
}

/** `{ number: 1, suffix: "a" }` → `1a`. */
export function formatBuildTag(tag: BuildTag): string {
  return `${tag.number}${tag.suffix}`;
}

/**
 * Orders build tags as the wheel spec says: no tag sorts first, then by number, then by suffix
 * (code-unit order). Returns <0, 0 or >0.
 */
export function compareBuildTags(a: BuildTag | undefined, b: BuildTag | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  if (a.number !== b.number) return a.number < b.number ? -1 : 1;
  if (a.suffix === b.suffix) return 0;
  return a.suffix < b.suffix ? -1 : 1;
}
