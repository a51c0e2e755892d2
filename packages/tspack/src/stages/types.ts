/** The data types of `build`: its options and result (public), and the files an artifact holds. */

import type { Target } from "@tspack/platform-tags";
import type { ZipEntry } from "@tspack/zip";
import type { FetchStageOptions, FetchStageResult } from "../fetch.js";
import type { RemoteCacheReport } from "../remote-cache.js";
import type { LoadedWheel } from "../wheels.js";
import type { ImageBuildOptions, ImageSummary } from "./image.js";

/** The artifact layouts. */
export type BuildLayout = "zip" | "layer" | "dir" | "image";

export interface BuildOptions extends FetchStageOptions, ImageBuildOptions {
  /**
   * `zip` (default): function.zip; `layer`: layer.zip + function.zip; `dir`: a task root + Dockerfile;
   * `image`: a container image (`image/`, an OCI layout; `push` sends it to registries).
   */
  layout?: BuildLayout;
  /**
   * Output folder, replaced as a whole, so it must be missing, empty or tspack's previous output, and not
   * hold the project, the workspace or the cache (TSPACK_NOT_OWNED). A relative path resolves against the
   * current folder, like the CLI's `--out`. Default: `[tool.tspack] out` (relative to the project), else
   * `<projectDir>/dist/lambda`.
   */
  outDir?: string;
  /**
   * Globs of the project's own files to leave out of the artifact, added to `[tool.tspack] exclude`
   * (same syntax; relative to the project folder). Applies to the files tspack copies from the project
   * folder, not to installed packages.
   */
  exclude?: readonly string[];
  /** Write INSTALLER/REQUESTED (default false, like the uv Lambda guide). */
  installerMetadata?: boolean;
  /** Interpreter for bin/ launchers (default the runtime's `/var/lang/bin/python3.X`). */
  shebang?: string;
  /**
   * Seconds since the epoch for every zip entry and task-root file. Default: `env.SOURCE_DATE_EPOCH` (as
   * the CLI reads it), else 1980-01-01.
   */
  sourceDateEpoch?: number;
  /**
   * Ship hash-based `.pyc` files compiled for the target's Python (Pyodide; no Python needed). Default:
   * `env.UV_COMPILE_BYTECODE`, else `[tool.tspack] compile-bytecode`, else on for `dir`, off for zip/layer.
   */
  compileBytecode?: boolean;
  /** `checked-hash` (default) or `unchecked-hash` (`[tool.tspack] invalidation-mode`). */
  invalidationMode?: "checked-hash" | "unchecked-hash";
  /** Ship `mod.pyc` instead of `mod.py` (smaller; tracebacks without source lines). Implies compileBytecode. */
  bytecodeOnly?: boolean;
  /** Compile with this CPython of the target's X.Y instead of tspack's Pyodide. */
  pythonInterpreter?: string;
}

/** One written artifact. */
export interface BuildArtifact {
  kind: "function" | "layer" | "task-root" | "dockerfile" | "image";
  /** Absolute path. */
  path: string;
  /** File size (zip) or total file bytes (directory). */
  bytes: number;
  unzippedBytes: number;
  files: number;
  /**
   * Hex sha256 (zips and the Dockerfile; for the directory a digest of its sorted listing and contents; for
   * the image, its manifest's digest).
   */
  sha256: string;
  /** Base64 sha256, what Lambda reports as CodeSha256 (zips only). */
  codeSha256?: string;
}

/** Per-package share of the unzipped size, largest first. */
export interface PackageSize {
  name: string;
  version: string;
  files: number;
  unzippedBytes: number;
  /** The compressed wheel size from the lock (or the built wheel). */
  wheelBytes: number;
}

export interface BuildResult {
  target: Target;
  layout: BuildLayout;
  outDir: string;
  artifacts: BuildArtifact[];
  packages: PackageSize[];
  /** The project's own files (for virtual roots). */
  projectFiles: number;
  warnings: string[];
  /** Path of build.json. */
  manifestPath: string;
  timings: Record<string, number>;
  fetch: Pick<FetchStageResult, "cacheDir" | "requests" | "bytesDownloaded">;
  /** `layout: "image"`: the image's digest, platform, base and pushed references (also in build.json). */
  image?: ImageSummary;
  /**
   * The remote cache's report when the build used one (`remoteCache`): counters, and `flush()`, which
   * waits for the uploads still running in the background (the CLI awaits it before it exits).
   */
  remoteCache?: RemoteCacheReport;
}

/** One file of an artifact: bytes in memory, or an entry of a wheel copied as it is. */
export interface FileEntry {
  path: string;
  mode: number;
  data?: Uint8Array;
  raw?: { wheel: LoadedWheel; entry: ZipEntry };
  owner: string;
}
