/**
 * Cached wheels → install plans. Shared by the zip writer (which raw-copies deflated entries) and the
 * directory layouts. The pure planning lives in @tspack/wheel; this module supplies bytes, a fast
 * inflate (node:zlib) and sha256 (node:crypto).
 */
import { close, fstat, open, read, readFileSync } from "node:fs";
import { readEntry, recordHash, wheelEntryHead } from "@tspack/installer";
import {
  type GeneratedOp,
  type InstallLayout,
  type InstallOp,
  type MergedInstallPlan,
  mergeInstallPlans,
  planOwner,
  planWheelInstall,
  type WheelInstallPlan,
} from "@tspack/wheel";
import { readZipEntries, type ZipEntry } from "@tspack/zip";
import { memoKey, readMemo, writeMemo } from "./memo.js";

/**
 * A wheel of the build. Its bytes are read in the background from the moment it is opened (`load()`
 * resolves with them); `bytes` and `entries` are for code that has awaited `load()` (before that, `bytes`
 * falls back to a synchronous read). The central directory is parsed on first access of `entries`: warm
 * builds never need it.
 */
export interface LoadedWheel {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  readonly bytes: Uint8Array;
  readonly entries: ZipEntry[];
  load(): Promise<Uint8Array>;
}

// The one wheel-archive reader (node:zlib bound to @tspack/zip's rules), re-exported for build.ts.
export { readEntry, recordHash, streamWheelEntry, streamWheelEntrySync } from "@tspack/installer";

type WheelIdentity = Pick<LoadedWheel, "name" | "version" | "filename" | "sha256">;

function makeWheel(w: WheelIdentity, readSync: () => Uint8Array, read: () => Promise<Uint8Array>): LoadedWheel {
  let bytes: Uint8Array | undefined;
  let entries: ZipEntry[] | undefined;
  let pending: Promise<Uint8Array> | undefined;
  const getBytes = (): Uint8Array => (bytes ??= readSync());
  return {
    name: w.name,
    version: w.version,
    filename: w.filename,
    sha256: w.sha256,
    get bytes() {
      return getBytes();
    },
    get entries() {
      return (entries ??= readZipEntries(getBytes(), { name: w.filename }));
    },
    load() {
      if (bytes) return Promise.resolve(bytes);
      pending ??= read().then((b) => (bytes ??= b));
      return pending;
    },
  };
}

/** The whole file in one read(2) on the thread pool (fs.readFile reads in 512 KiB chunks). */
function readWhole(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    open(path, "r", (err, fd) => {
      if (err) return reject(err);
      const done = (e: Error | null, data?: Uint8Array): void => close(fd, () => (e ? reject(e) : resolve(data!)));
      fstat(fd, (e, st) => {
        if (e) return done(e);
        let buf: Buffer;
        try {
          buf = Buffer.allocUnsafeSlow(st.size);
        } catch (e2) {
          return done(e2 as Error); // bigger than a Buffer can be
        }
        const more = (at: number): void => {
          if (at >= buf.length) {
            done(null, buf);
            return;
          }
          read(fd, buf, at, buf.length - at, at, (e2, n) => {
            if (e2) return done(e2);
            if (n === 0) return done(null, buf.subarray(0, at)); // shrank meanwhile: the zip reader reports it
            more(at + n);
          });
        };
        more(0);
      });
    });
  });
}

/** Background reads run on this many thread-pool threads (of 4): the rest stay free for planning's small reads. */
const READ_LANES = 2;

/**
 * Opens cached wheel files and reads them in the background, overlapping planning: in two lanes of
 * one read at a time, so that the small reads of planning are not queued behind them. Callers await
 * `load()` before using the bytes.
 */
export function openWheels(ws: ReadonlyArray<WheelIdentity & { path: string; size?: number }>): LoadedWheel[] {
  const lanes = Array.from({ length: READ_LANES }, () => ({ queued: 0, tail: Promise.resolve() as Promise<unknown> }));
  return ws.map((w) => {
    const wheel = makeWheel(
      w,
      () => readFileSync(w.path),
      () => readWhole(w.path),
    );
    // The lane with the fewest bytes queued (sizes from the lock; unknown counts as 0).
    const lane = lanes.reduce((a, b) => (b.queued < a.queued ? b : a));
    lane.queued += w.size ?? 0;
    lane.tail = lane.tail.then(() => wheel.load()).catch(() => {}); // a failed read is reported by whoever awaits load()
    return wheel;
  });
}

/** Reads a wheel file (its central directory is parsed when first needed). */
export async function loadWheel(w: WheelIdentity & { path: string }): Promise<LoadedWheel> {
  const [wheel] = openWheels([w]);
  await wheel!.load();
  return wheel!;
}

/** Wraps in-memory bytes (a natively built member wheel). */
export function wheelFromBytes(w: WheelIdentity & { bytes: Uint8Array }): LoadedWheel {
  return makeWheel(
    w,
    () => w.bytes,
    () => Promise.resolve(w.bytes),
  );
}

/** The plan of every wheel and their merge (a deterministic winner on conflicts). */
export interface PlannedWheels {
  plans: WheelInstallPlan<ZipEntry>[];
  merged: MergedInstallPlan<ZipEntry>;
  /** owner (`name==version`) → the wheel the op's entry belongs to. */
  byOwner: Map<string, LoadedWheel>;
  /** Settles when new plans are stored in the memo (never rejects). */
  stored: Promise<void>;
}

/**
 * An install plan as stored in the memo, compactly (a big wheel has thousands of ops): an entry op is
 * `[dest, source, mode, ...ZipEntry fields in ENTRY_FIELDS order]` (`dest`/`source` are 0 when equal to
 * the entry name), a generated op is `[dest, mode, base64 bytes]`.
 */
interface StoredPlan extends Omit<WheelInstallPlan<ZipEntry>, "ops"> {
  ops: Array<Array<string | number | boolean | null>>;
}

const ENTRY_FIELDS = [
  "name",
  "method",
  "flags",
  "crc32",
  "compressedSize",
  "uncompressedSize",
  "localHeaderOffset",
  "externalAttributes",
  "versionMadeBy",
  "isDirectory",
  "unixMode",
  "isSymlink",
] as const satisfies ReadonlyArray<keyof ZipEntry>;

function storePlan(plan: WheelInstallPlan<ZipEntry>): StoredPlan {
  return {
    ...plan,
    ops: plan.ops.map((op) => {
      if (op.kind === "generated") return [op.dest, op.mode, Buffer.from(op.data).toString("base64")];
      const e = op.entry;
      return [
        op.dest === e.name ? 0 : op.dest,
        op.source === e.name ? 0 : op.source,
        op.mode,
        ...ENTRY_FIELDS.map((k) => e[k] ?? null),
      ];
    }),
  };
}

function loadPlan(stored: StoredPlan): WheelInstallPlan<ZipEntry> {
  const ops = stored.ops.map((row): InstallOp<ZipEntry> => {
    if (row.length === 3) {
      const [dest, mode, data] = row as [string, number, string];
      return { kind: "generated", dest, mode, data: new Uint8Array(Buffer.from(data, "base64")) } as GeneratedOp;
    }
    const entry = {} as Record<string, unknown>;
    ENTRY_FIELDS.forEach((k, i) => {
      const v = row[3 + i];
      entry[k] = v === null ? undefined : v;
    });
    const e = entry as unknown as ZipEntry;
    const [dest, source, mode] = row as [string | 0, string | 0, number];
    const op = {
      kind: "entry",
      dest: dest === 0 ? e.name : dest,
      source: source === 0 ? e.name : source,
      mode,
      entry: e,
    };
    return op as InstallOp<ZipEntry>;
  });
  return { ...stored, ops } as WheelInstallPlan<ZipEntry>;
}

/**
 * The plan of every wheel and their merge (a deterministic winner on conflicts). With `cacheDir`, each
 * wheel's plan is memoized by the wheel's sha256 and the layout (a pure function of both): a warm build
 * neither parses central directories nor RECORDs.
 */
export async function planWheels(
  wheels: readonly LoadedWheel[],
  layout: InstallLayout,
  cacheDir?: string,
): Promise<PlannedWheels> {
  const layoutKey = JSON.stringify(layout);
  const keys =
    cacheDir === undefined ? [] : wheels.map((w) => memoKey("install", ["compact-1", w.sha256, w.filename, layoutKey]));
  const hits =
    cacheDir === undefined ? [] : await Promise.all(keys.map((key) => readMemo<StoredPlan>(cacheDir, "install", key)));
  // Misses need the wheel's bytes (central directory, RECORD): wait for their reads.
  await Promise.all(wheels.map((w, i) => (hits[i] ? undefined : w.load())));
  const plans: WheelInstallPlan<ZipEntry>[] = [];
  const fresh: Promise<void>[] = [];
  wheels.forEach((wheel, i) => {
    const hit = hits[i];
    if (hit) {
      plans.push(loadPlan(hit));
      return;
    }
    // In order, so that the first invalid wheel is the one reported.
    const plan = planWheelInstall<ZipEntry>(
      {
        filename: wheel.filename,
        entries: wheel.entries,
        read: (e) => readEntry(wheel, e),
        head: (e, n) => wheelEntryHead(wheel, e, n),
        hash: recordHash,
      },
      layout,
    );
    plans.push(plan);
    if (cacheDir !== undefined) fresh.push(writeMemo(cacheDir, "install", keys[i]!, storePlan(plan)));
  });
  const stored = Promise.all(fresh).then(() => {});
  const byOwner = new Map<string, LoadedWheel>();
  plans.forEach((plan, i) => {
    byOwner.set(planOwner(plan), wheels[i]!);
  });
  return { plans, merged: mergeInstallPlans(plans), byOwner, stored };
}
