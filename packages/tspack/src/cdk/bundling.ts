/**
 * Local bundling for aws-cdk-lib: `ILocalBundling.tryBundle` runs tspack's own CLI (`bin/tspack.js build
 * … --json`) as a child process. tryBundle is synchronous and runs inside `new lambda.Function(…)`, so
 * nothing here may wait on the event loop: the child does the work, the synth process only waits for it.
 * Docker is never used: tryBundle returns true or throws, and the image CDK requires is a stand-in that
 * throws if anything tries to run it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { ERROR_CODES, TspackError, type TspackErrorCode } from "@tspack/errors";
import { getEntryData, readZipEntries } from "@tspack/zip";
import type { BundlingOptions, ILocalBundling } from "aws-cdk-lib/core";
import { Annotations, DockerImage } from "aws-cdk-lib/core";
import type { IConstruct } from "constructs";

declare const __TSPACK_VERSION__: string | undefined;
const VERSION: string = typeof __TSPACK_VERSION__ === "string" ? __TSPACK_VERSION__ : "0.0.0-dev";

/** python-alpha's command hooks: shell commands run before and after bundling (here on the host). */
export interface ICommandHooks {
  /** Commands run in `inputDir` (the entry) before tspack runs. */
  beforeBundling(inputDir: string, outputDir: string): string[];
  /** Commands run in `inputDir` after the artifact is in `outputDir`. */
  afterBundling(inputDir: string, outputDir: string): string[];
}

/** What tspack builds for one asset. */
export type TspackArtifact = "function" | "layer" | "code";

/** The arguments of one tspack run, as the bundling needs them. */
export interface TspackRun {
  entry: string;
  artifact: TspackArtifact;
  /** Lambda runtime name, e.g. python3.13. */
  runtime: string;
  /** x86_64 | arm64. */
  arch: string;
  bundleAs: "zip" | "directory";
  /** CLI flags that select and fetch (no absolute path among them: they are part of the asset's cache key). */
  flags: string[];
  /** Flags with paths of this machine (cache, lock): not part of any hash. */
  localFlags: string[];
  /** Extra environment for the child and the hooks. */
  environment: Record<string, string>;
  sourceDateEpoch: number | undefined;
  commandHooks: ICommandHooks | undefined;
}

/** The `tspack build --json` result fields the bundling reads. */
interface BuildJson {
  outDir: string;
  artifacts: Array<{ kind: string; path: string; sha256: string; codeSha256?: string }>;
  warnings: string[];
}

/** The CLI of this package: bin/tspack.js, next to dist/ (the bundle) or src/ (this module's source). */
export function tspackBin(): string {
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  const bundled = resolve(here, "..", "bin", "tspack.js");
  return existsSync(bundled) ? bundled : resolve(here, "..", "..", "bin", "tspack.js");
}

/**
 * The image CDK's BundlingOptions requires. tspack bundles on the host, so the image is never run: any
 * use of it throws, which a test would see, instead of a `docker` command starting.
 */
export class NoDockerImage extends DockerImage {
  constructor() {
    super("tspack-bundles-locally");
  }
  override run(): void {
    throw noDocker();
  }
  override cp(): string {
    throw noDocker();
  }
  override buildImage(): void {
    throw noDocker();
  }
}

function noDocker(): TspackError {
  return new TspackError(
    ERROR_CODES.USAGE,
    "tspack/cdk bundles without Docker, but CDK tried to run a bundling image",
    {
      hint: "This is a bug in tspack/cdk: local bundling should have returned true or thrown; please report it",
    },
  );
}

/**
 * The ILocalBundling of a tspack asset. Its public fields are what CDK serializes into the asset's cache
 * key (and, with assetHashType SOURCE, into the hash): tspack's version and the portable arguments. The
 * machine's paths and the construct stay private.
 */
export class TspackLocalBundling implements ILocalBundling {
  readonly tspack: {
    version: string;
    artifact: TspackArtifact;
    runtime: string;
    arch: string;
    bundleAs: string;
    flags: string[];
    sourceDateEpoch?: number;
  };
  readonly #run: TspackRun;
  #scope: IConstruct | undefined;

  constructor(run: TspackRun) {
    this.#run = run;
    this.tspack = {
      version: VERSION,
      artifact: run.artifact,
      runtime: run.runtime,
      arch: run.arch,
      bundleAs: run.bundleAs,
      flags: run.flags,
      // (no null here: CDK's cache key walks the object and fails on null)
      ...(run.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: run.sourceDateEpoch }),
    };
  }

  /** Where tspack's warnings go (the construct the code is bound to); without it, to stderr. */
  set scope(scope: IConstruct) {
    this.#scope = scope;
  }

  tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    const run = this.#run;
    const env = childEnv(run);
    runHooks(run.commandHooks?.beforeBundling(run.entry, outputDir), run.entry, env);
    // tspack writes into a folder of its own next to CDK's (same file system: the artifact is renamed).
    // A folder left there by an interrupted run is tspack's to replace (it refuses anything else), and only
    // a folder this run created is removed afterwards.
    const out = `${outputDir}.tspack`;
    const existed = existsSync(out);
    try {
      const result = runTspack(run, out, env);
      for (const w of result.warnings) {
        if (this.#scope) Annotations.of(this.#scope).addWarningV2("tspack:build", w);
        else process.stderr.write(`tspack: warning: ${w}\n`);
      }
      placeArtifact(run, result, outputDir);
    } finally {
      if (!existed) rmSync(out, { recursive: true, force: true });
    }
    runHooks(run.commandHooks?.afterBundling(run.entry, outputDir), run.entry, env);
    return true;
  }
}

/** The child's environment: the synth's, less an ambient SOURCE_DATE_EPOCH, plus the props' own. */
function childEnv(run: TspackRun): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SOURCE_DATE_EPOCH;
  Object.assign(env, run.environment);
  if (run.sourceDateEpoch !== undefined) env.SOURCE_DATE_EPOCH = String(run.sourceDateEpoch);
  return env;
}

function runHooks(commands: string[] | undefined, cwd: string, env: NodeJS.ProcessEnv): void {
  if (!commands?.length) return;
  const command = commands.join(" && ");
  const shell = process.platform === "win32" ? ["cmd", ["/c", command]] : ["bash", ["-c", command]];
  const r = spawnSync(shell[0] as string, shell[1] as string[], { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error || r.status !== 0) {
    throw new TspackError(
      ERROR_CODES.TOOL_FAILED,
      `The command hook "${command}" failed (${r.error ? r.error.message : `exit status ${r.status}`})`,
      { hint: "Fix the command returned by commandHooks; it runs on this machine with bash -c, in the entry folder" },
    );
  }
}

/** Runs `tspack build` and returns its JSON result; a tspack error becomes a TspackError with its code and hint. */
function runTspack(run: TspackRun, out: string, env: NodeJS.ProcessEnv): BuildJson {
  const layout = run.artifact === "function" ? (run.bundleAs === "zip" ? "zip" : "dir") : "layer";
  const args = [
    tspackBin(),
    "build",
    run.entry,
    "--runtime",
    run.runtime,
    "--arch",
    run.arch,
    "--layout",
    layout,
    "--out",
    out,
    // bundleAs "directory" is a function zip CDK makes from tspack's tree: no pycs, as for the zip layout
    // (the dir layout's bytecode default is for container images).
    ...(layout === "dir" ? ["--no-compile-bytecode"] : []),
    ...run.flags,
    ...run.localFlags,
    "--json",
  ];
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, {
      cwd: run.entry,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (e) {
    throw childError(e as ChildFailure);
  }
  return JSON.parse(stdout) as BuildJson;
}

interface ChildFailure extends Error {
  status?: number | null;
  signal?: string | null;
  stdout?: string;
  stderr?: string;
}

/** tspack's `{ error: { code, message, hint, details } }` as a TspackError whose text CDK shows whole. */
function childError(e: ChildFailure): TspackError {
  let parsed: { error?: { code?: string; message?: string; hint?: string; details?: Record<string, unknown> } } = {};
  try {
    parsed = JSON.parse(e.stdout ?? "");
  } catch {
    // not JSON: the process could not start, or crashed
  }
  const err = parsed.error;
  const error =
    err?.code && err.message
      ? new TspackError(err.code as TspackErrorCode, err.message, {
          ...(err.hint === undefined ? {} : { hint: err.hint }),
          ...(err.details === undefined ? {} : { details: err.details }),
        })
      : new TspackError(
          ERROR_CODES.TOOL_FAILED,
          `tspack build failed (${e.signal ? `signal ${e.signal}` : `exit status ${e.status ?? "unknown"}`}): ${(e.stderr ?? e.message).trim().split("\n").slice(-5).join("\n")}`,
          { hint: "Run the same `tspack build` in the entry folder to see the full output", cause: e },
        );
  // CDK wraps the error as `Failed to bundle asset …: ${error}`: show the code and the hint there too.
  Object.defineProperty(error, "toString", {
    value: () => `error[${error.code}]: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`,
  });
  return error;
}

/** Moves the built artifact from tspack's folder into CDK's output folder. */
function placeArtifact(run: TspackRun, result: BuildJson, outputDir: string): void {
  const kind = run.artifact === "layer" ? "layer" : run.artifact === "code" ? "function" : undefined;
  if (run.artifact === "function" && run.bundleAs === "directory") {
    // The dir layout's task root is the function's tree: it becomes CDK's output folder.
    const task = result.artifacts.find((a) => a.kind === "task-root");
    if (!task) throw missingArtifact("task-root", result);
    rmdirSync(outputDir);
    renameSync(task.path, outputDir);
    return;
  }
  const zip = result.artifacts.find((a) => a.kind === (kind ?? "function"));
  if (!zip) throw missingArtifact(kind ?? "function", result);
  if (run.bundleAs === "zip") {
    // CDK's ARCHIVED output: the one zip in the folder is uploaded as is (CodeSha256 = tspack's).
    renameSync(zip.path, join(outputDir, run.artifact === "layer" ? "layer.zip" : "function.zip"));
  } else {
    extractZip(zip.path, outputDir);
  }
}

function missingArtifact(kind: string, result: BuildJson): TspackError {
  return new TspackError(ERROR_CODES.TOOL_FAILED, `tspack build wrote no ${kind} artifact in "${result.outDir}"`, {
    hint: "This is a bug in tspack/cdk; please report it",
  });
}

/** Unpacks one of tspack's own zips (stored or deflated entries, no directories) into `dir`. */
function extractZip(zipPath: string, dir: string): void {
  const bytes = readFileSync(zipPath);
  const root = resolve(dir);
  for (const entry of readZipEntries(bytes, { name: zipPath })) {
    if (entry.isDirectory) continue;
    const target = resolve(root, ...entry.name.split("/"));
    if (isAbsolute(entry.name) || relative(root, target).startsWith(`..${sep}`) || target === root) {
      throw new TspackError(ERROR_CODES.UNSAFE_PATH, `The entry "${entry.name}" of "${zipPath}" leaves the folder`, {
        hint: "This is a bug in tspack; please report it",
      });
    }
    const raw = getEntryData(bytes, entry, { name: zipPath });
    const data = entry.method === 0 ? raw : inflateRawSync(raw);
    if (!existsSync(dirname(target))) mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data, { mode: (entry.unixMode ?? 0o644) & 0o777 });
  }
}
