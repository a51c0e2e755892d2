/**
 * `build`: the whole recipe in one call. The stages, in order — each a module under stages/ that takes its
 * inputs and returns its outputs, reporting through the run's events (stages/run.ts):
 *
 *   plan (read the project, plan) → fetch → open-wheels → project-files → [wheel checks start]
 *   → recipe → replay (warm)  |  check-wheels → plan-install (install into memory) → read-wheels → compose
 *   → bytecode (when on) → write  →  verify → publish
 *
 * Everything a warm build reuses goes through the warm seam (warm/index.ts); `memo: false` turns it off.
 * Artifacts are written into a fresh staging folder next to `outDir` (inside it when it is a mount point)
 * and moved into place, so a failed build leaves the previous artifacts intact and no partial files. Only an
 * empty folder or tspack's previous output (its build.json lists every entry) is replaced.
 */
import { rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { UserPath } from "@tspack/errors";
import type { TspackEvent } from "./events.js";
import { cacheDirFor, envOf, type FetchStageResult, fetchWheels, remoteCacheRun } from "./fetch.js";
import { openCache } from "./guard.js";
import { type BuildBytecode, bytecodeFor, compileArtifacts } from "./stages/bytecode.js";
import { startChecks, type WheelChecks } from "./stages/checks.js";
import { checkLockedSizes, composeArtifacts, uploadWarnings } from "./stages/compose.js";
import { type ImageSummary, imageBaseFor } from "./stages/image.js";
import { type BuildWheels, openBuildWheels, readProjectCode } from "./stages/inputs.js";
import { installInMemory, installLayoutFor } from "./stages/install-memory.js";
import { type BuildOutput, checkBuildOptions, openStaging, resolveOutput } from "./stages/output.js";
import { publishOutput, writeManifest } from "./stages/publish.js";
import { replayRecipe } from "./stages/replay.js";
import { type BuildRun, startRun } from "./stages/run.js";
import type { BuildArtifact, BuildOptions, BuildResult, FileEntry, PackageSize } from "./stages/types.js";
import { writeArtifacts } from "./stages/write-artifacts.js";
import { cacheUserPaths, classified, projectUserPaths } from "./user-paths.js";
import { stopVerifier } from "./verify-wheels.js";
import { memoEnabled, openWarm, type Warm } from "./warm/index.js";

export { LAMBDA_DIRECT_UPLOAD_LIMIT, LAMBDA_UNZIPPED_LIMIT } from "./stages/compose.js";
export type { BuildArtifact, BuildLayout, BuildOptions, BuildResult, PackageSize } from "./stages/types.js";

/**
 * Builds Lambda artifacts for a uv project. Everything the CLI's `tspack build` does, as a function.
 * @throws TspackError with codes TSPACK_NO_COMPATIBLE_WHEEL, TSPACK_SIZE_LIMIT, TSPACK_BUILD_UNSUPPORTED,
 *   TSPACK_INTEGRITY_MISMATCH, TSPACK_NETWORK, TSPACK_OFFLINE, TSPACK_WHEEL_INVALID, … (docs/errors.md)
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  // The output folder leads once it is known (a failed write without a path is the zip being written).
  const paths: UserPath[] = [...cacheUserPaths(cacheDirFor(options)), ...projectUserPaths(options)];
  try {
    return await classified(paths, options.signal, () => runBuild(options, paths));
  } finally {
    await stopVerifier();
  }
}

async function runBuild(options: BuildOptions, paths: UserPath[]): Promise<BuildResult> {
  const cacheDir = cacheDirFor(options);
  const remote = remoteCacheRun({ ...options, onEvent: (e) => run.emit(e) }); // --remote-cache (or none)
  const warm = openWarm(cacheDir, memoEnabled(options.memo, envOf(options)), remote);
  const run = startRun(options.onEvent, options.signal, warm.observe);
  run.checkAborted();
  const mtime = checkBuildOptions(options);
  await openCache(cacheDir); // the cache is written below: only a tspack cache (the ownership guard)

  const planned = options.planned ?? (await run.stage("plan", () => warm.plan({ ...options, onEvent: run.emit })));
  const out = resolveOutput(options, planned.project, cacheDir, paths);
  const fetched = await run.stage("fetch", () =>
    fetchWheels({ ...options, planned, onEvent: run.emit, remoteRun: remote }),
  );
  checkLockedSizes(fetched.plan.packages);
  const wheels = await run.stage("open-wheels", () => openBuildWheels(fetched, run.emit));
  const code = await run.stage("project-files", () => readProjectCode(fetched, options.exclude, out.outDir));
  const checks = startChecks(wheels, fetched, out.layout, code, warm.memoDir);

  // The build's one bytecode compiler, when it ships pycs (nothing starts before a file must be compiled).
  const bytecode = bytecodeFor(
    { ...options, ...(options.invalidationMode === undefined ? {} : { mode: options.invalidationMode }) },
    envOf(options),
    fetched.project.pyproject?.tspack ?? {},
    out.layout,
    fetched.target.python,
    run.warn,
  );
  const { stagingRoot, inPlace } = openStaging(out);
  const shared = { options, fetched, wheels, code, out, stagingRoot, mtime, checks, bytecode };
  let built: { artifacts: BuildArtifact[]; packages: PackageSize[]; image?: ImageSummary | undefined };
  try {
    const input: ArtifactsInput = { ...shared, recipeKey: await recipeKeyOf(shared, warm) };
    built = (await replayArtifacts(input, warm, run)) ?? (await composeAndWrite(input, warm, run));
    for (const w of uploadWarnings(built.artifacts, basename)) run.warn(w);
    // Nothing is published before every wheel's entries passed their checks (CRC, RECORD digests); their
    // RECORD warnings (remembered with the check for warm builds) come last, in wheel order.
    const verified = await run.stage("verify", () => checks.done());
    for (const w of verified.warnings) run.warn(w);
    for (const mark of verified.marks) warm.later(mark);
    await run.stage("publish", async () => {
      const manifest = { target: fetched.target, layout: out.layout, ...built, projectFiles: code.length };
      writeManifest(stagingRoot, out.outDir, { ...manifest, warnings: run.warnings });
      await warm.settle();
      publishOutput(stagingRoot, out.outDir, out.realOut, inPlace);
    });
  } catch (e) {
    await warm.settle();
    await rm(stagingRoot, { recursive: true, force: true });
    throw e;
  } finally {
    await bytecode?.compiler.close();
  }
  for (const a of built.artifacts) run.emit({ type: "artifact", kind: a.kind, path: a.path, bytes: a.bytes });
  return {
    target: fetched.target,
    layout: out.layout,
    outDir: out.outDir,
    artifacts: built.artifacts,
    packages: built.packages,
    projectFiles: code.length,
    warnings: run.warnings,
    manifestPath: join(out.outDir, "build.json"),
    timings: run.timings,
    fetch: { cacheDir: fetched.cacheDir, requests: fetched.requests, bytesDownloaded: fetched.bytesDownloaded },
    ...(built.image ? { image: built.image } : {}),
    ...remote.result(),
  };
}

/** What the artifact stages share (read-only). */
interface ArtifactsInput {
  options: BuildOptions;
  fetched: FetchStageResult;
  wheels: BuildWheels;
  code: FileEntry[];
  out: BuildOutput;
  stagingRoot: string;
  mtime: number | undefined;
  checks: WheelChecks;
  /** Bytecode settings and compiler, when the build ships pycs. */
  bytecode: BuildBytecode | undefined;
  /** The zips' recipe key (undefined: none for this layout, or the memo is off). */
  recipeKey: string | undefined;
}

function installLayouts(input: Omit<ArtifactsInput, "recipeKey">) {
  const { target } = input.fetched;
  return {
    target: installLayoutFor("target", target, input.options),
    prefix: installLayoutFor("prefix", target, input.options),
  };
}

/** The zips' recipe key: everything they are a function of (none for a directory, or with the memo off). */
async function recipeKeyOf(input: Omit<ArtifactsInput, "recipeKey">, warm: Warm): Promise<string | undefined> {
  if (input.out.layout === "dir" || input.out.layout === "image") return undefined;
  const layouts = installLayouts(input);
  return warm.recipeKey({
    layout: input.out.layout,
    installLayouts: [layouts.target, layouts.prefix],
    sourceDateEpoch: input.mtime,
    wheels: input.wheels.all,
    members: input.wheels.members.length,
    code: input.code as Array<{ path: string; mode: number; data: Uint8Array }>,
    bytecode: warm.enabled && input.bytecode ? await input.bytecode.key() : undefined,
  });
}

/** Warm: the zips replayed from their recipe, or undefined (no recipe, or it did not replay). */
async function replayArtifacts(input: ArtifactsInput, warm: Warm, run: BuildRun) {
  const recipe = await run.stage("recipe", () => warm.readRecipe(input.recipeKey));
  if (!recipe) return undefined;
  const { wheels, stagingRoot, out } = input;
  const replayed = await run.stage("replay", () =>
    replayRecipe(recipe, wheels.all, stagingRoot, out.outDir, run.signal),
  );
  // A recipe that does not replay means wheels changed in the cache under the same hashes: check every
  // wheel's entries again, whatever the markers say, before anything is published.
  if (!replayed) input.checks.again();
  else for (const e of replayed.events) run.emit(e);
  return replayed;
}

/** Cold: install into memory, decide what each artifact holds, write them (and the recipe for next time). */
async function composeAndWrite(input: ArtifactsInput, warm: Warm, run: BuildRun) {
  const { wheels, out, fetched } = input;
  // The warnings and conflicts of planning are replayed from the recipe on a warm build.
  const events: TspackEvent[] = [];
  const emit = (e: TspackEvent): void => {
    events.push(e);
    run.emit(e);
  };
  // Planning is long synchronous work: first hand the checking worker its jobs (small wheels are checked
  // here, inline, meanwhile).
  await run.stage("check-wheels", () => input.checks.posted);
  const layouts = installLayouts(input);
  const installed = await run.stage("plan-install", () =>
    installInMemory(wheels, out.layout, layouts, warm.memoDir, emit),
  );
  for (const s of installed.stored) warm.later(s);
  await run.stage("read-wheels", () => Promise.all(wheels.all.map((w) => w.load())));
  const composed = run.stage("compose", () =>
    composeArtifacts({
      layout: out.layout,
      python: fetched.target.python,
      deps: installed.deps,
      members: installed.members,
      code: input.code,
      plans: installed.plans,
      wheelBytes: wheelSizes(wheels),
    }),
  );
  for (const message of composed.warnings) emit({ type: "warning", message });
  const { bytecode } = input;
  const composition = bytecode
    ? await run.stage("bytecode", () =>
        compileArtifacts(composed, bytecode, {
          layout: out.layout,
          plans: installed.plans,
          wheelBytes: wheelSizes(wheels),
          memo: warm.store,
          emit,
        }),
      )
    : composed;
  const { recipeKey } = input;
  const written = await run.stage("write", () =>
    writeArtifacts(
      composition.artifacts,
      {
        stagingRoot: input.stagingRoot,
        outDir: out.outDir,
        mtime: input.mtime,
        target: fetched.target,
        handler: input.options.handler ?? fetched.project.pyproject?.tspack?.handler,
        code: input.code,
        memoDir: warm.memoDir,
        record: recipeKey === undefined ? undefined : wheels.all.map((w) => w.bytes),
        ...(out.layout === "image" ? { image: imageSettings(input, warm, run) } : {}),
      },
      run,
    ),
  );
  for (const s of written.stored) warm.later(s);
  // Only a build whose wheels passed their checks leaves a recipe.
  if (written.recipeZips.length > 0)
    warm.writeRecipe(
      recipeKey,
      () => ({ zips: written.recipeZips, packages: composition.packages, events }),
      input.checks.passed(),
    );
  return { artifacts: written.artifacts, packages: composition.packages, image: written.image };
}

/** What the image stage needs besides its files: the base, pushes, credentials, the warm store. */
function imageSettings(input: ArtifactsInput, warm: Warm, run: BuildRun) {
  const { options, fetched } = input;
  return {
    members: new Set(input.wheels.members),
    base: imageBaseFor(options, fetched.project.pyproject?.tspack?.base, fetched.target),
    cacheDir: fetched.cacheDir,
    offline: options.offline ?? false,
    memo: warm.store,
    options,
    env: envOf(options),
    homedir: options.homedir,
    dispatcher: options.dispatcher,
    signal: run.signal,
    retry: options.retry,
    emit: run.emit,
    // Nothing is pushed before every wheel passed its checks.
    beforePush: () => input.checks.passed(),
  };
}

/** Compressed size of each wheel by filename (the first of a name). */
function wheelSizes(wheels: BuildWheels): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const w of wheels.all) if (!sizes.has(w.filename)) sizes.set(w.filename, w.bytes.length);
  return sizes;
}
