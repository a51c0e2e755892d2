/**
 * `tspack/cdk`: Python Lambda functions and layers for AWS CDK, bundled by tspack on the host (no Docker).
 * The constructs follow @aws-cdk/aws-lambda-python-alpha's props where they exist.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Annotations, AssetHashType, BundlingOutput } from "aws-cdk-lib/core";
import type { Construct } from "constructs";
import {
  type ICommandHooks,
  NoDockerImage,
  type TspackArtifact,
  TspackLocalBundling,
  type TspackRun,
} from "./bundling.js";
import { resolveHandler } from "./handler.js";

export type { ICommandHooks, TspackArtifact } from "./bundling.js";

/** How tspack bundles an asset (python-alpha's names where they exist, then tspack's own). */
export interface TspackBundlingOptions {
  /**
   * How CDK hashes the asset. Default `OUTPUT`: the hash of what tspack wrote, which is deterministic, so it
   * changes exactly when the artifact does (architecture, runtime, lock, code). `SOURCE` hashes the entry
   * folder and these options instead (a lock outside the entry is not in it).
   */
  readonly assetHashType?: AssetHashType;
  /** A hash of your own (`assetHashType` CUSTOM). */
  readonly assetHash?: string;
  /** Globs of the entry's files to leave out of the artifact (tspack's `--exclude`) and of a SOURCE hash. */
  readonly assetExcludes?: string[];
  /** Shell commands run on this machine (bash -c, in the entry) before and after tspack. */
  readonly commandHooks?: ICommandHooks;
  /** Environment for tspack and the hooks (proxies, UV_INDEX_* credentials, TSPACK_CACHE_DIR, …). */
  readonly environment?: Record<string, string>;
  /**
   * `zip` (default): the asset is tspack's zip, byte for byte (CDK uploads it as is, so the deployed
   * CodeSha256 is tspack's); `directory`: the unzipped tree, which CDK zips itself.
   */
  readonly bundleAs?: "zip" | "directory";
  /** uv.lock elsewhere than `<entry>/uv.lock` (relative to the current folder). */
  readonly lockPath?: string;
  /** Optional-dependency extras to include (`--extra`). */
  readonly extras?: string[];
  /** Dependency groups to include (`--group`). */
  readonly groups?: string[];
  /** Workspace members to install as roots (`--package`). */
  readonly packages?: string[];
  /** Packages to leave out with what only they need (`--prune`). */
  readonly prune?: string[];
  /** tspack's cache (relative to the current folder). Default: TSPACK_CACHE_DIR, else ~/.cache/tspack. */
  readonly cacheDir?: string;
  /** Never use the network. */
  readonly offline?: boolean;
  /** Fetch registry files from this index instead of the lock's URLs. */
  readonly indexUrl?: string;
  /** URL prefix rewrites, e.g. `[{ from: "https://files.pythonhosted.org/", to: "https://mirror/pypi/" }]`. */
  readonly mirrors?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  /** Fail for files without a hash in the lock. */
  readonly requireHashes?: boolean;
  /**
   * Timestamp of every zip entry, in seconds. Only this option sets it: an ambient SOURCE_DATE_EPOCH is
   * ignored, so a laptop and CI deploy the same bytes.
   */
  readonly sourceDateEpoch?: number;
}

/** Options of {@link tspackCode}. */
export interface TspackCodeOptions {
  /** Default `PYTHON_3_13`. */
  readonly runtime?: lambda.Runtime;
  /** Default `X86_64`. */
  readonly architecture?: lambda.Architecture;
  /**
   * `function` (default): the function zip, dependencies and code; `layer`: the layer zip (third-party
   * dependencies under python/lib/python3.X/site-packages); `code`: the project's own code and packages
   * only, for a function whose dependencies come from a {@link TspackLayer}.
   */
  readonly artifact?: TspackArtifact;
  readonly bundling?: TspackBundlingOptions;
}

/**
 * The code of a Python Lambda function or layer, built by tspack from the uv project in `entry`: the
 * building block of TspackFunction and TspackLayer, for constructs of your own. Bundling runs when the
 * code is bound (inside `new lambda.Function(…)`), and only for the stacks being synthesized.
 */
export function tspackCode(entry: string, options: TspackCodeOptions = {}): lambda.AssetCode {
  const dir = resolve(entry);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TspackError(ERROR_CODES.FILE_NOT_FOUND, `The entry "${dir}" is not a folder`, {
      hint: "Point `entry` at the folder with pyproject.toml and uv.lock",
    });
  }
  const runtime = options.runtime ?? lambda.Runtime.PYTHON_3_13;
  if (runtime.family !== lambda.RuntimeFamily.PYTHON) {
    throw new TspackError(ERROR_CODES.USAGE, `The runtime "${runtime.name}" is not a Python runtime`, {
      hint: "Use a Python runtime, e.g. lambda.Runtime.PYTHON_3_13",
    });
  }
  const architecture = options.architecture ?? lambda.Architecture.X86_64;
  const b = options.bundling ?? {};
  const bundleAs = b.bundleAs ?? "zip";
  if (bundleAs !== "zip" && bundleAs !== "directory") {
    throw new TspackError(ERROR_CODES.USAGE, `The bundleAs "${String(bundleAs)}" is not "zip" or "directory"`);
  }
  const run: TspackRun = {
    entry: dir,
    artifact: options.artifact ?? "function",
    runtime: runtime.name,
    arch: architecture.name,
    bundleAs,
    flags: portableFlags(b),
    localFlags: [
      ...(b.lockPath === undefined ? [] : ["--lock", resolve(b.lockPath)]),
      ...(b.cacheDir === undefined ? [] : ["--cache-dir", resolve(b.cacheDir)]),
    ],
    environment: { ...(b.environment ?? {}) },
    sourceDateEpoch: b.sourceDateEpoch,
    commandHooks: b.commandHooks,
  };
  const assetHashType = b.assetHash !== undefined ? AssetHashType.CUSTOM : (b.assetHashType ?? AssetHashType.OUTPUT);
  const local = new TspackLocalBundling(run);
  return new TspackAssetCode(local, dir, {
    assetHashType,
    ...(b.assetHash === undefined ? {} : { assetHash: b.assetHash }),
    ...(b.assetExcludes === undefined ? {} : { exclude: b.assetExcludes }),
    bundling: {
      image: new NoDockerImage(),
      local,
      outputType: bundleAs === "zip" ? BundlingOutput.ARCHIVED : BundlingOutput.NOT_ARCHIVED,
      // Part of the asset's cache key (and of a SOURCE hash): the command tspack runs, without local paths.
      command: ["tspack", "build", `--runtime=${run.runtime}`, `--arch=${run.arch}`, ...run.flags],
      ...(b.environment === undefined ? {} : { environment: b.environment }),
    },
  });
}

/** An AssetCode that tells its bundling where it is bound (tspack's warnings become annotations there). */
class TspackAssetCode extends lambda.AssetCode {
  readonly #local: TspackLocalBundling;
  constructor(local: TspackLocalBundling, path: string, options: ConstructorParameters<typeof lambda.AssetCode>[1]) {
    super(path, options);
    this.#local = local;
  }
  override bind(scope: Construct): lambda.CodeConfig {
    this.#local.scope = scope;
    return super.bind(scope);
  }
}

/** CLI flags of the options that change the artifact or what is fetched, without machine paths. */
function portableFlags(b: TspackBundlingOptions): string[] {
  const flags: string[] = [];
  for (const e of b.extras ?? []) flags.push("--extra", e);
  for (const g of b.groups ?? []) flags.push("--group", g);
  for (const p of b.packages ?? []) flags.push("--package", p);
  for (const p of b.prune ?? []) flags.push("--prune", p);
  for (const x of b.assetExcludes ?? []) flags.push("--exclude", x);
  if (b.offline) flags.push("--offline");
  if (b.indexUrl !== undefined) flags.push("--index-url", b.indexUrl);
  for (const m of b.mirrors ?? []) flags.push("--mirror", `${m.from}=${m.to}`);
  if (b.requireHashes) flags.push("--require-hashes");
  return flags;
}

/** Props of {@link TspackFunction}: CDK's FunctionOptions plus the project and how to bundle it. */
export interface TspackFunctionProps extends lambda.FunctionOptions {
  /** The uv project folder (pyproject.toml, uv.lock). */
  readonly entry: string;
  /** Default `PYTHON_3_13`. */
  readonly runtime?: lambda.Runtime;
  /**
   * The handler's file, relative to `entry` (python-alpha's meaning; default `index.py`). When neither
   * `index` nor `handler` is given, `[tool.tspack] handler` of pyproject.toml is used if it is set.
   */
  readonly index?: string;
  /** The function's name in `index` (default `handler`); with a dot and no `index`, the whole handler. */
  readonly handler?: string;
  readonly bundling?: TspackBundlingOptions;
}

/** A Python Lambda function whose code is built by tspack from a uv project (function zip). */
export class TspackFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: TspackFunctionProps) {
    const runtime = props.runtime ?? lambda.Runtime.PYTHON_3_13;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;
    const entry = resolve(props.entry);
    const handler = resolveHandler(entry, props.index, props.handler);
    super(scope, id, {
      ...props,
      runtime,
      architecture,
      handler,
      code: tspackCode(entry, {
        runtime,
        architecture,
        artifact: "function",
        ...(props.bundling === undefined ? {} : { bundling: props.bundling }),
      }),
    });
  }
}

/** Props of {@link TspackLayer}: CDK's LayerVersionOptions plus the project and how to bundle it. */
export interface TspackLayerProps extends lambda.LayerVersionOptions {
  /** The uv project folder (pyproject.toml, uv.lock). */
  readonly entry: string;
  /** Default `[PYTHON_3_13]`; the layer is built for the first. */
  readonly compatibleRuntimes?: lambda.Runtime[];
  /** Default `[X86_64]`; the layer is built for the first (a warning when several are given). */
  readonly compatibleArchitectures?: lambda.Architecture[];
  readonly bundling?: TspackBundlingOptions;
}

/** A Lambda layer of a uv project's third-party dependencies (python/lib/python3.X/site-packages). */
export class TspackLayer extends lambda.LayerVersion {
  constructor(scope: Construct, id: string, props: TspackLayerProps) {
    const compatibleRuntimes = props.compatibleRuntimes ?? [lambda.Runtime.PYTHON_3_13];
    const compatibleArchitectures = props.compatibleArchitectures ?? [lambda.Architecture.X86_64];
    const runtime = compatibleRuntimes[0];
    const architecture = compatibleArchitectures[0];
    if (runtime === undefined || architecture === undefined) {
      throw new TspackError(
        ERROR_CODES.USAGE,
        `The layer "${id}" has no compatible ${runtime ? "architecture" : "runtime"}`,
        {
          hint: "Give at least one, or leave the prop out for the default",
        },
      );
    }
    super(scope, id, {
      ...props,
      compatibleRuntimes,
      compatibleArchitectures,
      code: tspackCode(props.entry, {
        runtime,
        architecture,
        artifact: "layer",
        ...(props.bundling === undefined ? {} : { bundling: props.bundling }),
      }),
    });
    if (compatibleArchitectures.length > 1) {
      Annotations.of(this).addWarningV2(
        "tspack:layerArchitectures",
        `The layer is built for ${architecture.name} only: compiled packages will not load on ${compatibleArchitectures
          .slice(1)
          .map((a) => a.name)
          .join(", ")}. Build one layer per architecture.`,
      );
    }
    const pythons = new Set(compatibleRuntimes.map((r) => r.name));
    if (pythons.size > 1) {
      Annotations.of(this).addWarningV2(
        "tspack:layerRuntimes",
        `The layer is built for ${runtime.name} (python/lib/${runtime.name}/site-packages): the other runtimes do not read that folder. Build one layer per runtime.`,
      );
    }
  }
}
