/**
 * Install into memory: every wheel's install plan (memoized per wheel when the warm seam gives a folder),
 * merged with a deterministic winner on conflicts, as the files the installer would write — without
 * writing them. The layer layout installs third-party wheels in the `--prefix` layout and the project's
 * own packages (packaged root, workspace members) apart, in the `--target` layout (they go to function.zip).
 */
import { LAMBDA_RUNTIMES, type Target } from "@tspack/platform-tags";
import { defaultInterpreterPath, type InstallLayout, type OwnedInstallOp } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import type { TspackEvent } from "../events.js";
import { type LoadedWheel, planWheels } from "../wheels.js";
import type { PlannedWheelSize } from "./compose.js";
import type { BuildWheels } from "./inputs.js";
import type { BuildLayout, BuildOptions, FileEntry } from "./types.js";

/** The installer's layout for `kind` on the target (the interpreter of bin/ launchers, INSTALLER metadata). */
export function installLayoutFor(
  kind: "target" | "prefix",
  target: Target,
  options: Pick<BuildOptions, "installerMetadata" | "shebang">,
): InstallLayout {
  const python = target.python;
  const runtimeInfo = LAMBDA_RUNTIMES.find((r) => r.python === `${python[0]}.${python[1]}`);
  return {
    kind,
    python,
    installerMetadata: options.installerMetadata ?? false,
    shebang: options.shebang ?? runtimeInfo?.interpreter ?? defaultInterpreterPath(python),
  };
}

export interface InstalledInMemory {
  /** Dependencies' files at their install paths. */
  deps: FileEntry[];
  /** The layer layout's member files (`--target` paths); empty otherwise. */
  members: FileEntry[];
  plans: PlannedWheelSize[];
  /** Cache writes of new install plans (never reject). */
  stored: Array<Promise<void>>;
}

function opsToFiles(ops: OwnedInstallOp<ZipEntry>[], byOwner: Map<string, LoadedWheel>): FileEntry[] {
  return ops.map((op) =>
    op.kind === "entry"
      ? { path: op.dest, mode: op.mode, raw: { wheel: byOwner.get(op.owner)!, entry: op.entry }, owner: op.owner }
      : { path: op.dest, mode: op.mode, data: op.data, owner: op.owner },
  );
}

/**
 * Plans the install of every wheel. What uv tolerates in a wheel (an old Wheel-Version, a RECORD that
 * disagrees with the files) and conflicting paths are reported through `emit`, in order.
 */
export async function installInMemory(
  wheels: BuildWheels,
  layout: BuildLayout,
  layouts: { target: InstallLayout; prefix: InstallLayout },
  memoDir: string | undefined,
  emit: (e: TspackEvent) => void,
): Promise<InstalledInMemory> {
  const split = layout === "layer";
  const main = split
    ? await planWheels(wheels.loaded, layouts.prefix, memoDir)
    : await planWheels(wheels.all, layouts.target, memoDir);
  const side =
    split && wheels.members.length > 0 ? await planWheels(wheels.members, layouts.target, memoDir) : undefined;
  const plans = [...main.plans, ...(side?.plans ?? [])];
  for (const p of plans) for (const w of p.warnings) emit({ type: "warning", message: `${p.filename}: ${w}` });
  for (const c of [...main.merged.conflicts, ...(side?.merged.conflicts ?? [])]) {
    if (!c.identical)
      emit({
        type: "warning",
        message: `"${c.path}" is in both ${c.loser} and ${c.winner}; ${c.winner} wins (the package that sorts last)`,
      });
    emit({ type: "install:conflict", ...c });
  }
  return {
    deps: opsToFiles(main.merged.ops, main.byOwner),
    members: side ? opsToFiles(side.merged.ops, side.byOwner) : [],
    plans,
    stored: [main.stored, ...(side ? [side.stored] : [])],
  };
}
