import type { MemoStore } from "./memo-store.js";
import type { RemoteCache } from "./remote-cache.js";

/**
 * The local store with the remote cache under it (read-through):
 * - get: the local entry; on a local miss the remote's (verified), which is then stored locally, so the
 *   next run needs no request;
 * - put: into the local store now, and into the remote in the background (awaited by `remote.flush()`;
 *   nothing in read mode).
 * The local store's own verification still applies to everything it returns.
 */
export function layerStores(local: MemoStore, remote: RemoteCache): MemoStore {
  return {
    async get(kind, key) {
      const hit = await local.get(kind, key);
      if (hit !== undefined) return hit;
      const bytes = await remote.get(kind, key);
      if (bytes === undefined) return undefined;
      await local.put(kind, key, bytes);
      return bytes;
    },
    async put(kind, key, bytes) {
      await local.put(kind, key, bytes);
      remote.putInBackground(kind, key, bytes);
    },
  };
}

/** One wheel the run needs: its sha256 and, when the lock knows it, its size. */
export interface WheelRef {
  sha256: string;
  size?: number | undefined;
}

/**
 * Brings into the local cache, from the remote, the wheels it lacks (at most `concurrency` at once).
 * Returns the sha256s the remote served; the caller downloads the rest from the index as usual, then
 * hands those to {@link shareWheels}.
 */
export async function prefetchWheels(
  remote: RemoteCache,
  cacheRoot: string,
  wheels: readonly WheelRef[],
  concurrency = 16,
): Promise<Set<string>> {
  const served = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wheels.length) {
      const w = wheels[next++]!;
      if (await remote.fetchWheel(cacheRoot, w.sha256, w.size)) served.add(w.sha256);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, wheels.length) }, worker));
  return served;
}

/** Uploads, in the background, the wheels this run downloaded from the index (read mode: nothing). */
export function shareWheels(remote: RemoteCache, cacheRoot: string, sha256s: Iterable<string>): void {
  for (const sha of sha256s) remote.uploadWheelInBackground(cacheRoot, sha);
}
