/**
 * Zip recipes: how a build's zips were assembled, memoized. Given the same wheels (by sha256), the same
 * project files (by content), layout, install options and timestamp, the zips are the same bytes, so a
 * warm build can skip install planning, merging, framing and compression: it replays the recorded
 * literal bytes (local headers, generated files, the central directory) and the ranges of the wheels'
 * bytes between them, and still writes and hashes every byte of every zip. Stored as one entry of the
 * warm store (kind `zip`): a 4-byte length, the JSON (segments, counts, the build's warnings and sizes),
 * then the literals of every zip (the store checks the whole entry's digest on read).
 */
import { createHash } from "node:crypto";
import type { MemoStore } from "@tspack/cache";
import { redactDeep } from "@tspack/errors";
import type { TspackEvent } from "../events.js";
import type { PackageSize } from "../stages/types.js";
import type { RecordedZip } from "../zip-file.js";
import { memoKey } from "./memo.js";

/** One zip of the recipe. */
export interface RecipeZip {
  kind: "function" | "layer";
  /** File name in the output folder. */
  name: string;
  unzippedBytes: number;
  files: number;
  /** Size and hex sha256 of the zip: a replay must give exactly these. */
  bytes: number;
  sha256: string;
  recorded: RecordedZip;
}

/** What a replay needs besides the wheels' bytes. */
export interface ZipRecipe {
  zips: RecipeZip[];
  packages: PackageSize[];
  /** The warnings and conflicts the planning emitted, replayed in order. */
  events: TspackEvent[];
}

interface StoredRecipe {
  zips: Array<Omit<RecipeZip, "recorded"> & { segments: number[]; literalsAt: number; literalsLength: number }>;
  packages: PackageSize[];
  events: TspackEvent[];
}

/** Literals above this size are not memoized (a project with big files of its own): the build plans again. */
const MAX_LITERALS = 32 * 1024 * 1024;

/** Everything the zips are a function of (the build id covers tspack's own code). */
export function zipRecipeKey(input: {
  layout: string;
  installLayouts: unknown;
  sourceDateEpoch: number | undefined;
  wheels: ReadonlyArray<{ filename: string; sha256: string }>;
  members: number;
  code: ReadonlyArray<{ path: string; mode: number; data: Uint8Array }>;
  /** The bytecode compiler and settings, when the build ships pycs. */
  bytecode?: string | undefined;
}): string {
  const parts: string[] = [
    "zip-recipe-3",
    input.layout,
    JSON.stringify(input.installLayouts),
    String(input.sourceDateEpoch ?? ""),
    String(input.members),
  ];
  for (const w of input.wheels) parts.push(w.filename, w.sha256);
  parts.push(String(input.code.length));
  for (const f of input.code) parts.push(f.path, String(f.mode), createHash("sha256").update(f.data).digest("hex"));
  if (input.bytecode !== undefined) parts.push("bytecode", input.bytecode);
  return memoKey("zip", parts);
}

/** The recipe stored under `key`, or undefined (absent, corrupt, or not a recipe). */
export async function readZipRecipe(store: MemoStore, key: string): Promise<ZipRecipe | undefined> {
  const entry = await store.get("zip", key);
  if (entry === undefined || entry.length < 4) return undefined;
  const view = Buffer.from(entry.buffer, entry.byteOffset, entry.length);
  const jsonLength = view.readUInt32BE(0);
  if (4 + jsonLength > entry.length) return undefined;
  let stored: StoredRecipe;
  try {
    stored = JSON.parse(view.toString("utf8", 4, 4 + jsonLength)) as StoredRecipe;
  } catch {
    return undefined;
  }
  const literals = entry.subarray(4 + jsonLength);
  const zips: RecipeZip[] = [];
  for (const { segments, literalsAt, literalsLength, ...z } of stored.zips) {
    if (literalsAt < 0 || literalsAt + literalsLength > literals.length) return undefined;
    zips.push({ ...z, recorded: { segments, literals: literals.subarray(literalsAt, literalsAt + literalsLength) } });
  }
  return { zips, packages: stored.packages, events: stored.events };
}

/** Stores a recipe as one entry (the store swallows failures). */
export async function writeZipRecipe(store: MemoStore, key: string, recipe: ZipRecipe): Promise<void> {
  const total = recipe.zips.reduce((n, z) => n + z.recorded.literals.length, 0);
  if (total > MAX_LITERALS) return;
  let at = 0;
  const zips = recipe.zips.map(({ recorded, ...z }) => {
    const entry = { ...z, segments: recorded.segments, literalsAt: at, literalsLength: recorded.literals.length };
    at += recorded.literals.length;
    return entry;
  });
  const json = Buffer.from(
    JSON.stringify({
      zips,
      packages: recipe.packages,
      // Replayed to the user only: stored without credentials, like everything in the cache.
      events: redactDeep(recipe.events),
    } satisfies StoredRecipe),
  );
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length, 0);
  await store.put("zip", key, Buffer.concat([head, json, ...recipe.zips.map((z) => z.recorded.literals)]));
}
