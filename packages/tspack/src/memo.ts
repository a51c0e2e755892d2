/**
 * Memoized pure stages. Planning (uv.lock + pyproject.toml + target + selection → wheels) and per-wheel
 * install planning (wheel bytes + layout → files, RECORD, launchers) are pure functions of their inputs,
 * so their results are kept in the cache under `memo-v1/<kind>/ab/<key>.json`, where the key is the
 * sha256 of every input plus the build id of this tspack (a hash of its sources and dependencies, so a
 * different tspack never reads another's results). A warm build then skips parsing and planning.
 * Entries are written atomically; an unreadable or foreign entry is a miss, and a failed write only
 * costs the work next time. Entries may hold data derived from the project (paths, names, and — redacted —
 * URLs), so files are created 0600 and folders 0700: only the cache's owner can read them.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MEMO_BUCKET } from "@tspack/cache";

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

function memoPath(cacheDir: string, kind: MemoKind, key: string, ext = "json"): string {
  return join(cacheDir, MEMO_BUCKET, kind, key.slice(0, 2), `${key}.${ext}`);
}

/** The memoized value, or undefined when absent or unreadable. */
export async function readMemo<T>(cacheDir: string, kind: MemoKind, key: string): Promise<T | undefined> {
  let text: string;
  try {
    // Synchronous: a memo is small, and on a warm build the thread pool is busy reading wheels.
    text = readFileSync(memoPath(cacheDir, kind, key), "utf8");
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as { key?: string; value?: T };
    return value.key === key ? value.value : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value` (JSON) atomically; errors (read-only or full cache) are ignored. */
export async function writeMemo(cacheDir: string, kind: MemoKind, key: string, value: unknown): Promise<void> {
  await writeAtomically(memoPath(cacheDir, kind, key), JSON.stringify({ key, value }));
}

/** Binary bytes stored next to a memo entry (`<key>.bin`), or undefined when absent. */
export async function readMemoBytes(cacheDir: string, kind: MemoKind, key: string): Promise<Uint8Array | undefined> {
  try {
    return readFileSync(memoPath(cacheDir, kind, key, "bin"));
  } catch {
    return undefined;
  }
}

/** Stores binary bytes next to a memo entry; write them before the JSON entry that refers to them. */
export async function writeMemoBytes(cacheDir: string, kind: MemoKind, key: string, bytes: Uint8Array): Promise<void> {
  await writeAtomically(memoPath(cacheDir, kind, key, "bin"), bytes);
}

/** Mode of memo files and of the folders tspack creates for them. */
export const MEMO_FILE_MODE = 0o600;
export const MEMO_DIR_MODE = 0o700;

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(join(path, ".."), { recursive: true, mode: MEMO_DIR_MODE });
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, data, { mode: MEMO_FILE_MODE });
    await rename(tmp, path);
  } catch {
    // a read-only or full cache only costs the work next time
  }
}
