/**
 * The warm-path store's contract (the one @tspack/cache defines; a local copy until it lands): bytes under
 * (kind, key), verified on read, never throwing on a failed write.
 */
export interface MemoStore {
  get(kind: string, key: string): Promise<Uint8Array | undefined>;
  put(kind: string, key: string, bytes: Uint8Array): Promise<void>;
}
