/**
 * What each artifact holds, decided from data alone (PURE: no node:* module, no disk, no network). Input:
 * the layout, the dependencies' files as the installer would place them, the workspace members' files
 * (the layer layout keeps them out of the layer), the project's own code. Output: each artifact's name and
 * files (in order, with modes), the per-package sizes, and the warnings about what was left out or
 * replaced. Lambda's size limit is checked here too, from the same data. Writing the bytes (zip framing,
 * a directory) is the write stage's job.
 *
 * To add a layout: give it a case in {@link composeArtifacts} (which files go in which artifact, under
 * which paths) and teach the write stage its artifact kinds, if new.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { installedSizeFloor } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import type { BuildArtifact, BuildLayout, FileEntry, PackageSize } from "./types.js";

/** Lambda's limit on the unzipped size of a function and all its layers. */
export const LAMBDA_UNZIPPED_LIMIT = 262_144_000;
/** Lambda's limit on a zip uploaded directly (larger ones go through S3). */
export const LAMBDA_DIRECT_UPLOAD_LIMIT = 52_428_800;

/** One artifact's content: a zip (`function.zip`, `layer.zip`) or a directory (`task`). */
export interface ArtifactContent {
  kind: "function" | "layer" | "task-root" | "image";
  /** Name in the output folder. */
  name: string;
  files: FileEntry[];
}

/** A wheel's install plan, as far as sizes go. */
export interface PlannedWheelSize {
  name: string;
  normalizedName: string;
  version: string;
  filename: string;
}

export interface CompositionInput {
  layout: BuildLayout;
  /** The target's Python version (major, minor). */
  python: readonly [number, number];
  /** Dependencies' files at their install paths (`--prefix` paths for the layer layout, else `--target`). */
  deps: FileEntry[];
  /** Files of the project's own packages installed apart from the layer (layer layout only). */
  members: FileEntry[];
  /** The project's own files (virtual roots). */
  code: FileEntry[];
  /** Every planned wheel (dependencies, then members) and the compressed size of each wheel by filename. */
  plans: readonly PlannedWheelSize[];
  wheelBytes: ReadonlyMap<string, number>;
}

export interface Composition {
  artifacts: ArtifactContent[];
  packages: PackageSize[];
  warnings: string[];
}

/** Size of a file once unzipped. */
export function sizeOf(f: FileEntry): number {
  return f.raw ? f.raw.entry.uncompressedSize : f.data!.length;
}

/**
 * The artifacts of a layout:
 * - `zip`: function.zip = dependencies + code (a code file replaces a dependency's file of the same path);
 * - `layer`: layer.zip = the dependencies' `lib/` under `python/` (scripts, headers, data left out, as the
 *   uv guide does); function.zip = members + code;
 * - `dir`: the `task` directory, with what function.zip would hold (no Lambda size limit: an image).
 * @throws TSPACK_SIZE_LIMIT when a zip layout is over Lambda's unzipped limit.
 */
export function composeArtifacts(input: CompositionInput): Composition {
  const { layout, code } = input;
  const warnings: string[] = [];
  let deps = input.deps;
  if (layout === "layer") {
    const sitePrefix = `lib/python${input.python[0]}.${input.python[1]}/site-packages/`;
    const dropped = new Set<string>();
    deps = [];
    for (const f of input.deps) {
      if (f.path.startsWith("lib/")) deps.push({ ...f, path: `python/${f.path}` });
      else dropped.add(f.path.split("/")[0]!);
    }
    if (dropped.size)
      warnings.push(
        `The layer keeps only python/${sitePrefix}: left out ${[...dropped].sort().join(", ")} (scripts, headers, data files), as the uv guide's \`cp -r packages/lib python/\` does`,
      );
  }
  const packages = packageSizes([...deps, ...input.members], input.plans, input.wheelBytes);
  const codePaths = new Set(code.map((f) => f.path));
  if (layout === "layer") {
    const functionFiles = [...input.members.filter((f) => !codePaths.has(f.path)), ...code];
    checkLimit([...deps, ...functionFiles], packages, code);
    if (functionFiles.length === 0)
      warnings.push("function.zip is empty: the project has no code of its own to ship (see [tool.tspack] include)");
    return {
      artifacts: [
        { kind: "layer", name: "layer.zip", files: deps },
        { kind: "function", name: "function.zip", files: functionFiles },
      ],
      packages,
      warnings,
    };
  }
  const depPaths = new Set(deps.map((f) => f.path));
  for (const f of code)
    if (depPaths.has(f.path)) warnings.push(`The project file "${f.path}" replaces the same path from a dependency`);
  const all = [...deps.filter((f) => !codePaths.has(f.path)), ...code];
  if (layout === "zip") {
    // Lambda's limit is for zips (function + layers); a container image (dir) holds up to 10 GB.
    checkLimit(all, packages, code);
    return { artifacts: [{ kind: "function", name: "function.zip", files: all }], packages, warnings };
  }
  // A container image holds up to 10 GB: no Lambda zip limit for the dir and image layouts. The image's
  // /var/task is exactly the dir layout's task/ (its write step splits it into two layers).
  if (layout === "image") return { artifacts: [{ kind: "image", name: "image", files: all }], packages, warnings };
  return { artifacts: [{ kind: "task-root", name: "task", files: all }], packages, warnings };
}

/** Per-package file counts and unzipped sizes, largest first. */
export function packageSizes(
  files: readonly FileEntry[],
  plans: readonly PlannedWheelSize[],
  wheelBytes: ReadonlyMap<string, number>,
): PackageSize[] {
  const byOwner = new Map<string, PackageSize>();
  for (const p of plans) {
    byOwner.set(`${p.name}==${p.version}`, {
      name: p.normalizedName,
      version: p.version,
      files: 0,
      unzippedBytes: 0,
      wheelBytes: wheelBytes.get(p.filename) ?? 0,
    });
  }
  for (const f of files) {
    const s = byOwner.get(f.owner);
    if (!s) continue;
    s.files++;
    s.unzippedBytes += sizeOf(f);
  }
  return [...byOwner.values()].sort((a, b) => b.unzippedBytes - a.unzippedBytes || (a.name < b.name ? -1 : 1));
}

/** Warnings for written zips over Lambda's direct upload limit. */
export function uploadWarnings(artifacts: readonly BuildArtifact[], baseName: (path: string) => string): string[] {
  return artifacts.flatMap((a) =>
    a.codeSha256 !== undefined && a.bytes > LAMBDA_DIRECT_UPLOAD_LIMIT
      ? [
          `${baseName(a.path)} is ${a.bytes} bytes, over the ${LAMBDA_DIRECT_UPLOAD_LIMIT}-byte direct upload limit: upload it to S3 and deploy from there`,
        ]
      : [],
  );
}

/** The compressed sizes from the lock, before anything is read: over Lambda's limit, the build stops. */
export function checkLockedSizes(
  packages: ReadonlyArray<{
    name: string;
    version?: string | null | undefined;
    wheel?: { size?: number | undefined } | null | undefined;
  }>,
): void {
  const wheelBytes = packages.reduce((n, p) => n + (p.wheel?.size ?? 0), 0);
  if (wheelBytes <= LAMBDA_UNZIPPED_LIMIT) return;
  throw sizeError(
    `The wheels alone are ${wheelBytes} bytes compressed, over Lambda's ${LAMBDA_UNZIPPED_LIMIT}-byte unzipped limit`,
    packages.map((p) => ({
      name: p.name,
      version: p.version ?? "",
      files: 0,
      unzippedBytes: 0,
      wheelBytes: p.wheel?.size ?? 0,
    })),
  );
}

/** A wheel as far as the size floor goes: its central directory. */
export interface WheelEntries {
  name: string;
  version: string;
  entries: readonly ZipEntry[];
  bytes: Uint8Array;
}

/**
 * Lambda's limit from the central directories alone, before the first inflate: a lower bound of what
 * the function and its layer will hold (`installedSizeFloor`: declared sizes of the files the plan
 * certainly writes, a path shared by two wheels counted once, a dependency's file replaced by a
 * project file of the same path not counted) plus the project's code. Over the limit, the build
 * fails with the same TSPACK_SIZE_LIMIT error and package table as {@link checkLimit}, which checks the
 * exact total after planning.
 */
export function checkLimitBeforeInflating(
  wheels: readonly WheelEntries[],
  members: ReadonlySet<WheelEntries>,
  layout: "zip" | "layer",
  code: FileEntry[],
): void {
  const codePaths = new Set(code.map((f) => f.path));
  const floor = new Map<string, number>();
  const sizes: PackageSize[] = [];
  for (const w of wheels) {
    // The layer holds third-party wheels under python/; the function, members and the project's code.
    const inLayer = layout === "layer" && !members.has(w);
    const own = installedSizeFloor(w.entries as ZipEntry[], inLayer ? "lib" : "all");
    let bytes = 0;
    for (const [path, size] of own) {
      bytes += size;
      if (!inLayer && codePaths.has(path)) continue;
      const key = `${inLayer ? "layer" : "function"}:${path}`;
      const prev = floor.get(key);
      if (prev === undefined || size < prev) floor.set(key, size);
    }
    sizes.push({ name: w.name, version: w.version, files: own.size, unzippedBytes: bytes, wheelBytes: w.bytes.length });
  }
  const codeBytes = code.reduce((n, f) => n + sizeOf(f), 0);
  let total = codeBytes;
  for (const size of floor.values()) total += size;
  if (total <= LAMBDA_UNZIPPED_LIMIT) return;
  throw sizeError(
    `The function unzips to at least ${total} bytes (from the wheels' central directories, before inflating anything), over Lambda's ${LAMBDA_UNZIPPED_LIMIT}-byte limit (function + layers)`,
    [
      ...sizes,
      ...(code.length
        ? [{ name: "(project code)", version: "", files: code.length, unzippedBytes: codeBytes, wheelBytes: 0 }]
        : []),
    ],
  );
}

/** Lambda's unzipped limit for the files of every zip (function + layers): TSPACK_SIZE_LIMIT with the package table. */
export function checkLimit(all: FileEntry[], packages: PackageSize[], code: FileEntry[]): void {
  const total = all.reduce((n, f) => n + sizeOf(f), 0);
  if (total <= LAMBDA_UNZIPPED_LIMIT) return;
  const codeBytes = code.reduce((n, f) => n + sizeOf(f), 0);
  throw sizeError(
    `The function unzips to ${total} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT}-byte limit (function + layers)`,
    [
      ...packages,
      ...(code.length
        ? [{ name: "(project code)", version: "", files: code.length, unzippedBytes: codeBytes, wheelBytes: 0 }]
        : []),
    ],
  );
}

function sizeError(message: string, sizes: PackageSize[]): TspackError {
  const sorted = [...sizes].sort((a, b) => b.unzippedBytes - a.unzippedBytes || b.wheelBytes - a.wheelBytes);
  const table = sorted
    .slice(0, 15)
    .map(
      (s) =>
        `  ${`${s.name} ${s.version}`.padEnd(40)} ${String(s.unzippedBytes || "-").padStart(12)} unzipped ${String(s.wheelBytes).padStart(12)} wheel`,
    )
    .join("\n");
  return new TspackError(ERROR_CODES.SIZE_LIMIT, `${message}. Largest packages:\n${table}`, {
    hint: "Lambda counts the function and all its layers together: use a container image (--layout dir, up to 10 GB), drop unused extras/groups, or prune packages with --prune",
    details: { packages: sorted },
  });
}
