import type { LockHash } from "./types.js";

/** Hex digest length per algorithm (blake2b: PyPI's blake2b_256 or full blake2b-512). */
const HEX_LENGTHS: Record<LockHash["algorithm"], readonly number[]> = {
  md5: [32],
  sha256: [64],
  sha384: [96],
  sha512: [128],
  blake2b: [64, 128],
};

const HEX = /^[0-9a-fA-F]+$/;

/** `sha256:<64 lower-case hex>` (what uv writes for PyPI) without a regex or a copy; else undefined. */
function fastSha256(text: string): LockHash | undefined {
  if (text.length !== 71 || !text.startsWith("sha256:")) return undefined;
  for (let i = 7; i < 71; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return undefined;
  }
  return { algorithm: "sha256", digest: text.slice(7) };
}

/** Parses `"<algorithm>:<hex>"`; returns the hash or the reason it is invalid. */
export function parseHash(text: string): LockHash | { error: string } {
  const fast = fastSha256(text);
  if (fast !== undefined) return fast;
  const colon = text.indexOf(":");
  const algorithm = colon < 0 ? "" : text.slice(0, colon);
  const digest = colon < 0 ? "" : text.slice(colon + 1);
  const lengths = Object.hasOwn(HEX_LENGTHS, algorithm) ? HEX_LENGTHS[algorithm as LockHash["algorithm"]] : undefined;
  if (lengths === undefined) {
    return {
      error: `expected "<algorithm>:<hex digest>" with algorithm md5, sha256, sha384, sha512 or blake2b, found ${JSON.stringify(text)}`,
    };
  }
  if (!HEX.test(digest) || !lengths.includes(digest.length)) {
    return { error: `expected "${algorithm}:<${lengths.join(" or ")} hex>", found ${JSON.stringify(text)}` };
  }
  return { algorithm: algorithm as LockHash["algorithm"], digest: digest.toLowerCase() };
}
