/**
 * Memoized pure stages over the warm store (@tspack/cache `MemoStore`). Planning (uv.lock + pyproject.toml
 * + target + selection → wheels), per-wheel install planning (wheel bytes + layout → files, RECORD,
 * launchers) and zip recipes are pure functions of their inputs, so their results are kept under a key
 * that is the sha256 of every input plus the build id of this tspack (a hash of its sources and
 * dependencies, so a different tspack never reads another's results). The store checks each entry's
 * digest on read (a corrupt entry is a miss), never replaces an entry, and never fails a build for a
 * read-only or full cache. Entries may hold data derived from the project (paths, names, and — redacted —
 * URLs): files are created 0600 and folders 0700.
 */
import { createHash, randomBytes } from "node:crypto";
import { localMemoStore, type MemoStore } from "@tspack/cache";

export { MEMO_DIR_MODE, MEMO_FILE_MODE } from "@tspack/cache";

declare const __TSPACK_BUILD_ID__: string | undefined;

/**
 * Identifies the code that produced a memoized result: set by the build (sha256 of the sources and the
 * lockfile); unbundled sources (tests) use one id per process, so they never share results across runs.
 */
export const BUILD_ID: string =
  typeof __TSPACK_BUILD_ID__ === "string"
    ? __TSPACK_BUILD_ID__
    : `dev-${process.pid}-${randomBytes(8).toString("hex")}`;

/** The memo kinds (one folder each). */
export type MemoKind = "plan" | "install" | "zip";

/** sha256 (hex) of the build id, the kind and every part (length-prefixed, so parts cannot run together). */
export function memoKey(kind: MemoKind, parts: ReadonlyArray<string | Uint8Array | undefined>): string {
  const h = createHash("sha256");
  h.update(`tspack-memo\0${BUILD_ID}\0${kind}\0`);
  for (const p of parts) {
    if (p === undefined) h.update("u\0");
    else if (typeof p === "string") h.update(`s${Buffer.byteLength(p)}\0`).update(p);
    else h.update(`b${p.length}\0`).update(p);
  }
  return h.digest("hex");
}

const stores = new Map<string, MemoStore>();
/** The store layered over a cache folder's local one by the run that opened the warm seam last. */
const layered = new Map<string, MemoStore>();

/**
 * The store of a cache folder (one per folder and process): the one place the warm path's store is
 * chosen — plans, install plans and zip recipes all come through here, so a remote store (S3) layers under
 * the local one here, read-through, without touching `build()` ({@link layerStore}).
 */
export function memoStoreFor(cacheDir: string): MemoStore {
  const over = layered.get(cacheDir);
  if (over !== undefined) return over;
  let store = stores.get(cacheDir);
  if (store === undefined) stores.set(cacheDir, (store = localMemoStore(cacheDir)));
  return store;
}

/**
 * Puts `layer(local)` in place of a cache folder's store (the remote cache under the local one), or the
 * local store alone again when `layer` is undefined. Each run that opens the warm seam sets it, so a run
 * without a remote cache never uses another run's. (Runs in one process that use one cache folder at the
 * same time share the last one's setting.)
 */
export function layerStore(cacheDir: string, layer: ((local: MemoStore) => MemoStore) | undefined): void {
  layered.delete(cacheDir);
  if (layer !== undefined) layered.set(cacheDir, layer(memoStoreFor(cacheDir)));
}

/** A JSON value from the store, or undefined (absent, corrupt, or not JSON). */
export async function getJson<T>(store: MemoStore, kind: MemoKind, key: string): Promise<T | undefined> {
  const bytes = await store.get(kind, key);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Stores a JSON value (never throws). */
export function putJson(store: MemoStore, kind: MemoKind, key: string, value: unknown): Promise<void> {
  return store.put(kind, key, Buffer.from(JSON.stringify(value)));
}

/** The memoized value in `cacheDir`'s store, or undefined when absent or unreadable. */
export function readMemo<T>(cacheDir: string, kind: MemoKind, key: string): Promise<T | undefined> {
  return getJson<T>(memoStoreFor(cacheDir), kind, key);
}

/** Stores `value` (JSON) in `cacheDir`'s store; errors (read-only or full cache) are ignored. */
export function writeMemo(cacheDir: string, kind: MemoKind, key: string, value: unknown): Promise<void> {
  return putJson(memoStoreFor(cacheDir), kind, key, value);
}
