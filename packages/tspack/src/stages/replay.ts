/**
 * The warm write: the zips replayed from their recipe (literal bytes and ranges of the wheels' bytes, in
 * order, starting as soon as the first wheel needed is in memory; every byte written is hashed). A replay
 * that does not give the recorded size and sha256 (a wheel changed in the cache) removes what it wrote
 * and returns undefined: the build then plans and writes from scratch.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { TspackEvent } from "../events.js";
import type { ZipRecipe } from "../warm/index.js";
import type { LoadedWheel } from "../wheels.js";
import { writeRecordedZip } from "../zip-file.js";
import type { BuildArtifact, PackageSize } from "./types.js";
import { zipArtifact } from "./write-artifacts.js";

export interface Replayed {
  artifacts: BuildArtifact[];
  packages: PackageSize[];
  /** The warnings and conflicts of the planning that made the recipe, to report again. */
  events: TspackEvent[];
}

export async function replayRecipe(
  recipe: ZipRecipe,
  wheels: readonly LoadedWheel[],
  stagingRoot: string,
  outDir: string,
  signal: AbortSignal | undefined,
): Promise<Replayed | undefined> {
  const got: Array<Uint8Array | undefined> = [];
  const source = (i: number): Uint8Array | Promise<Uint8Array> =>
    got[i] ?? wheels[i]?.load().then((b) => (got[i] = b)) ?? new Uint8Array(0);
  const artifacts: BuildArtifact[] = [];
  for (const z of recipe.zips) {
    const info = await writeRecordedZip(join(stagingRoot, z.name), z.recorded, source, z, signal);
    if (!info) {
      for (const a of recipe.zips) await rm(join(stagingRoot, a.name), { force: true });
      return undefined;
    }
    artifacts.push(zipArtifact(z.kind, info, join(outDir, z.name)));
  }
  return { artifacts, packages: recipe.packages, events: recipe.events };
}
