import { createHash } from "node:crypto";

/**
 * A derived entry as stored in the bucket: one ASCII header line that names the entry and the sha256 and
 * length of its bytes, then the bytes:
 *   `tspack-memo 1 <kind> <key> <sha256 of bytes> <length>\n<bytes>`
 * Reading checks every field, so a corrupt, truncated, foreign or misplaced object (copied under another
 * key) is a miss, never wrong bytes. S3 servers' own checksums are not relied on (Ceph ignores them).
 */
const MAGIC = "tspack-memo 1";
const MAX_HEADER = 256;

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** The object body for (kind, key, bytes). */
export function encodeMemoEntry(kind: string, key: string, bytes: Uint8Array): Uint8Array {
  const header = Buffer.from(`${MAGIC} ${kind} ${key} ${sha256(bytes)} ${bytes.length}\n`, "latin1");
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header, 0);
  out.set(bytes, header.length);
  return out;
}

/** Why {@link decodeMemoEntry} refused an object. */
export type MemoEntryProblem = "no tspack header" | "another entry's header" | "wrong length" | "wrong sha256";

/** The entry's bytes, or the reason the object is not the entry (kind, key). */
export function decodeMemoEntry(
  kind: string,
  key: string,
  body: Uint8Array,
): { bytes: Uint8Array } | { problem: MemoEntryProblem } {
  const nl = body.subarray(0, MAX_HEADER).indexOf(10);
  if (nl < 0) return { problem: "no tspack header" };
  const fields = Buffer.from(body.subarray(0, nl)).toString("latin1").split(" ");
  if (fields.length !== 6 || `${fields[0]} ${fields[1]}` !== MAGIC) return { problem: "no tspack header" };
  if (fields[2] !== kind || fields[3] !== key) return { problem: "another entry's header" };
  const bytes = body.subarray(nl + 1);
  if (String(bytes.length) !== fields[5]) return { problem: "wrong length" };
  if (sha256(bytes) !== fields[4]) return { problem: "wrong sha256" };
  return { bytes };
}
