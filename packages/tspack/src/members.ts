import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type BuiltWheel, buildMemberWheel } from "@tspack/project";
import type { TspackEvent } from "./events.js";
import type { FetchStageResult } from "./fetch.js";
import { workspaceRootOf } from "./read-project.js";

/** A local source tree (workspace member, packaged root) built into a wheel in memory. */
export interface BuiltMember extends BuiltWheel {
  name: string;
}

/**
 * Builds every planned local source tree natively (pure-Python members only; see @tspack/project).
 * Source archives and git sources without wheels are refused: tspack never runs a build backend.
 * @throws TSPACK_BUILD_UNSUPPORTED
 */
export async function buildLocalSources(
  fetched: FetchStageResult,
  onEvent?: (e: TspackEvent) => void,
): Promise<BuiltMember[]> {
  const out: BuiltMember[] = [];
  for (const pkg of fetched.localSources) {
    if (pkg.source.kind === "virtual") continue;
    if (pkg.source.kind !== "editable" && pkg.source.kind !== "directory") {
      throw new TspackError(
        ERROR_CODES.BUILD_UNSUPPORTED,
        `The package "${pkg.name}" has no wheel, only a ${pkg.source.kind} source`,
        {
          hint: "tspack never builds source archives: build a wheel and point the lock at it, or depend on a source tree",
        },
      );
    }
    const built = await buildMemberWheel(resolve(workspaceRootOf(fetched.project), pkg.source.path), {
      name: pkg.name,
      ...(pkg.version ? { version: pkg.version } : {}),
    });
    onEvent?.({ type: "build:member", name: pkg.name, filename: built.filename });
    out.push({ ...built, name: pkg.name });
  }
  return out;
}
