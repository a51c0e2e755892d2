/**
 * Zip recipes: how a build's zips were assembled, memoized. Given the same wheels (by sha256), the same
 * project files (by content), layout, install options and timestamp, the zips are the same bytes, so a
 * warm build can skip install planning, merging, framing and compression: it replays the recorded
 * literal bytes (local headers, generated files, the central directory) and the ranges of the wheels'
 * bytes between them, and still writes and hashes every byte of every zip. Stored in the memo as
 * `memo-v1/zip/ab/<key>.json` (segments, counts, the build's warnings and sizes) plus `<key>.bin` (the
 * literals of every zip, checked against a sha256 in the JSON).
 */
import { createHash } from "node:crypto";
import { redactDeep } from "@tspack/errors";
import type { PackageSize } from "./build.js";
import type { TspackEvent } from "./events.js";
import { memoKey, readMemo, readMemoBytes, writeMemo, writeMemoBytes } from "./memo.js";
import type { RecordedZip } from "./zip-file.js";

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
  literalsSha256: string;
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
}): string {
  const parts: string[] = [
    "zip-recipe-2",
    input.layout,
    JSON.stringify(input.installLayouts),
    String(input.sourceDateEpoch ?? ""),
    String(input.members),
  ];
  for (const w of input.wheels) parts.push(w.filename, w.sha256);
  parts.push(String(input.code.length));
  for (const f of input.code) parts.push(f.path, String(f.mode), createHash("sha256").update(f.data).digest("hex"));
  return memoKey("zip", parts);
}

/** The recipe stored under `key`, or undefined (absent, unreadable, or its literals do not match). */
export async function readZipRecipe(cacheDir: string, key: string): Promise<ZipRecipe | undefined> {
  const stored = await readMemo<StoredRecipe>(cacheDir, "zip", key);
  if (!stored) return undefined;
  const literals = await readMemoBytes(cacheDir, "zip", key);
  if (!literals || createHash("sha256").update(literals).digest("hex") !== stored.literalsSha256) return undefined;
  const zips: RecipeZip[] = [];
  for (const { segments, literalsAt, literalsLength, ...z } of stored.zips) {
    if (literalsAt < 0 || literalsAt + literalsLength > literals.length) return undefined;
    zips.push({ ...z, recorded: { segments, literals: literals.subarray(literalsAt, literalsAt + literalsLength) } });
  }
  return { zips, packages: stored.packages, events: stored.events };
}

/** Stores a recipe (the literals first, then the JSON that refers to them); failures are ignored. */
export async function writeZipRecipe(cacheDir: string, key: string, recipe: ZipRecipe): Promise<void> {
  const total = recipe.zips.reduce((n, z) => n + z.recorded.literals.length, 0);
  if (total > MAX_LITERALS) return;
  const literals = Buffer.concat(
    recipe.zips.map((z) => z.recorded.literals),
    total,
  );
  let at = 0;
  const zips = recipe.zips.map(({ recorded, ...z }) => {
    const entry = { ...z, segments: recorded.segments, literalsAt: at, literalsLength: recorded.literals.length };
    at += recorded.literals.length;
    return entry;
  });
  await writeMemoBytes(cacheDir, "zip", key, literals);
  await writeMemo(cacheDir, "zip", key, {
    zips,
    packages: recipe.packages,
    // Replayed to the user only: stored without credentials, like everything in the cache.
    events: redactDeep(recipe.events),
    literalsSha256: createHash("sha256").update(literals).digest("hex"),
  } satisfies StoredRecipe);
}
