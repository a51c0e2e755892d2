import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MEMO_BUCKET } from "./layout.js";
import { writeFileAtomic } from "./publish.js";

/**
 * The warm-path store: bytes under (kind, key), content-checked. Shared contract of the local store (here),
 * the remote one (S3) layered under it, and every memo of tspack's warm path (`tspack/src/warm/`).
 */
export interface MemoStore {
  /** The bytes stored under (kind, key), verified against the digest stored with them; undefined on a miss
   *  or a failed check (a corrupt entry is a miss, never wrong bytes). */
  get(kind: string, key: string): Promise<Uint8Array | undefined>;
  /** Store bytes under (kind, key): atomic, never overwrites an existing entry, never throws for a full
   *  or read-only cache (warm data is an accelerator). */
  put(kind: string, key: string, bytes: Uint8Array): Promise<void>;
}

/** Mode of memo files and of the folders the store creates: entries may hold data derived from projects. */
export const MEMO_FILE_MODE = 0o600;
export const MEMO_DIR_MODE = 0o700;

/**
 * `tspmemo1`, then the 32-byte sha256 of (kind, key, payload), then the payload: an entry copied or renamed
 * under another key does not verify.
 */
const MAGIC = Buffer.from("tspmemo1");
const HEADER = MAGIC.length + 32;
const KIND_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const KEY_RE = /^[0-9a-f]{64}$/;

/** `<root>/memo-v1/<kind>/ab/<key>`: the file of a local memo entry. */
export function memoEntryPath(cacheRoot: string, kind: string, key: string): string {
  return join(cacheRoot, MEMO_BUCKET, kind, key.slice(0, 2), key);
}

function digestOf(kind: string, key: string, payload: Uint8Array): Buffer {
  return createHash("sha256").update(`${kind}\0${key}\0`).update(payload).digest();
}

/** The stored form of `bytes` under (kind, key): header (magic, sha256) + bytes. */
export function encodeMemoEntry(kind: string, key: string, bytes: Uint8Array): Buffer {
  const digest = digestOf(kind, key, bytes);
  return Buffer.concat([MAGIC, digest, bytes], HEADER + bytes.length);
}

/** The payload of a stored entry, or undefined when the header or the digest does not match. */
export function decodeMemoEntry(kind: string, key: string, file: Uint8Array): Uint8Array | undefined {
  if (file.length < HEADER) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (file[i] !== MAGIC[i]) return undefined;
  const payload = file.subarray(HEADER);
  const digest = digestOf(kind, key, payload);
  for (let i = 0; i < 32; i++) if (digest[i] !== file[MAGIC.length + i]) return undefined;
  return payload;
}

/**
 * The local store in `<cacheRoot>/memo-v1/` (one file per entry: `<kind>/ab/<key>`, created 0600 in 0700
 * folders). A read is one synchronous file read (a warm build's thread pool is busy reading wheels) and a
 * sha256 of the payload. A write is the cache's one atomic publish (`writeFileAtomic` with `replace: false`:
 * a temp file in the cache's `tmp/`, through the ownership guard, then a hard link that fails when the entry
 * exists): an entry is never replaced, and readers see it whole or not at all. Every failure of a write
 * (read-only or full cache, a race) is swallowed: it only costs the work next time.
 */
export function localMemoStore(cacheRoot: string): MemoStore {
  return {
    async get(kind, key) {
      if (!KIND_RE.test(kind) || !KEY_RE.test(key)) return undefined;
      let file: Uint8Array;
      try {
        file = readFileSync(memoEntryPath(cacheRoot, kind, key));
      } catch {
        return undefined;
      }
      const payload = decodeMemoEntry(kind, key, file);
      // A corrupt entry is a miss, and is removed so that the next put can store it again.
      if (payload === undefined) {
        try {
          rmSync(memoEntryPath(cacheRoot, kind, key), { force: true });
        } catch {
          // a read-only cache: stays a miss
        }
      }
      return payload;
    },
    async put(kind, key, bytes) {
      if (!KIND_RE.test(kind) || !KEY_RE.test(key)) return;
      try {
        await writeFileAtomic(memoEntryPath(cacheRoot, kind, key), encodeMemoEntry(kind, key, bytes), {
          temp: { cacheRoot, suffix: ".memo" },
          replace: false,
          mode: MEMO_FILE_MODE,
          dirMode: MEMO_DIR_MODE,
        });
      } catch {
        // a read-only or full cache: only costs the work next time
      }
    },
  };
}
