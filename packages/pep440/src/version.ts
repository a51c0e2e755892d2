import { compare as renovateCompare, explain as renovateExplain } from "@renovatebot/pep440";
import { ERROR_CODES, TspackError } from "@tspack/errors";

/** A parsed PEP 440 version (all parts normalized). */
export interface Pep440Version {
  /** The epoch (`1` in `1!2.0`), 0 when absent. */
  readonly epoch: number;
  /** The release segments (`[2, 0]` in `2.0`), never empty. */
  readonly release: readonly number[];
  /** The pre-release part (`["rc", 1]`), normalized to `a`, `b` or `rc`. */
  readonly pre: readonly ["a" | "b" | "rc", number] | undefined;
  /** The post-release number. */
  readonly post: number | undefined;
  /** The dev-release number. */
  readonly dev: number | undefined;
  /** The local label, lower-cased, separators normalized to `.` (`ubuntu.1`). */
  readonly local: string | undefined;
}

function explain(s: string): Pep440Version | undefined {
  const e = renovateExplain(s.trim());
  if (e === null) return undefined;
  const pre = Array.isArray(e.pre) && e.pre.length === 2 ? e.pre : undefined;
  return {
    epoch: e.epoch,
    release: e.release,
    pre: pre === undefined ? undefined : [pre[0] as "a" | "b" | "rc", Number(pre[1])],
    post: typeof e.post === "number" ? e.post : undefined,
    dev: typeof e.dev === "number" ? e.dev : undefined,
    local: e.local === null ? undefined : e.local.toLowerCase().replace(/[-_]/g, "."),
  };
}

/** Parses a PEP 440 version; `undefined` when `s` is not a valid version. Surrounding whitespace is ignored. */
export function parseVersion(s: string): Pep440Version | undefined {
  return explain(s);
}

/** True when `s` is a valid PEP 440 version (surrounding whitespace is ignored, like packaging). */
export function isValidVersion(s: string): boolean {
  return explain(s) !== undefined;
}

/** The canonical string of a parsed version (`1!2.0rc1.post2.dev3+local.1`). */
export function formatVersion(v: Pep440Version): string {
  let out = v.epoch === 0 ? "" : `${v.epoch}!`;
  out += v.release.join(".");
  if (v.pre !== undefined) out += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local !== undefined) out += `+${v.local}`;
  return out;
}

function invalidVersion(s: string): TspackError {
  return new TspackError(ERROR_CODES.VERSION_INVALID, `The version "${s}" is invalid: it is not a PEP 440 version`, {
    hint: "Versions look like 1.2.3, 1.0rc1, 2.0.post1 or 1!2.0+local (https://peps.python.org/pep-0440/).",
  });
}

/** Parses a version or throws TSPACK_VERSION_INVALID naming the input. */
export function parseVersionOrThrow(s: string): Pep440Version {
  const v = explain(s);
  if (v === undefined) throw invalidVersion(s);
  return v;
}

/** The normalized form of a version (`1.0-POST1` → `1.0.post1`); throws TSPACK_VERSION_INVALID. */
export function normalizeVersion(s: string): string {
  return formatVersion(parseVersionOrThrow(s));
}

/** PEP 440 ordering: negative, zero or positive. Throws TSPACK_VERSION_INVALID on an invalid version. */
export function compareVersions(a: string, b: string): number {
  const na = normalizeVersion(a);
  const nb = normalizeVersion(b);
  return Math.sign(renovateCompare(na, nb));
}

/** True when the version is a pre-release or a dev release (packaging's `is_prerelease`). */
export function isPrerelease(v: Pep440Version): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}
