import { join } from "node:path";
import { TspackError } from "@tspack/errors";

/** Version of the downloaded-wheel bucket. Bump when the entry format changes (see docs/cache.md). */
export const WHEELS_BUCKET = "wheels-v1";
/**
 * Version of the unpacked-wheel bucket (owned by the installer). v2 is flat: `unpacked-v2/ab/<sha256>/`
 * holds `manifest.json` and the wheel's files named by entry index (no directory tree to create).
 * `unpacked-v1` (a tree per wheel) is an unknown bucket now, so `pruneCache` removes it.
 */
export const UNPACKED_BUCKET = "unpacked-v2";
/** The file every complete unpacked entry holds (written into the temp directory before it is renamed in). */
export const UNPACKED_MANIFEST = "manifest.json";
/** Directory for in-progress writes; on the cache's filesystem so that publishing is a rename. */
export const TMP_DIR = "tmp";
/** Mode of `tmp/` when tspack creates it: owner only (in-progress files may hold anything). */
export const TMP_DIR_MODE = 0o700;
/** Every top-level name a current tspack writes into the cache root. Anything else is pruned. */
/**
 * `checked-v2/ab/<sha256>`: one marker per wheel whose every entry was inflated once, CRC-checked and
 * compared with its RECORD (sha256 digests); it holds that check's RECORD warnings (a JSON array), or is
 * empty. v1 markers meant a CRC check only: `checked-v1` is an unknown bucket now, so `pruneCache`
 * removes it, and no v1 marker is trusted.
 */
export const CHECKED_BUCKET = "checked-v2";

/** `deflated-v1/L<level>/ab/<sha256 of the raw bytes>`: fflate raw-deflate output of generated files. */
export const DEFLATED_BUCKET = "deflated-v1";

/**
 * `memo-v1/<kind>/ab/<key>` (memo-store.ts: a header with the sha256, then the bytes): memoized pure stages of tspack (plans,
 * per-wheel install plans, zip recipes), keyed by the sha256 of their inputs and tspack's build id (written
 * by the tspack package).
 */
export const MEMO_BUCKET = "memo-v1";

export const KNOWN_ROOT_ENTRIES: readonly string[] = [
  ".gitignore",
  "CACHEDIR.TAG",
  /** tspack's ownership marker (ownership.ts): a folder without it is never pruned or cleaned. */
  "TSPACK-CACHE",
  /** Markers of wheels whose every entry was checked once (CRC, RECORD digests; by the build and the installer). */
  CHECKED_BUCKET,
  DEFLATED_BUCKET,
  MEMO_BUCKET,
  TMP_DIR,
  UNPACKED_BUCKET,
  WHEELS_BUCKET,
];

const SHA256_RE = /^[0-9a-f]{64}$/;

/** True for a lowercase 64-digit hex sha256. */
export function isSha256Hex(value: string): boolean {
  return SHA256_RE.test(value);
}

function checkSha(sha256hex: string): string {
  if (!isSha256Hex(sha256hex)) {
    throw new TspackError("TSPACK_INTERNAL", `The sha256 "${sha256hex}" is invalid: expected 64 lowercase hex digits`);
  }
  return sha256hex;
}

/**
 * The content-addressed path of a downloaded file: `<root>/wheels-v1/sha256/ab/cdef…` (2-char fan-out,
 * then the remaining 62 hex digits; no filename, so the same bytes are stored once whatever their URL).
 */
export function cachePathFor(cacheRoot: string, sha256hex: string): string {
  const sha = checkSha(sha256hex);
  return join(cacheRoot, WHEELS_BUCKET, "sha256", sha.slice(0, 2), sha.slice(2));
}

/**
 * The directory where the installer keeps the unpacked files of the wheel with this sha256:
 * `<root>/unpacked-v2/ab/<sha256>` (2-char fan-out, then the full sha256).
 */
export function unpackedDirFor(cacheRoot: string, sha256hex: string): string {
  const sha = checkSha(sha256hex);
  return join(cacheRoot, UNPACKED_BUCKET, sha.slice(0, 2), sha);
}

/** The cache's temp directory (`<root>/tmp`). */
export function tempDirFor(cacheRoot: string): string {
  return join(cacheRoot, TMP_DIR);
}
