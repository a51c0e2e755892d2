/**
 * The warm-path store's contract (docs/architecture.md, "the warm seam"): a small content-addressed store
 * of derived results. A local copy of the type until the seam's own lands in @tspack/cache; the shapes are
 * the same, so either satisfies the other.
 */
export interface MemoStore {
  /**
   * The bytes stored under (kind, key), verified against the digest stored with them; undefined on a miss
   * or a failed check (a corrupt entry is a miss, never wrong bytes).
   */
  get(kind: string, key: string): Promise<Uint8Array | undefined>;
  /**
   * Store bytes under (kind, key): atomic, never overwrites an existing entry, never throws for a full or
   * read-only cache (warm data is an accelerator).
   */
  put(kind: string, key: string, bytes: Uint8Array): Promise<void>;
}
