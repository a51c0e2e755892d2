/**
 * The warm-path store the build shares (see the brief's MemoStore contract, implemented by @tspack/cache
 * and, over S3, by the remote cache). Bytecode keeps one entry per compiled file under the kind "pyc".
 */
export interface MemoStore {
  /** The bytes stored under (kind, key), verified; undefined on a miss or a failed check. */
  get(kind: string, key: string): Promise<Uint8Array | undefined>;
  /** Stores bytes under (kind, key): atomic, never overwrites, never throws for a full or read-only cache. */
  put(kind: string, key: string, bytes: Uint8Array): Promise<void>;
}
