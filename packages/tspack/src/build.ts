/**
 * `build`: the whole recipe in one call — read the project, plan, fetch, install, write artifacts.
 * Artifacts are written into a fresh temporary folder next to `outDir` (inside it when it is a mount point)
 * and moved into place, so a failed build leaves the previous artifacts intact and no partial files. Only an
 * empty folder or tspack's previous output (its build.json lists every entry) is replaced.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import {
  checkDestination,
  checkOutputOwned,
  makeDirsSync,
  OUTPUT_MANIFEST,
  replaceFolder,
  stagingFor,
} from "@tspack/cache";
import { ERROR_CODES, redactSecrets, TspackError, type UserPath } from "@tspack/errors";
import { formatTarget, LAMBDA_RUNTIMES, type Target, targetToJSON } from "@tspack/platform-tags";
import { collectProjectFiles, detectHandler, dockerfileFor, isPackagedProject } from "@tspack/project";
import {
  checkMetadataSizes,
  defaultInterpreterPath,
  type InstallLayout,
  installedSizeFloor,
  type OwnedInstallOp,
} from "@tspack/wheel";
import { DOS_EPOCH_SECONDS, getEntryData, isStreamedEntry, type ZipEntry, type ZipInputEntry } from "@tspack/zip";
import type { TspackEvent } from "./events.js";
import { cacheDirFor, envOf, type FetchStageOptions, type FetchStageResult, fetchWheels } from "./fetch.js";
import { openCache } from "./guard.js";
import { buildLocalSources } from "./members.js";
import { planMemoized } from "./plan-memo.js";
import { workspaceRootOf } from "./read-project.js";
import { sourceDateEpochFromEnv } from "./source-date-epoch.js";
import { cacheUserPaths, classified, projectUserPaths } from "./user-paths.js";
import { startVerifier, stopVerifier, VERIFIER_PRESTART_BYTES, verifyWheels } from "./verify-wheels.js";
import {
  type LoadedWheel,
  openWheels,
  type PlannedWheels,
  planWheels,
  readEntry,
  streamWheelEntry,
  wheelFromBytes,
} from "./wheels.js";
import { type RecordedZip, writeRecordedZip, writeZipFile, type ZipFileInfo } from "./zip-file.js";
import { type RecipeZip, readZipRecipe, writeZipRecipe, type ZipRecipe, zipRecipeKey } from "./zip-recipe.js";

/** Lambda's limit on the unzipped size of a function and all its layers. */
export const LAMBDA_UNZIPPED_LIMIT = 262_144_000;
/** Lambda's limit on a zip uploaded directly (larger ones go through S3). */
export const LAMBDA_DIRECT_UPLOAD_LIMIT = 52_428_800;

/** The artifact layouts. */
export type BuildLayout = "zip" | "layer" | "dir";

export interface BuildOptions extends FetchStageOptions {
  /** `zip` (default): function.zip; `layer`: layer.zip + function.zip; `dir`: a task root + Dockerfile. */
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
}

/** One written artifact. */
export interface BuildArtifact {
  kind: "function" | "layer" | "task-root" | "dockerfile";
  /** Absolute path. */
  path: string;
  /** File size (zip) or total file bytes (directory). */
  bytes: number;
  unzippedBytes: number;
  files: number;
  /** Hex sha256 (zips and the Dockerfile; for the directory a digest of its sorted listing and contents). */
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
}

interface FileEntry {
  path: string;
  mode: number;
  data?: Uint8Array;
  raw?: { wheel: LoadedWheel; entry: ZipEntry };
  owner: string;
}

function layoutOf(options: BuildOptions, configured: string | undefined): BuildLayout {
  const l = options.layout ?? configured ?? "zip";
  if (l !== "zip" && l !== "layer" && l !== "dir") {
    throw new TspackError(ERROR_CODES.USAGE, `The layout "${l}" is not supported`, { hint: "Use zip, layer or dir" });
  }
  return l;
}

function toZipEntry(f: FileEntry): ZipInputEntry {
  if (f.raw) {
    const { wheel, entry } = f.raw;
    return {
      path: f.path,
      mode: f.mode,
      raw: {
        method: entry.method as 0 | 8,
        compressed: getEntryData(wheel.bytes, entry, { name: wheel.filename }),
        crc32: entry.crc32,
        uncompressedSize: entry.uncompressedSize,
      },
    };
  }
  return { path: f.path, mode: f.mode, data: f.data! };
}

function recipeZip(kind: RecipeZip["kind"], name: string, info: ZipFileInfo, recorded: RecordedZip): RecipeZip {
  return {
    kind,
    name,
    unzippedBytes: info.unzippedBytes,
    files: info.files,
    bytes: info.bytes,
    sha256: info.sha256,
    recorded,
  };
}

function sizeOf(f: FileEntry): number {
  return f.raw ? f.raw.entry.uncompressedSize : f.data!.length;
}

function opsToFiles(
  ops: OwnedInstallOp<ZipEntry>[],
  byOwner: Map<string, LoadedWheel>,
  mapPath: (p: string) => string | undefined,
): FileEntry[] {
  const out: FileEntry[] = [];
  for (const op of ops) {
    const path = mapPath(op.dest);
    if (path === undefined) continue;
    if (op.kind === "entry")
      out.push({ path, mode: op.mode, raw: { wheel: byOwner.get(op.owner)!, entry: op.entry }, owner: op.owner });
    else out.push({ path, mode: op.mode, data: op.data, owner: op.owner });
  }
  return out;
}

/**
 * Builds Lambda artifacts for a uv project. Everything the CLI's `tspack build` does, as a function.
 * @throws TspackError with codes TSPACK_NO_COMPATIBLE_WHEEL, TSPACK_SIZE_LIMIT, TSPACK_BUILD_UNSUPPORTED,
 *   TSPACK_INTEGRITY_MISMATCH, TSPACK_NETWORK, TSPACK_OFFLINE, TSPACK_WHEEL_INVALID, … (docs/errors.md)
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  // The output folder leads once it is known (a failed write without a path is the zip being written).
  const paths: UserPath[] = [...cacheUserPaths(cacheDirFor(options)), ...projectUserPaths(options)];
  try {
    return await classified(paths, options.signal, () => buildOnce(options, paths));
  } finally {
    await stopVerifier();
  }
}

async function buildOnce(options: BuildOptions, paths: UserPath[]): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const stage = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round((now - t0) * 10) / 10;
    options.onEvent?.({ type: "stage", stage: name, ms: now - t0 });
    t0 = now;
  };
  const warnings: string[] = [];
  const onEvent = (e: TspackEvent): void => {
    if (e.type === "warning") warnings.push(e.message);
    // New wheels are CRC-checked in a worker thread: let it boot while they download.
    if (e.type === "fetch:start" && e.bytesToDownload >= VERIFIER_PRESTART_BYTES) startVerifier();
    options.onEvent?.(e);
  };
  const warn = (message: string): void => onEvent({ type: "warning", message });

  const signal = options.signal;
  const checkAborted = (): void => {
    if (signal?.aborted) throw new TspackError(ERROR_CODES.ABORTED, "The build was aborted", { cause: signal.reason });
  };
  checkAborted();
  // Refuse bad options before any download: layout, timestamp, and an output folder that must not be replaced.
  if (options.layout !== undefined) layoutOf(options, undefined);
  checkSourceDateEpoch(options.sourceDateEpoch);
  const sourceDateEpoch = options.sourceDateEpoch ?? sourceDateEpochFromEnv(envOf(options).SOURCE_DATE_EPOCH);
  // The cache is written below (memoized stages, downloads): only a tspack cache (the ownership guard).
  const cacheDir0 = cacheDirFor(options);
  await openCache(cacheDir0);
  // Planning is memoized in the cache (plan-memo.ts): a warm build does not parse the lock.
  const planned = options.planned ?? (await planMemoized({ ...options, onEvent }, cacheDir0));
  const project0 = planned.project;
  const cfg = project0.pyproject?.tspack ?? {};
  const layout = layoutOf(options, cfg.layout);
  const outDir =
    options.outDir !== undefined
      ? resolve(options.outDir)
      : resolve(project0.projectDir, cfg.out ?? join("dist", "lambda"));
  const outPath = { path: outDir, what: "the output folder", option: "--out", internal: [] as string[] };
  paths.unshift(outPath);
  // The output folder is replaced as a whole: not the project, the workspace, the cache, the current or home
  // folder (nor one holding them), and only when empty or tspack's previous output (the ownership guard).
  const realOut = checkDestination(outDir, {
    label: "The output folder",
    keep: [
      { path: project0.projectDir, what: "the project" },
      { path: workspaceRootOf(project0), what: "the workspace" },
    ],
    cacheDir: cacheDir0,
    ...(options.homedir === undefined ? {} : { home: options.homedir }),
    hint: OUT_HINT,
  });
  checkOutputOwned(outDir);

  const fetched = await fetchWheels({ ...options, planned, onEvent });
  stage("plan+fetch");
  checkAborted();
  const { project, target } = fetched;

  // Size estimate from the lock before doing any work: compressed sizes are a lower bound.
  const wheelBytes = fetched.plan.packages.reduce((n, p) => n + (p.wheel?.size ?? 0), 0);
  if (wheelBytes > LAMBDA_UNZIPPED_LIMIT) {
    throw sizeError(
      `The wheels alone are ${wheelBytes} bytes compressed, over Lambda's ${LAMBDA_UNZIPPED_LIMIT}-byte unzipped limit`,
      fetched.plan.packages.map((p) => ({
        name: p.name,
        version: p.version ?? "",
        files: 0,
        unzippedBytes: 0,
        wheelBytes: p.wheel?.size ?? 0,
      })),
    );
  }

  // Cached wheels are read on the thread pool from here on, while this thread plans.
  const loaded = openWheels(fetched.wheels);
  // Local sources (workspace members, packaged roots): built natively, never with a backend.
  const members: LoadedWheel[] = [];
  for (const m of await buildLocalSources(fetched, onEvent)) {
    members.push(
      wheelFromBytes({ name: m.name, version: m.version, filename: m.filename, sha256: m.sha256, bytes: m.bytes }),
    );
  }
  const wheels: LoadedWheel[] = [...members, ...loaded];
  stage("open-wheels");
  checkAborted();

  // The project's own code, for roots that are not installed as a package (virtual projects).
  const root = project.projectInfo.name
    ? fetched.plan.packages.find((p) => p.name === project.projectInfo.name)
    : undefined;
  const rootInstalled = root !== undefined && root.source.kind !== "virtual";
  const packaged = project.pyproject ? isPackagedProject(project.pyproject) : false;
  const projectFiles =
    rootInstalled && packaged
      ? []
      : await collectProjectFiles(project.projectDir, {
          ...(cfg.include ? { include: cfg.include } : {}),
          ...(cfg.exclude || options.exclude?.length
            ? { exclude: [...(cfg.exclude ?? []), ...(options.exclude ?? [])] }
            : {}),
          out: relative(project.projectDir, outDir).split("\\").join("/"),
        });
  // Synchronous: the thread pool is reading wheels, and a project's files are few and small.
  const codeEntries: FileEntry[] = projectFiles.map((f) => ({
    path: f.path,
    mode: f.mode,
    data: readFileSync(f.abs),
    owner: "project",
  }));
  stage("project-files");
  checkAborted();

  // Full CRC/size/RECORD check once per wheel (remembered in the cache; warm builds skip it), in a worker
  // thread while this one plans and writes; the build waits for it before publishing anything. Before it
  // inflates anything, the wheels' central directories must pass the metadata caps and, for the zip
  // and layer layouts, Lambda's unzipped limit: an over-limit build is refused with nothing inflated.
  const wheelPaths = new Map(fetched.wheels.map((w) => [w.sha256, w.path]));
  let checksPosted!: () => void;
  let checksRefused!: (e: unknown) => void;
  const posted = new Promise<void>((resolve, reject) => {
    checksPosted = resolve;
    checksRefused = reject;
  });
  posted.catch(() => {}); // awaited below on the planning path; the refusal also rejects `verified`
  const beforeInflate = async (): Promise<void> => {
    try {
      await Promise.all(wheels.map((w) => w.load()));
      for (const w of wheels) checkMetadataSizes(w.filename, w.entries);
      if (layout !== "dir") checkLimitBeforeInflating(wheels, new Set(members), layout, codeEntries);
    } catch (e) {
      checksRefused(e);
      throw e;
    }
  };
  const verified = verifyWheels(loaded, wheelPaths, fetched.cacheDir, { onPosted: checksPosted, beforeInflate });
  verified.catch(() => {}); // awaited below; a failure before that must not be an unhandled rejection
  const checks = [verified];

  const python = target.python;
  const runtimeInfo = LAMBDA_RUNTIMES.find((r) => r.python === `${python[0]}.${python[1]}`);
  const installLayout = (kind: "target" | "prefix"): InstallLayout => ({
    kind,
    python,
    installerMetadata: options.installerMetadata ?? false,
    shebang: options.shebang ?? runtimeInfo?.interpreter ?? defaultInterpreterPath(python),
  });

  // Beside the output folder (one rename publishes it), or inside it when it is a mount point; the
  // leftovers of killed runs go first.
  const { path: stagingRoot, inPlace } = stagingFor(realOut, "build");
  outPath.internal.push(stagingRoot);
  makeDirsSync(stagingRoot);
  const artifacts: BuildArtifact[] = [];
  let packages: PackageSize[] = [];
  // Cache writes (memo entries, compressed bytes) that need not hold up the build; awaited before it ends.
  const background: Array<Promise<unknown> | undefined> = [];
  try {
    const mtime = sourceDateEpoch;
    // Zips are memoized as recipes (zip-recipe.ts): a warm build replays how they were assembled.
    const cacheDir = fetched.cacheDir;
    const recipeKey =
      layout === "dir"
        ? undefined
        : zipRecipeKey({
            layout,
            installLayouts: [installLayout("target"), installLayout("prefix")],
            sourceDateEpoch: mtime,
            wheels,
            members: members.length,
            code: codeEntries as Array<{ path: string; mode: number; data: Uint8Array }>,
          });
    const recipe = recipeKey ? await readZipRecipe(cacheDir, recipeKey) : undefined;
    const replayed = recipe ? await replayRecipe(recipe) : false;
    if (recipe && !replayed) {
      // A recipe that does not replay means wheels changed in the cache under the same hashes: check
      // every wheel's entries again, whatever the markers say, before anything is published.
      const again = verifyWheels(loaded, wheelPaths, fetched.cacheDir, { force: true });
      again.catch(() => {});
      checks.push(again);
    }
    if (!replayed) {
      // Planning is long synchronous work: hand the checking worker its jobs first.
      await posted;
      await planAndWrite();
    }
    async function replayRecipe(r: ZipRecipe): Promise<boolean> {
      stage("recipe");
      checkAborted();
      const got: Array<Uint8Array | undefined> = [];
      const source = (i: number): Uint8Array | Promise<Uint8Array> =>
        got[i] ?? wheels[i]?.load().then((b) => (got[i] = b)) ?? new Uint8Array(0);
      const written: BuildArtifact[] = [];
      for (const z of r.zips) {
        const info = await writeRecordedZip(join(stagingRoot, z.name), z.recorded, source, z, signal);
        if (!info) {
          // Not the wheels it was recorded from (a damaged cache): plan and write from scratch.
          for (const a of written) await rm(join(stagingRoot, basename(a.path)), { force: true });
          return false;
        }
        written.push(zipArtifact(z.kind, info, join(outDir, z.name)));
      }
      for (const e of r.events) onEvent(e);
      packages = r.packages;
      artifacts.push(...written);
      return true;
    }
    async function planAndWrite(): Promise<void> {
      // Warnings and conflicts of planning are replayed from the recipe on a warm build.
      const events: TspackEvent[] = [];
      const emit = (e: TspackEvent): void => {
        events.push(e);
        onEvent(e);
      };
      const planWarn = (message: string): void => emit({ type: "warning", message });
      const recipeZips: RecipeZip[] = [];
      let sources: Uint8Array[] | undefined;
      /** Writes `<kind>.zip` into the staging folder: its artifact, its cache writes, its recipe part. */
      const writeArtifactZip = async (kind: RecipeZip["kind"], files: FileEntry[]): Promise<void> => {
        const name = `${kind}.zip`;
        const info = await writeZipFile(join(stagingRoot, name), files.map(toZipEntry), {
          mtime,
          cacheDir,
          signal,
          record: sources,
        });
        artifacts.push(zipArtifact(kind, info, join(outDir, name)));
        background.push(info.stored);
        // Every zip of a build is recorded, or none (they share `sources`).
        if (info.recorded) recipeZips.push(recipeZip(kind, name, info, info.recorded));
      };
      // The layer holds third-party wheels in the --prefix layout; the project's own packages (packaged
      // root, workspace members) go to function.zip in the --target layout, next to the project's code.
      const wheelPlans =
        layout === "layer"
          ? await planWheels(loaded, installLayout("prefix"), fetched.cacheDir)
          : await planWheels(wheels, installLayout("target"), fetched.cacheDir);
      const { merged, byOwner, plans } = wheelPlans;
      const memberPlan =
        layout === "layer" && members.length > 0
          ? await planWheels(members, installLayout("target"), fetched.cacheDir)
          : undefined;
      background.push(wheelPlans.stored, memberPlan?.stored);
      // What uv tolerates in a wheel (an old Wheel-Version, a RECORD that disagrees with the files): warnings.
      for (const p of [...plans, ...(memberPlan?.plans ?? [])])
        for (const w of p.warnings) planWarn(`${p.filename}: ${w}`);
      for (const c of [...merged.conflicts, ...(memberPlan?.merged.conflicts ?? [])]) {
        if (!c.identical)
          planWarn(`"${c.path}" is in both ${c.loser} and ${c.winner}; ${c.winner} wins (the package that sorts last)`);
        emit({ type: "install:conflict", ...c });
      }
      stage("plan-install");
      checkAborted();
      await Promise.all(wheels.map((w) => w.load()));
      if (recipeKey) sources = wheels.map((w) => w.bytes);
      stage("read-wheels");

      let depFiles: FileEntry[];
      if (layout === "layer") {
        const sitePrefix = `lib/python${python[0]}.${python[1]}/site-packages/`;
        const dropped = new Set<string>();
        depFiles = opsToFiles(merged.ops, byOwner, (p) => {
          if (p.startsWith("lib/")) return `python/${p}`;
          dropped.add(p.split("/")[0]!);
          return undefined;
        });
        if (dropped.size)
          planWarn(
            `The layer keeps only python/${sitePrefix}: left out ${[...dropped].sort().join(", ")} (scripts, headers, data files), as the uv guide's \`cp -r packages/lib python/\` does`,
          );
      } else {
        depFiles = opsToFiles(merged.ops, byOwner, (p) => p);
      }
      const memberFiles = memberPlan ? opsToFiles(memberPlan.merged.ops, memberPlan.byOwner, (p) => p) : [];
      packages = packageSizes([...depFiles, ...memberFiles], [...plans, ...(memberPlan?.plans ?? [])], wheels);

      if (layout === "zip" || layout === "dir") {
        const depPaths = new Set(depFiles.map((f) => f.path));
        for (const f of codeEntries)
          if (depPaths.has(f.path)) planWarn(`The project file "${f.path}" replaces the same path from a dependency`);
        const codePaths = new Set(codeEntries.map((f) => f.path));
        const all = [...depFiles.filter((f) => !codePaths.has(f.path)), ...codeEntries];
        if (layout === "zip") {
          // Lambda's limit is for zips (function + layers); a container image (dir) holds up to 10 GB.
          checkLimit(all, packages, codeEntries);
          await writeArtifactZip("function", all);
        } else {
          const taskDir = join(stagingRoot, "task");
          const dirInfo = await writeTree(taskDir, all, checkAborted, mtime ?? DOS_EPOCH_SECONDS);
          artifacts.push({ kind: "task-root", path: join(outDir, "task"), ...dirInfo });
          const handler = cfg.handler ?? detectHandler(codeEntries.map((f) => f.path));
          const dockerfile = dockerfileFor({
            python: `${python[0]}.${python[1]}`,
            arch: target.arch === "aarch64" ? "arm64" : "x86_64",
            source: "task",
            ...(handler ? { handler } : {}),
          });
          await writeFile(join(stagingRoot, "Dockerfile"), dockerfile);
          artifacts.push({
            kind: "dockerfile",
            path: join(outDir, "Dockerfile"),
            bytes: Buffer.byteLength(dockerfile),
            unzippedBytes: Buffer.byteLength(dockerfile),
            files: 1,
            sha256: createHash("sha256").update(dockerfile).digest("hex"),
          });
        }
      } else {
        const codePaths = new Set(codeEntries.map((f) => f.path));
        const functionFiles = [...memberFiles.filter((f) => !codePaths.has(f.path)), ...codeEntries];
        checkLimit([...depFiles, ...functionFiles], packages, codeEntries);
        await writeArtifactZip("layer", depFiles);
        await writeArtifactZip("function", functionFiles);
        if (functionFiles.length === 0)
          planWarn("function.zip is empty: the project has no code of its own to ship (see [tool.tspack] include)");
      }
      if (recipeKey && recipeZips.length > 0)
        // Only a build whose wheels passed their CRC checks leaves a recipe.
        background.push(
          Promise.all(checks).then(
            () => writeZipRecipe(cacheDir, recipeKey, { zips: recipeZips, packages, events }),
            () => {},
          ),
        );
    }
    for (const a of artifacts) {
      if (a.codeSha256 !== undefined && a.bytes > LAMBDA_DIRECT_UPLOAD_LIMIT) {
        warn(
          `${basename(a.path)} is ${a.bytes} bytes, over the ${LAMBDA_DIRECT_UPLOAD_LIMIT}-byte direct upload limit: upload it to S3 and deploy from there`,
        );
      }
    }
    stage("write");
    checkAborted();
    // The checks of every wheel's entries (CRC, RECORD digests) must pass before anything is published;
    // their RECORD warnings (remembered with the check for warm builds) come last, in wheel order.
    const checked = await Promise.all(checks);
    for (const w of checked[checked.length - 1]?.warnings ?? []) warn(w);
    for (const c of checked) background.push(c.mark());

    const manifest = {
      tspack: 1,
      target: targetToJSON(target),
      targetDescription: formatTarget(target),
      layout,
      artifacts: artifacts.map((a) => ({ ...a, path: relative(outDir, a.path).split("\\").join("/") })),
      packages,
      projectFiles: codeEntries.length,
      warnings,
    };
    // Warnings may quote a URL: build.json never holds credentials.
    writeFileSync(join(stagingRoot, "build.json"), redactSecrets(`${JSON.stringify(manifest, null, 2)}\n`));
    await Promise.all(background);
    publishOutput(stagingRoot, outDir, realOut, inPlace);
  } catch (e) {
    await Promise.allSettled(background);
    await rm(stagingRoot, { recursive: true, force: true });
    throw e;
  }
  stage("publish");
  for (const a of artifacts) onEvent({ type: "artifact", kind: a.kind, path: a.path, bytes: a.bytes });
  return {
    target,
    layout,
    outDir,
    artifacts,
    packages,
    projectFiles: codeEntries.length,
    warnings,
    manifestPath: join(outDir, "build.json"),
    timings,
    fetch: { cacheDir: fetched.cacheDir, requests: fetched.requests, bytesDownloaded: fetched.bytesDownloaded },
  };
}

function zipArtifact(kind: "function" | "layer", info: ZipFileInfo, finalPath: string): BuildArtifact {
  return {
    kind,
    path: finalPath,
    bytes: info.bytes,
    unzippedBytes: info.unzippedBytes,
    files: info.files,
    sha256: info.sha256,
    codeSha256: info.codeSha256,
  };
}

function packageSizes(files: FileEntry[], plans: PlannedWheels["plans"], wheels: LoadedWheel[]): PackageSize[] {
  const byOwner = new Map<string, PackageSize>();
  for (const p of plans) {
    const w = wheels.find((x) => x.filename === p.filename);
    byOwner.set(`${p.name}==${p.version}`, {
      name: p.normalizedName,
      version: p.version,
      files: 0,
      unzippedBytes: 0,
      wheelBytes: w?.bytes.length ?? 0,
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

/**
 * Lambda's limit from the central directories alone, before the first inflate: a lower bound of what
 * the function and its layer will hold (`installedSizeFloor`: declared sizes of the files the plan
 * certainly writes, a path shared by two wheels counted once, a dependency's file replaced by a
 * project file of the same path not counted) plus the project's code. Over the limit, the build
 * fails with the same TSPACK_SIZE_LIMIT error and package table as {@link checkLimit}, which checks the
 * exact total after planning.
 */
function checkLimitBeforeInflating(
  wheels: readonly LoadedWheel[],
  members: ReadonlySet<LoadedWheel>,
  layout: "zip" | "layer",
  code: FileEntry[],
): void {
  const codePaths = new Set(code.map((f) => f.path));
  const floor = new Map<string, number>();
  const sizes: PackageSize[] = [];
  for (const w of wheels) {
    // The layer holds third-party wheels under python/; the function, members and the project's code.
    const inLayer = layout === "layer" && !members.has(w);
    const own = installedSizeFloor(w.entries, inLayer ? "lib" : "all");
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

function checkLimit(all: FileEntry[], packages: PackageSize[], code: FileEntry[]): void {
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

/**
 * Writes files into a fresh directory (inflating wheel entries) with the installer's tree writer: fixed modes
 * and one fixed mtime on every file and directory (SOURCE_DATE_EPOCH, else 1980-01-01), so a `COPY` of the
 * tree into an image gives the same layer whatever the build machine. Returns the size and a digest of
 * paths, modes and bytes.
 */
async function writeTree(
  dir: string,
  files: FileEntry[],
  checkAborted: () => void,
  mtime: number,
): Promise<Omit<BuildArtifact, "kind" | "path">> {
  const { TreeWriter } = await import("@tspack/installer");
  const writer = new TreeWriter(dir, { createRoot: true, mtime });
  const digest = createHash("sha256");
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const f of sorted) {
    checkAborted();
    if (f.raw && isStreamedEntry(f.raw.entry)) {
      // A big entry streams to the file piece by piece as it inflates on the thread pool (bounded
      // memory); it is hashed with its declared size, which the reader checks before returning.
      const { wheel, entry } = f.raw;
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${entry.uncompressedSize}\0`);
      await writer.writeStream(f.path, f.mode, (write) =>
        streamWheelEntry(wheel, entry, (chunk) => {
          write(chunk);
          digest.update(chunk);
        }),
      );
    } else {
      const data = f.raw ? readEntry(f.raw.wheel, f.raw.entry) : f.data!;
      writer.writeFile(f.path, data, f.mode);
      digest.update(`${f.path}\0${f.mode.toString(8)}\0${data.length}\0`);
      digest.update(data);
    }
  }
  writer.finish();
  return { bytes: writer.bytes, unzippedBytes: writer.bytes, files: sorted.length, sha256: digest.digest("hex") };
}

/** The last second a zip timestamp can hold: 2107-12-31T23:59:59Z. */
const MAX_SOURCE_DATE_EPOCH = 4_354_819_199;

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

const OUT_HINT =
  "tspack replaces the output folder as a whole: choose a folder of its own, e.g. dist/lambda (the default)";

/**
 * Puts the staged output in place of `realOut` (the canonical `outDir`): checked again right before (only
 * tspack's previous output is replaced), then swapped, or for a mount point replaced entry by entry with
 * build.json, the proof of ownership, leaving last and arriving first.
 */
function publishOutput(staging: string, outDir: string, realOut: string, inPlace: boolean): void {
  const old = checkOutputOwned(outDir);
  replaceFolder(staging, realOut, { inPlace, old: () => old, isProof: (name) => name === OUTPUT_MANIFEST });
}
