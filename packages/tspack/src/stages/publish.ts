/**
 * The last stage: build.json (what was built, and the proof that the folder is tspack's output), then the
 * staged folder put in place of the output folder.
 */
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkOutputOwned, OUTPUT_MANIFEST, replaceFolder } from "@tspack/cache";
import { redactSecrets } from "@tspack/errors";
import { formatTarget, type Target, targetToJSON } from "@tspack/platform-tags";
import type { ImageSummary } from "./image.js";
import type { BuildArtifact, BuildLayout, PackageSize } from "./types.js";

/** Writes build.json into the staging folder. Warnings may quote a URL: build.json never holds credentials. */
export function writeManifest(
  stagingRoot: string,
  outDir: string,
  built: {
    target: Target;
    layout: BuildLayout;
    artifacts: BuildArtifact[];
    packages: PackageSize[];
    projectFiles: number;
    image?: ImageSummary | undefined;
    warnings: string[];
  },
): void {
  const manifest = {
    tspack: 1,
    target: targetToJSON(built.target),
    targetDescription: formatTarget(built.target),
    layout: built.layout,
    artifacts: built.artifacts.map((a) => ({ ...a, path: relative(outDir, a.path).split("\\").join("/") })),
    packages: built.packages,
    projectFiles: built.projectFiles,
    ...(built.image ? { image: built.image } : {}),
    warnings: built.warnings,
  };
  writeFileSync(join(stagingRoot, "build.json"), redactSecrets(`${JSON.stringify(manifest, null, 2)}\n`));
}

/**
 * Puts the staged output in place of `realOut` (the canonical `outDir`): checked again right before (only
 * tspack's previous output is replaced), then swapped, or for a mount point replaced entry by entry with
 * build.json, the proof of ownership, leaving last and arriving first.
 */
export function publishOutput(staging: string, outDir: string, realOut: string, inPlace: boolean): void {
  const old = checkOutputOwned(outDir);
  replaceFolder(staging, realOut, { inPlace, old: () => old, isProof: (name) => name === OUTPUT_MANIFEST });
}
