// @tspack/project: reads pyproject.toml, collects the project's own code, builds pure-Python members natively.
export type { BuildMemberWheelOptions, BuiltWheel } from "./build-member-wheel.js";
export { assembleWheel, buildMemberWheel } from "./build-member-wheel.js";
export type { ProjectFile } from "./collect-project-files.js";
export { collectProjectFiles, EXCLUDED_TOP_LEVEL_DIRS, isExcludedTopLevelModule } from "./collect-project-files.js";
export { resolveDependencyGroups } from "./dependency-groups.js";
export type { DockerfileOptions } from "./dockerfile.js";
export { detectHandler, dockerfileFor } from "./dockerfile.js";
export type { Glob } from "./glob.js";
export { compileGlob, globMatches, globMatchesFileOrParent, matchGlob } from "./glob.js";
export type { BackendKind, MemberLayout, MemberTree } from "./member-layout.js";
export { backendKind, planMemberLayout, readDocstringSummary, readVersionAssignment } from "./member-layout.js";
export type { PlanProjectInfo } from "./project-info.js";
export { isPackagedProject, projectInfoForPlan } from "./project-info.js";
export type { BuildSystem, ProjectLicense, PyprojectInfo, UvToolConfig, UvWorkspaceConfig } from "./pyproject.js";
export { parsePyproject } from "./pyproject.js";
export { readPyproject } from "./read-pyproject.js";
export type { TomlPath, TomlTable } from "./schema.js";
export { parseTomlText } from "./toml.js";
export type { Arch, Layout, TspackConfig } from "./tspack-config.js";
export { ARCHES, LAYOUTS, parseTspackConfig } from "./tspack-config.js";
export type { UvIndex } from "./uv-index.js";
export { parseUvIndexes } from "./uv-index.js";
export type { WalkedFile } from "./walk.js";
export { ALWAYS_EXCLUDED_DIRS, isAlwaysExcludedFile, walkFiles } from "./walk.js";
export type { RecordRow } from "./wheel-metadata.js";
export {
  renderEntryPoints,
  renderMetadata,
  renderRecord,
  renderWheelFile,
  requiresDistValue,
  splitRequirementMarker,
} from "./wheel-metadata.js";
