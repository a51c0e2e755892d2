// tspack: the public library API. Everything the CLI does is a typed function first.
// Stages: readProject → plan → fetchWheels → build (install + artifacts). No function prints; progress
// goes through `onEvent`; errors are TspackError with a stable `code` (docs/errors.md).

export { ERROR_CODES, isTspackError, redactSecrets, TspackError, type TspackErrorCode } from "@tspack/errors";
export type { InstallPlan, PlannedPackage, PlannedWheel, Selection, SelectOptions } from "@tspack/plan";
export { planToJSON } from "@tspack/plan";
export {
  DEFAULT_TARGET,
  formatTarget,
  LAMBDA_RUNTIMES,
  type LambdaRuntime,
  supportedTags,
  type Target,
  targetToJSON,
} from "@tspack/platform-tags";
export type { Lock, LockPackage } from "@tspack/uv-lock";
export { parseUvLock } from "@tspack/uv-lock";
export {
  type BuildArtifact,
  type BuildLayout,
  type BuildOptions,
  type BuildResult,
  build,
  LAMBDA_DIRECT_UPLOAD_LIMIT,
  LAMBDA_UNZIPPED_LIMIT,
  type PackageSize,
} from "./build.js";
export type { TspackEvent } from "./events.js";
export { type ExportOptions, exportRequirements } from "./export.js";
export { cacheDirFor, type FetchStageOptions, type FetchStageResult, fetchWheels, type LocalWheel } from "./fetch.js";
export { type InstallStageOptions, type InstallStageResult, install } from "./install.js";
export { type PlanOptions, type PlanResult, plan } from "./plan.js";
export { type ProjectContext, type ProjectOptions, readProject } from "./read-project.js";
export { resolveTarget, type TargetOptions } from "./target.js";
