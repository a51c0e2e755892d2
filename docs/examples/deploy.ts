/**
 * A deploy script in TypeScript: build the function zip of a uv project with tspack's library API and
 * read its CodeSha256, the value AWS Lambda reports for the deployed code. When the deployed function
 * already has that CodeSha256 the upload is skipped: tspack's zips are byte-for-byte reproducible, so an
 * unchanged project gives an unchanged hash.
 *
 * Run it (Node ≥ 22.6 strips the types itself; on Node 20 use `npx tsx`):
 *
 *   node --experimental-strip-types docs/examples/deploy.ts path/to/project [deployed-CodeSha256]
 *
 * The upload itself is left to your tool of choice, e.g. with @aws-sdk/client-lambda:
 *
 *   await lambda.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: await readFile(result.zipPath) }));
 */
import { pathToFileURL } from "node:url";
import { build, formatTarget, isTspackError, type TspackEvent } from "tspack";

/** What the script needs; everything but the project folder is optional. */
export interface DeployOptions {
  /** Folder with pyproject.toml and uv.lock. */
  projectDir: string;
  /** Where wheels are cached (default: TSPACK_CACHE_DIR, XDG_CACHE_HOME/tspack or ~/.cache/tspack). */
  cacheDir?: string;
  /** Rewrite download URLs, e.g. `{ from: "https://files.pythonhosted.org/", to: "https://mirror.internal/pypi/" }`. */
  mirror?: { from: string; to: string };
  /** The CodeSha256 of the function as deployed now (`aws lambda get-function`); skips unchanged code. */
  deployedCodeSha256?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** The outcome: where the zip is and whether it must be uploaded. */
export interface DeployResult {
  zipPath: string;
  /** Base64 sha256 of the zip, exactly what Lambda reports as `CodeSha256`. */
  codeSha256: string;
  /** Hex sha256 of the zip. */
  sha256: string;
  bytes: number;
  /** Lambda's Runtime and Architectures values for this build. */
  runtime: string;
  architecture: "x86_64" | "arm64";
  /** False when `deployedCodeSha256` already matches. */
  changed: boolean;
}

/** Builds `function.zip` for the Lambda python3.13 runtime and compares its CodeSha256 with the deployed one. */
export async function main(options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? (() => {});
  const result = await build({
    projectDir: options.projectDir,
    layout: "zip",
    target: { runtime: "python3.13", arch: "x86_64" },
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.mirror === undefined ? {} : { mirrors: [options.mirror] }),
    env: process.env,
    onEvent: (e: TspackEvent) => {
      if (e.type === "warning") log(`warning: ${e.message}`);
    },
  });
  const zip = result.artifacts.find((a) => a.kind === "function");
  if (zip?.codeSha256 === undefined) throw new Error("tspack wrote no function.zip");
  log(`built ${zip.path} for ${formatTarget(result.target)}: ${zip.bytes} bytes, CodeSha256 ${zip.codeSha256}`);
  return {
    zipPath: zip.path,
    codeSha256: zip.codeSha256,
    sha256: zip.sha256,
    bytes: zip.bytes,
    runtime: `python${result.target.python[0]}.${result.target.python[1]}`,
    architecture: result.target.arch === "aarch64" ? "arm64" : "x86_64",
    changed: zip.codeSha256 !== options.deployedCodeSha256,
  };
}

// Run as a script: `deploy.ts PROJECT_DIR [DEPLOYED_CODE_SHA256]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [projectDir = ".", deployed] = process.argv.slice(2);
  try {
    const r = await main({
      projectDir,
      ...(deployed === undefined ? {} : { deployedCodeSha256: deployed }),
      log: (line) => console.error(line),
    });
    console.log(r.changed ? `upload ${r.zipPath} (CodeSha256 ${r.codeSha256})` : "unchanged: nothing to deploy");
  } catch (e) {
    // tspack errors carry a stable code and a hint; anything else is a bug.
    if (isTspackError(e)) console.error(`error[${e.code}]: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}`);
    else console.error(e);
    process.exitCode = 1;
  }
}
