// Test support: plan a generated wheel through the real zip reader, and render plans as golden listings.
import { createHash } from "node:crypto";
import { inflateEntry, readZipEntries, type ZipEntry } from "@tspack/zip";
import type { MadeWheel } from "../../../test/helpers/make-wheel.js";
import { type InstallLayout, type InstallOp, planWheelInstall, type WheelInstallPlan } from "../src/index.js";

export const TARGET: InstallLayout = {
  kind: "target",
  python: [3, 13],
  installerMetadata: true,
  shebang: "/var/lang/bin/python3.13",
};
export const PREFIX: InstallLayout = { ...TARGET, kind: "prefix" };

export function planOf(w: MadeWheel, layout: InstallLayout = TARGET): WheelInstallPlan<ZipEntry> {
  const entries = readZipEntries(w.bytes, { name: w.filename });
  return planWheelInstall({ filename: w.filename, entries, read: (e) => inflateEntry(w.bytes, e) }, layout);
}

export function opBytes(w: MadeWheel, op: InstallOp<ZipEntry>): Uint8Array {
  return op.kind === "generated" ? op.data : inflateEntry(w.bytes, op.entry);
}

/** `dest mode sha256[:16]` per op, in plan order. */
export function listing(w: MadeWheel, plan: WheelInstallPlan<ZipEntry>): string {
  return plan.ops
    .map((op) => {
      const sha = createHash("sha256").update(opBytes(w, op)).digest("hex").slice(0, 16);
      return `${op.dest} ${op.mode.toString(8)} ${sha}${op.kind === "generated" ? " (generated)" : ""}`;
    })
    .join("\n");
}

export function generatedText(plan: WheelInstallPlan<ZipEntry>, dest: string): string {
  const op = plan.ops.find((o) => o.dest === dest);
  if (op?.kind !== "generated") throw new Error(`no generated op ${dest}`);
  return new TextDecoder().decode(op.data);
}
