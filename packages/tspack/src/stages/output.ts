/**
 * The build's options and output folder, checked before any download: layout, timestamp, and an output
 * folder that tspack may replace (the ownership guard). Then the staging folder the artifacts are written
 * into, published by one rename at the end.
 */
import { join, resolve } from "node:path";
import { checkDestination, checkOutputOwned, makeDirsSync, stagingFor } from "@tspack/cache";
import { ERROR_CODES, TspackError, type UserPath } from "@tspack/errors";
import { envOf } from "../fetch.js";
import { type ProjectContext, workspaceRootOf } from "../read-project.js";
import { sourceDateEpochFromEnv } from "../source-date-epoch.js";
import { checkImageBuildOptions } from "./image.js";
import type { BuildLayout, BuildOptions } from "./types.js";

/** The last second a zip timestamp can hold: 2107-12-31T23:59:59Z. */
const MAX_SOURCE_DATE_EPOCH = 4_354_819_199;

const OUT_HINT =
  "tspack replaces the output folder as a whole: choose a folder of its own, e.g. dist/lambda (the default)";

function layoutOf(layout: string): BuildLayout {
  if (layout !== "zip" && layout !== "layer" && layout !== "dir" && layout !== "image") {
    throw new TspackError(ERROR_CODES.USAGE, `The layout "${layout}" is not supported`, {
      hint: "Use zip, layer, dir or image",
    });
  }
  return layout;
}

function checkSourceDateEpoch(epoch: number | undefined): void {
  if (epoch === undefined) return;
  if (!Number.isFinite(epoch) || epoch > MAX_SOURCE_DATE_EPOCH) {
    throw new TspackError(
      ERROR_CODES.USAGE,
      `The sourceDateEpoch "${epoch}" is out of range: zip timestamps end in 2107 (${MAX_SOURCE_DATE_EPOCH})`,
      { hint: "Give seconds since 1970-01-01T00:00:00Z (SOURCE_DATE_EPOCH); earlier than 1980 counts as 1980-01-01" },
    );
  }
}

/** Refuses bad options (layout, timestamp) before any work; returns the timestamp of every entry. */
export function checkBuildOptions(options: BuildOptions): number | undefined {
  if (options.layout !== undefined) layoutOf(options.layout);
  checkSourceDateEpoch(options.sourceDateEpoch);
  return options.sourceDateEpoch ?? sourceDateEpochFromEnv(envOf(options).SOURCE_DATE_EPOCH);
}

/** Where the build writes: the layout, the output folder (as given and canonical), the user path to blame. */
export interface BuildOutput {
  layout: BuildLayout;
  outDir: string;
  realOut: string;
  /** Classifies I/O errors: the staging folder is added to it when created. */
  userPath: UserPath & { internal: string[] };
}

/**
 * The layout and output folder from the options and `[tool.tspack]`. The output folder is replaced as a
 * whole: not the project, the workspace, the cache, the current or home folder (nor one holding them),
 * and only when empty or tspack's previous output (the ownership guard). Its path leads `paths` (the
 * user paths I/O errors are reported against) from here on.
 */
export function resolveOutput(
  options: BuildOptions,
  project: ProjectContext,
  cacheDir: string,
  paths: UserPath[],
): BuildOutput {
  const cfg = project.pyproject?.tspack ?? {};
  const layout = layoutOf(options.layout ?? cfg.layout ?? "zip");
  checkImageBuildOptions(options, layout, cfg.base);
  const outDir =
    options.outDir !== undefined
      ? resolve(options.outDir)
      : resolve(project.projectDir, cfg.out ?? join("dist", "lambda"));
  const userPath = { path: outDir, what: "the output folder", option: "--out", internal: [] as string[] };
  paths.unshift(userPath);
  const realOut = checkDestination(outDir, {
    label: "The output folder",
    keep: [
      { path: project.projectDir, what: "the project" },
      { path: workspaceRootOf(project), what: "the workspace" },
    ],
    cacheDir,
    ...(options.homedir === undefined ? {} : { home: options.homedir }),
    hint: OUT_HINT,
  });
  checkOutputOwned(outDir);
  return { layout, outDir, realOut, userPath };
}

/**
 * A fresh staging folder beside the output folder (one rename publishes it), or inside it when it is a
 * mount point; the leftovers of killed runs go first.
 */
export function openStaging(out: BuildOutput): { stagingRoot: string; inPlace: boolean } {
  const { path: stagingRoot, inPlace } = stagingFor(out.realOut, "build");
  out.userPath.internal.push(stagingRoot);
  makeDirsSync(stagingRoot);
  return { stagingRoot, inPlace };
}
