// @tspack/pep440: PEP 440 versions and specifiers, a facade over @renovatebot/pep440
export { compareReleases, parsePlainRelease, plainReleaseSatisfies } from "./plain-release.js";
export type { SatisfiesOptions, Specifier, SpecifierOperator } from "./specifier.js";
export {
  formatSpecifier,
  isValidSpecifier,
  normalizeSpecifier,
  parseSpecifiers,
  satisfiesSpecifier,
} from "./specifier.js";
export type { Pep440Version } from "./version.js";
export {
  compareVersions,
  formatVersion,
  isPrerelease,
  isValidVersion,
  normalizeVersion,
  parseVersion,
  parseVersionOrThrow,
} from "./version.js";
