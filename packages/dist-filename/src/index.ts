// @tspack/dist-filename: Wheel and sdist filenames, normalized package names

export type { WheelTags } from "@tspack/platform-tags";
export type { BuildTag } from "./build-tag.js";
export { compareBuildTags, formatBuildTag, parseBuildTag } from "./build-tag.js";
export { distInfoName, isValidPackageName, normalizeName } from "./normalize-name.js";
export type { SdistExtension, SdistFilename } from "./sdist-filename.js";
export { parseSdistFilename, SDIST_EXTENSIONS } from "./sdist-filename.js";
export { versionSyntaxError } from "./version-syntax.js";
export type { WheelFilename } from "./wheel-filename.js";
export { formatWheelFilename, formatWheelTags, parseWheelFilename } from "./wheel-filename.js";
