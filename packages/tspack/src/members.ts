import { type BuiltMember, buildMemberWheels } from "@tspack/member-wheel";
import type { TspackEvent } from "./events.js";
import type { FetchStageResult } from "./fetch.js";
import { workspaceRootOf } from "./read-project.js";

export type { BuiltMember } from "@tspack/member-wheel";

/**
 * The member-wheel stage (@tspack/member-wheel) on the fetch stage's result: the planned local source trees
 * built natively into wheels in memory, one `build:member` event each.
 * @throws TSPACK_BUILD_UNSUPPORTED
 */
export function buildLocalSources(
  fetched: FetchStageResult,
  onEvent?: (e: TspackEvent) => void,
): Promise<BuiltMember[]> {
  return buildMemberWheels({
    workspaceRoot: workspaceRootOf(fetched.project),
    sources: fetched.localSources,
    ...(onEvent
      ? { onBuilt: (m: BuiltMember) => onEvent({ type: "build:member", name: m.name, filename: m.filename }) }
      : {}),
  });
}
