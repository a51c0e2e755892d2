// @tspack/member-wheel: the member-wheel stage: builds pure-Python workspace members (and a packaged root)
// into wheels natively, in memory, from what @tspack/project reads.
export type { BuildMemberWheelOptions, BuiltWheel } from "./build-member-wheel.js";
export { assembleWheel, buildMemberWheel } from "./build-member-wheel.js";
export { type BuildMembersInput, type BuiltMember, buildMemberWheels, type MemberSource } from "./build-members.js";
export type { BackendKind, MemberLayout, MemberTree } from "./member-layout.js";
export { backendKind, planMemberLayout, readDocstringSummary, readVersionAssignment } from "./member-layout.js";
export type { RecordRow } from "./wheel-metadata.js";
export {
  renderEntryPoints,
  renderMetadata,
  renderRecord,
  renderWheelFile,
  requiresDistValue,
  splitRequirementMarker,
} from "./wheel-metadata.js";
