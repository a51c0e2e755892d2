/**
 * The full check of every wheel's entries (CRC, sizes, RECORD digests), once per wheel (the warm seam's
 * markers remember it), in a worker thread while the build plans and writes; nothing is published before
 * it passes. Before it inflates anything, the wheels' central directories must pass the metadata caps
 * and, for the zip layouts, Lambda's unzipped limit: an over-limit build is refused with nothing inflated.
 */
import { checkMetadataSizes } from "@tspack/wheel";
import type { FetchStageResult } from "../fetch.js";
import { verifyWheels } from "../verify-wheels.js";
import { checkLimitBeforeInflating } from "./compose.js";
import type { BuildWheels } from "./inputs.js";
import type { BuildLayout, FileEntry } from "./types.js";

type Verified = Awaited<ReturnType<typeof verifyWheels>>;

export interface WheelChecks {
  /** Resolves once the main thread's part is handed over (await it before long synchronous work). */
  posted: Promise<void>;
  /** Checks every wheel again, whatever the markers say (a recipe that did not replay). */
  again(): void;
  /** Waits for every check; the RECORD warnings of the last one, in wheel order; marks checked wheels. */
  done(): Promise<{ warnings: string[]; marks: Array<Promise<void>> }>;
  /** Resolves when every check started so far passed (rejects when one failed). */
  passed(): Promise<unknown>;
}

export function startChecks(
  wheels: BuildWheels,
  fetched: FetchStageResult,
  layout: BuildLayout,
  code: FileEntry[],
  markersDir: string | undefined,
): WheelChecks {
  const paths = new Map(fetched.wheels.map((w) => [w.sha256, w.path]));
  let posted!: () => void;
  let refused!: (e: unknown) => void;
  const postedPromise = new Promise<void>((resolve, reject) => {
    posted = resolve;
    refused = reject;
  });
  postedPromise.catch(() => {}); // awaited on the planning path; the refusal also rejects the check
  const beforeInflate = async (): Promise<void> => {
    try {
      await Promise.all(wheels.all.map((w) => w.load()));
      for (const w of wheels.all) checkMetadataSizes(w.filename, w.entries);
      if (layout === "zip" || layout === "layer")
        checkLimitBeforeInflating(wheels.all, new Set(wheels.members), layout, code);
    } catch (e) {
      refused(e);
      throw e;
    }
  };
  const first = verifyWheels(wheels.loaded, paths, markersDir, { onPosted: posted, beforeInflate });
  first.catch(() => {}); // awaited by done(); a failure before that must not be an unhandled rejection
  const checks: Array<Promise<Verified>> = [first];
  return {
    posted: postedPromise,
    again() {
      const again = verifyWheels(wheels.loaded, paths, markersDir, { force: true });
      again.catch(() => {});
      checks.push(again);
    },
    async done() {
      const checked = await Promise.all(checks);
      return { warnings: checked[checked.length - 1]?.warnings ?? [], marks: checked.map((c) => c.mark()) };
    },
    passed: () => Promise.all(checks),
  };
}
