import { formatVersion, parseVersion } from "@tspack/pep440";

/**
 * A release-only version without leading zeros (`1.2.3`, `2024.12.14`): already normalized. Segments
 * are at most 15 digits so they survive the number round trip of the general path unchanged.
 */
const PLAIN_RELEASE = /^(?:0|[1-9]\d{0,14})(?:\.(?:0|[1-9]\d{0,14}))*$/;

/** The normalized PEP 440 form of `version` (`1.0-Post1` → `1.0.post1`), or undefined if invalid. */
export function normalizeVersion(version: string): string | undefined {
  if (PLAIN_RELEASE.test(version)) return version;
  const v = parseVersion(version);
  return v === undefined ? undefined : formatVersion(v);
}

/**
 * A string that is equal exactly for PEP 440-equal versions (`1.0` and `1.0.0`; local numeric
 * segments compared as numbers), as uv's `Version` equality; `withoutLocal` drops the local segment.
 * Undefined when `version` is invalid.
 */
export function versionKey(version: string, withoutLocal = false): string | undefined {
  if (PLAIN_RELEASE.test(version)) {
    let end = version.length;
    while (end > 2 && version.charCodeAt(end - 1) === 0x30 && version.charCodeAt(end - 2) === 0x2e) end -= 2;
    return `0!${end === version.length ? version : version.slice(0, end)}`;
  }
  const v = parseVersion(version);
  if (v === undefined) return undefined;
  let end = v.release.length;
  while (end > 1 && v.release[end - 1] === 0) end--;
  let key = `${v.epoch}!${v.release.slice(0, end).join(".")}`;
  if (v.pre !== undefined) key += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) key += `.post${v.post}`;
  if (v.dev !== undefined) key += `.dev${v.dev}`;
  if (!withoutLocal && v.local !== undefined) {
    key += `+${v.local
      .split(".")
      .map((s) => (/^\d+$/.test(s) ? String(Number(s)) : s))
      .join(".")}`;
  }
  return key;
}
