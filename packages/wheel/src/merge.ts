import { ERROR_CODES, TspackError } from "@tspack/errors";
import { crc32 } from "@tspack/zip";
import { compareUtf8, sortByUtf8 } from "./byte-order.js";
import { findFileDirClash, type InstallOp, type WheelInstallPlan } from "./plan.js";
import type { WheelZipEntry } from "./wheel-zip-entry.js";

/** Two wheels writing the same path. */
export interface InstallConflict {
  /** Destination path (relative to the root). */
  path: string;
  /** Owner (`name==version`) whose file is installed. */
  winner: string;
  /** Owner whose file is dropped. */
  loser: string;
  /** Same bytes (same CRC-32 and size; same bytes for generated files). */
  identical: boolean;
}

/** An op tagged with the package that owns it (`name==version`). */
export type OwnedInstallOp<E extends WheelZipEntry = WheelZipEntry> = InstallOp<E> & { owner: string };

/** The merged install of several wheels. */
export interface MergedInstallPlan<E extends WheelZipEntry = WheelZipEntry> {
  /** Every file, sorted by `dest` in byte order. */
  ops: OwnedInstallOp<E>[];
  /** Paths written by more than one wheel, sorted by path (then loser). */
  conflicts: InstallConflict[];
}

/** `name==version` of a plan, as used in `owner`, `winner` and `loser`. */
export function planOwner(plan: Pick<WheelInstallPlan, "name" | "version">): string {
  return `${plan.name}==${plan.version}`;
}

function fingerprint(op: InstallOp<WheelZipEntry>): { crc: number; size: number } {
  return op.kind === "entry"
    ? { crc: op.entry.crc32 >>> 0, size: op.entry.uncompressedSize }
    : { crc: crc32(op.data), size: op.data.length };
}

function sameContent(a: InstallOp<WheelZipEntry>, b: InstallOp<WheelZipEntry>): boolean {
  if (a.kind === "generated" && b.kind === "generated") {
    if (a.data.length !== b.data.length) return false;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
    return true;
  }
  const x = fingerprint(a);
  const y = fingerprint(b);
  return x.crc === y.crc && x.size === y.size;
}

/**
 * Merges per-wheel plans into one install. Plans are applied in (normalized name, version, filename)
 * byte order and a later plan overwrites an earlier one, so on a conflict **the package that sorts
 * last wins**, deterministically (uv's winner depends on timing). Every shared path is reported in
 * `conflicts` (identical ones too). Throws TSPACK_INSTALL_FAILED when a path would be a file in one
 * wheel and a directory in another.
 */
export function mergeInstallPlans<E extends WheelZipEntry>(
  plans: ReadonlyArray<WheelInstallPlan<E>>,
): MergedInstallPlan<E> {
  const ordered = [...plans].sort(
    (a, b) =>
      compareUtf8(a.normalizedName, b.normalizedName) ||
      compareUtf8(a.version, b.version) ||
      compareUtf8(a.filename, b.filename),
  );
  const byDest = new Map<string, OwnedInstallOp<E>>();
  const conflicts: InstallConflict[] = [];
  for (const plan of ordered) {
    const owner = planOwner(plan);
    for (const op of plan.ops) {
      const prev = byDest.get(op.dest);
      if (prev) conflicts.push({ path: op.dest, winner: owner, loser: prev.owner, identical: sameContent(prev, op) });
      byDest.set(
        op.dest,
        op.kind === "entry"
          ? { kind: "entry", dest: op.dest, entry: op.entry, source: op.source, mode: op.mode, owner }
          : { kind: "generated", dest: op.dest, data: op.data, mode: op.mode, owner },
      );
    }
  }
  const ops = sortByUtf8([...byDest.values()], (o) => o.dest);
  const clash = findFileDirClash(ops.map((o) => o.dest));
  if (clash !== undefined) {
    const file = byDest.get(clash)!;
    const child = ops.find((o) => o.dest.startsWith(`${clash}/`))!;
    throw new TspackError(
      ERROR_CODES.INSTALL_FAILED,
      `The path "${clash}" is a file in ${file.owner} and a directory in ${child.owner}`,
      {
        hint: "These packages cannot be installed into one directory; remove one of them from the dependencies.",
        details: { path: clash, file: file.owner, directory: child.owner },
      },
    );
  }
  conflicts.sort((a, b) => compareUtf8(a.path, b.path) || compareUtf8(a.loser, b.loser));
  return { ops, conflicts };
}
