import { TspackError } from "@tspack/errors";

/** Where the remote cache lives: a bucket and a key prefix inside it (no leading or trailing "/"). */
export interface RemoteCacheLocation {
  bucket: string;
  /** "" for the bucket's root, else e.g. "ci/tspack". */
  prefix: string;
  /** The location as the user wrote it, normalized: `s3://bucket` or `s3://bucket/prefix`. */
  url: string;
}

/** S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Prefix segments: no empty, "." or ".." segment, no control characters or backslashes. */
const BAD_SEGMENT_RE = /[\u0000-\u001f\u007f\\]/;

/**
 * Parses `s3://BUCKET[/PREFIX]` (`--remote-cache`, `TSPACK_REMOTE_CACHE`, `[tool.tspack] remote-cache`).
 * @param source where the value came from, for the message ("--remote-cache", "TSPACK_REMOTE_CACHE", …)
 * @throws TSPACK_USAGE naming the value and what is wrong with it
 */
export function parseRemoteCacheUrl(value: string, source = "--remote-cache"): RemoteCacheLocation {
  const bad = (reason: string): TspackError =>
    new TspackError("TSPACK_USAGE", `The remote cache "${value}" (${source}) is invalid: ${reason}`, {
      hint: "Write it as s3://BUCKET or s3://BUCKET/PREFIX, e.g. s3://my-ci-cache/tspack.",
      details: { value, source },
    });
  const m = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/.exec(value.trim());
  if (m === null) throw bad("it is not an s3:// URL");
  const bucket = m[1]!;
  if (bucket.includes("@")) throw bad("credentials do not belong in the URL (use the AWS credential chain)");
  if (!BUCKET_RE.test(bucket) || bucket.includes("..")) throw bad(`"${bucket}" is not a valid bucket name`);
  const segments = (m[2] ?? "").split("/").filter((s) => s !== "");
  for (const s of segments) {
    if (s === "." || s === ".." || BAD_SEGMENT_RE.test(s)) throw bad(`the prefix segment "${s}" is not allowed`);
  }
  const prefix = segments.join("/");
  return { bucket, prefix, url: prefix === "" ? `s3://${bucket}` : `s3://${bucket}/${prefix}` };
}
