import { TspackError } from "@tspack/errors";

/**
 * The bucket's layout under the prefix, versioned like the local cache's (docs/cache.md): bump a bucket's
 * version when its entry format changes, and old entries are simply never read again (a lifecycle rule
 * expires them).
 *   <prefix>/wheels-v1/sha256/ab/cdef…     a wheel's bytes, named by their sha256 (as in the local cache)
 *   <prefix>/memo-v1/<kind>/ab/<key>       a derived entry: a header with its digest, then its bytes
 */
export const REMOTE_WHEELS_BUCKET = "wheels-v1";
export const REMOTE_MEMO_BUCKET = "memo-v1";

const SHA256_RE = /^[0-9a-f]{64}$/;
const KIND_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;

function join(prefix: string, rest: string): string {
  return prefix === "" ? rest : `${prefix}/${rest}`;
}

function checkHex(value: string, what: string): string {
  if (!SHA256_RE.test(value)) {
    throw new TspackError("TSPACK_INTERNAL", `The ${what} "${value}" is invalid: expected 64 lowercase hex digits`);
  }
  return value;
}

/** The object key of the wheel with this sha256. */
export function remoteWheelKey(prefix: string, sha256hex: string): string {
  const sha = checkHex(sha256hex, "sha256");
  return join(prefix, `${REMOTE_WHEELS_BUCKET}/sha256/${sha.slice(0, 2)}/${sha.slice(2)}`);
}

/** The object key of the derived entry (kind, key). */
export function remoteMemoKey(prefix: string, kind: string, key: string): string {
  if (!KIND_RE.test(kind)) {
    throw new TspackError("TSPACK_INTERNAL", `The memo kind "${kind}" is invalid: expected [a-z0-9-], 1–32 characters`);
  }
  const k = checkHex(key, "memo key");
  return join(prefix, `${REMOTE_MEMO_BUCKET}/${kind}/${k.slice(0, 2)}/${k}`);
}
