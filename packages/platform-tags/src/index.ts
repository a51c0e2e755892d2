// @tspack/platform-tags: targets and ordered compatible wheel tags.

export type { PackageRef } from "./describe-incompatibility.js";
export { describeIncompatibility, incompatibilityHint, naturalCompare } from "./describe-incompatibility.js";
export type { TargetJSON } from "./format-target.js";
export { abiTag, formatTarget, targetToJSON } from "./format-target.js";
export type { LambdaRuntime } from "./lambda-runtimes.js";
export { findLambdaRuntime, LAMBDA_RUNTIMES, normalizeArch, targetFromRuntime } from "./lambda-runtimes.js";
export { explainNearestMiss } from "./nearest-miss.js";
export type { PythonPlatform } from "./python-platform.js";
export { PYTHON_PLATFORMS, targetFromPlatform } from "./python-platform.js";
export type { PythonRequest } from "./python-request.js";
export { parsePythonRequest, SUPPORTED_PYTHON_MINORS } from "./python-request.js";
export type { TagTriple } from "./supported-tags.js";
export { platformTags, supportedTags, supportedTagTriples } from "./supported-tags.js";
export type { TagIndex } from "./tag-index.js";
export { createTagIndex } from "./tag-index.js";
export type { Arch, Target } from "./target.js";
export { DEFAULT_TARGET } from "./target.js";
export type { IncompatibleReason, TagCompatibility, WheelTags } from "./wheel-compatibility.js";
export {
  compareCompatibility,
  exampleTag,
  isCompatibleAbi,
  isFreethreadedCompatibleAbi,
  wheelCompatibility,
} from "./wheel-compatibility.js";
