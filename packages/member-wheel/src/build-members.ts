import { resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { LockSource } from "@tspack/uv-lock";
import { type BuiltWheel, buildMemberWheel } from "./build-member-wheel.js";

/** A local source the plan chose (a workspace member, the packaged root, a path dependency): its lock entry. */
export interface MemberSource {
  name: string;
  /** The version in the lock, when it has one (a dynamic version has none). */
  version?: string | null | undefined;
  /** Where it comes from; `editable`/`directory` paths are relative to the workspace root. */
  source: LockSource;
}

/** A local source tree built into a wheel in memory. */
export interface BuiltMember extends BuiltWheel {
  /** The name in the lock. */
  name: string;
}

/** The inputs of the member-wheel stage. */
export interface BuildMembersInput {
  /** The workspace root (the lock's folder): the sources' paths are relative to it. */
  workspaceRoot: string;
  /** The planned local sources, in the order their wheels are wanted; `virtual` ones are skipped. */
  sources: readonly MemberSource[];
  /** Called after each wheel is built (progress events). */
  onBuilt?: (member: BuiltMember) => void;
}

/**
 * The member-wheel stage: builds every planned local source tree natively into a `py3-none-any` wheel in
 * memory (pure-Python members in their backend's standard layout; see {@link buildMemberWheel}). It reads
 * the members' files and writes nothing. Source archives and git sources without wheels are refused:
 * tspack never runs a build backend.
 * @throws TSPACK_BUILD_UNSUPPORTED, TSPACK_PYPROJECT_INVALID (a member the lock does not describe)
 */
export async function buildMemberWheels(input: BuildMembersInput): Promise<BuiltMember[]> {
  const out: BuiltMember[] = [];
  for (const pkg of input.sources) {
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
    const built = await buildMemberWheel(resolve(input.workspaceRoot, pkg.source.path), {
      name: pkg.name,
      ...(pkg.version ? { version: pkg.version } : {}),
    });
    const member = { ...built, name: pkg.name };
    input.onBuilt?.(member);
    out.push(member);
  }
  return out;
}
