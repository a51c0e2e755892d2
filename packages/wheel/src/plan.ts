import { ERROR_CODES, TspackError } from "@tspack/errors";
import { compareUtf8, sortByUtf8 } from "./byte-order.js";
import { checkDistInfoName, findDistInfo } from "./dist-info.js";
import { normalizeEntryName } from "./entry-path.js";
import { type EntryPointScript, parseEntryPoints } from "./entry-points.js";
import { formatShebang, scriptLauncher } from "./launcher.js";
import { parseMetadata } from "./metadata.js";
import { checkMetadataSizes, METADATA_MAX_BYTES, tooLargeToRead } from "./metadata-cap.js";
import { normalizeName, splitWheelFilename } from "./names.js";
import { formatRecord, type RecordRow } from "./record.js";
import { readWheelRecord, recordWarnings } from "./record-check.js";
import { type InstallLayout, joinPosix, relativePosix, schemePaths } from "./scheme.js";
import { base64UrlNoPad, sha256 } from "./sha256.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";
import { validateWheelEntries } from "./validate.js";
import { versionsMatch } from "./version-match.js";
import { checkWheelVersion, parseWheelFile } from "./wheel-file.js";
import { entryFileMode, type FileMode, type WheelZipEntry } from "./wheel-zip-entry.js";

/** Copy a zip entry's (uncompressed) content to `dest`. */
export interface EntryOp<E extends WheelZipEntry = WheelZipEntry> {
  kind: "entry";
  /** Posix path relative to the target/prefix root; never absolute, never contains `..`. */
  dest: string;
  entry: E;
  /** The entry's normalized path inside the wheel. */
  source: string;
  mode: FileMode;
}

/** Write bytes computed by the plan (RECORD, INSTALLER, REQUESTED, launchers, rewritten scripts) to `dest`. */
export interface GeneratedOp {
  kind: "generated";
  /** Posix path relative to the target/prefix root. */
  dest: string;
  data: Uint8Array;
  mode: FileMode;
}

/** One file the install writes. */
export type InstallOp<E extends WheelZipEntry = WheelZipEntry> = EntryOp<E> | GeneratedOp;

/** The complete, disk-free description of installing one wheel. */
export interface WheelInstallPlan<E extends WheelZipEntry = WheelZipEntry> {
  /** Distribution name as written in METADATA. */
  name: string;
  /** PEP 503 normalized name. */
  normalizedName: string;
  /** Version as written in METADATA. */
  version: string;
  filename: string;
  /** Path of the installed `.dist-info` directory relative to the root (e.g. `lib/python3.13/site-packages/x-1.dist-info`). */
  distInfo: string;
  rootIsPurelib: boolean;
  /** Names of the launchers written to `bin/` (console and GUI), sorted. */
  scripts: string[];
  /** Every file to write, sorted by `dest` in UTF-8 byte order (RECORD included). */
  ops: InstallOp<E>[];
  /**
   * Non-fatal oddities, without the wheel's name (callers prefix it): an old or newer-minor Wheel-Version,
   * RECORD rows that disagree with the wheel's files, a launcher replacing a data file.
   */
  warnings: string[];
}

/** Input of {@link planWheelInstall}. */
export interface PlanWheelInput<E extends WheelZipEntry = WheelZipEntry> {
  /** The wheel filename (`name-version-py-abi-plat.whl`); names the wheel in errors. */
  filename: string;
  /** Every central-directory entry of the archive. */
  entries: ReadonlyArray<E>;
  /**
   * The uncompressed bytes of an entry (verified). Called only for WHEEL, METADATA, RECORD,
   * entry_points.txt and `#!python` scripts of `.data/scripts/`, each at most
   * {@link METADATA_MAX_BYTES} (declared; larger ones are refused before reading).
   */
  read(entry: E): Uint8Array;
  /**
   * The first `n` uncompressed bytes of an entry (fewer when it is shorter), to tell `#!python`
   * scripts from others without reading them whole; defaults to a prefix of {@link read}.
   */
  head?: (entry: E, n: number) => Uint8Array;
  /** URL-safe base64 (no padding) SHA-256 of `data`; defaults to a pure implementation. */
  hash?: (data: Uint8Array) => string;
}

const enc = { encode: encodeUtf8 };
const text = (b: Uint8Array) => {
  const s = decodeUtf8(b);
  return s.startsWith("\ufeff") ? s.slice(1) : s;
};

const MALFORMED_HINT = "The wheel is malformed; report it to the package's maintainers.";

function wheelInvalid(wheel: string, reason: string, details: Record<string, unknown> = {}): TspackError {
  return new TspackError(ERROR_CODES.WHEEL_INVALID, `The wheel "${wheel}" is invalid: ${reason}`, {
    hint: MALFORMED_HINT,
    details: { wheel, ...details },
  });
}

const RESERVED_SCRIPT = /^(python|pythonw|python3|python3\.\d+t?|pythonw3\.\d+t?|graalpy|pypy.*)(\.exe|\.py)?$/i;

function checkScriptName(wheel: string, name: string): void {
  const n = normalizeEntryName(name);
  if (!("path" in n) || n.path !== name || name.includes("/")) {
    throw wheelInvalid(wheel, `the script name ${JSON.stringify(name)} does not resolve to a file within bin/`, {
      script: name,
    });
  }
  if (RESERVED_SCRIPT.test(name)) {
    throw wheelInvalid(wheel, `the script name "${name}" is reserved for the Python interpreter`, { script: name });
  }
}

/** Strips the suffixes pip and uv ignore when matching `.data/scripts` files to entry points. */
function scriptMatchName(name: string): string {
  for (const suffix of [".exe", "-script.py", ".pya"]) if (name.endsWith(suffix)) return name.slice(0, -suffix.length);
  return name;
}

/**
 * Plans the installation of one wheel into a `--target` or `--prefix` layout, like uv (spec §4.3)
 * with tspack's stricter validation. Pure: the caller supplies entries and their bytes; the result
 * lists every file to write with its mode, including the rewritten RECORD (sorted, byte order),
 * INSTALLER/REQUESTED (when `layout.installerMetadata`) and entry-point launchers.
 *
 * Throws TspackError: TSPACK_FILENAME_INVALID, TSPACK_UNSAFE_PATH, TSPACK_ZIP_INVALID,
 * TSPACK_WHEEL_INVALID (dist-info count and name, WHEEL, Wheel-Version, METADATA name/version, `.data`
 * keys, script names, RECORD syntax, file/directory clashes), TSPACK_RECORD_MISMATCH (no RECORD). What
 * uv tolerates becomes a warning: an old or newer-minor Wheel-Version, RECORD rows that disagree with
 * the central directory (see record-check.ts). RECORD digests are compared by whoever inflates the
 * files ({@link checkRecordDigests}).
 */
export function planWheelInstall<E extends WheelZipEntry>(
  input: PlanWheelInput<E>,
  layout: InstallLayout,
): WheelInstallPlan<E> {
  const wheel = input.filename;
  const hash = input.hash ?? ((d: Uint8Array) => base64UrlNoPad(sha256(d)));
  const fn = splitWheelFilename(wheel);
  if (!fn) {
    throw new TspackError(
      ERROR_CODES.FILENAME_INVALID,
      `The wheel filename "${wheel}" is invalid: expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`,
      { details: { wheel } },
    );
  }
  const files = validateWheelEntries(wheel, input.entries);
  checkMetadataSizes(wheel, input.entries);
  const byPath = new Map(files.map((f) => [f.path, f.entry]));
  const warnings: string[] = [];

  // 1. Exactly one top-level .dist-info directory, the wheel's own.
  const distInfoName = findDistInfo(wheel, files);
  checkDistInfoName(wheel, distInfoName, fn);
  const prefix = distInfoName.slice(0, -".dist-info".length);
  const dataDir = `${prefix}.data`;
  const readFile = (path: string): string | undefined => {
    const e = byPath.get(path);
    if (e === undefined) return undefined;
    if (e.uncompressedSize > METADATA_MAX_BYTES) throw tooLargeToRead(wheel, path, e.uncompressedSize);
    return text(input.read(e));
  };
  const head = (e: E, n: number): Uint8Array =>
    input.head === undefined ? input.read(e).subarray(0, n) : input.head(e, n);

  // 2. WHEEL.
  const wheelText = readFile(`${distInfoName}/WHEEL`);
  if (wheelText === undefined) throw wheelInvalid(wheel, `"${distInfoName}/WHEEL" is missing`);
  const wheelFile = parseWheelFile(wheelText, `${wheel}/${distInfoName}/WHEEL`);
  const versionWarning = checkWheelVersion(wheel, wheelFile);
  if (versionWarning !== undefined) warnings.push(versionWarning);

  // 3. METADATA agrees with the filename.
  const metadataText = readFile(`${distInfoName}/METADATA`);
  if (metadataText === undefined) throw wheelInvalid(wheel, `"${distInfoName}/METADATA" is missing`);
  const metadata = parseMetadata(metadataText, `${wheel}/${distInfoName}/METADATA`);
  const normalizedName = normalizeName(metadata.name);
  if (normalizedName !== normalizeName(fn.name)) {
    throw wheelInvalid(wheel, `METADATA says Name "${metadata.name}" but the filename says "${fn.name}"`);
  }
  if (!versionsMatch(fn.version, metadata.version)) {
    throw wheelInvalid(wheel, `METADATA says Version "${metadata.version}" but the filename says "${fn.version}"`);
  }

  // 4. Entry points.
  const epText = readFile(`${distInfoName}/entry_points.txt`);
  const entryPoints = epText
    ? parseEntryPoints(epText, { pythonMinor: layout.python[1], source: `${wheel}/${distInfoName}/entry_points.txt` })
    : { consoleScripts: [], guiScripts: [], sections: {} };
  const launchers = new Map<string, EntryPointScript>();
  for (const s of [...entryPoints.consoleScripts, ...entryPoints.guiScripts]) {
    checkScriptName(wheel, s.name);
    launchers.set(s.name, s);
  }

  const scheme = schemePaths(layout);
  const libDir = wheelFile.rootIsPurelib ? scheme.purelib : scheme.platlib;
  const shebang = formatShebang(layout.shebang);
  const ops = new Map<string, InstallOp<E>>();
  /** RECORD rows keyed by dest; `source` links back to the wheel's RECORD. */
  const rows = new Map<string, { source?: string; hash?: string; size?: string }>();
  // RECORD: missing → error (like uv and pip); disagreements with the central directory → warnings.
  const wheelRecord = readWheelRecord(wheel, distInfoName, byPath, input.read);
  warnings.push(...recordWarnings(wheelRecord, files));
  const recordPath = wheelRecord.path;

  const addEntryOp = (op: EntryOp<E>) => {
    const prev = ops.get(op.dest);
    if (prev) {
      if (
        prev.kind === "entry" &&
        prev.entry.crc32 === op.entry.crc32 &&
        prev.entry.uncompressedSize === op.entry.uncompressedSize
      ) {
        return;
      }
      throw wheelInvalid(
        wheel,
        `"${prev.kind === "entry" ? prev.source : prev.dest}" and "${op.source}" both install to "${op.dest}"`,
        {
          dest: op.dest,
        },
      );
    }
    ops.set(op.dest, op);
    rows.set(op.dest, { source: op.source });
  };

  // 5. Wheel files → destinations.
  for (const { path, entry } of files) {
    if (path === recordPath) continue;
    if (!path.startsWith(`${dataDir}/`)) {
      addEntryOp({ kind: "entry", dest: joinPosix(libDir, path), entry, source: path, mode: entryFileMode(entry) });
      continue;
    }
    const rest = path.slice(dataDir.length + 1);
    const slash = rest.indexOf("/");
    const key = slash < 0 ? rest : rest.slice(0, slash);
    const sub = slash < 0 ? "" : rest.slice(slash + 1);
    if (sub === "" || !["purelib", "platlib", "data", "headers", "scripts"].includes(key)) {
      throw wheelInvalid(
        wheel,
        `unknown .data key "${key}" in "${path}" (expected purelib, platlib, data, headers or scripts)`,
        {
          entry: path,
        },
      );
    }
    if (key === "scripts") {
      if (sub.includes("/")) {
        throw wheelInvalid(wheel, `"${path}" is a directory inside .data/scripts`, { entry: path });
      }
      if (launchers.has(scriptMatchName(sub))) continue; // an entry point of the same name wins (pip, uv)
      checkScriptName(wheel, sub);
      const dest = joinPosix(scheme.scripts, sub);
      if (startsWith(head(entry, PYTHON_SHEBANG.length), PYTHON_SHEBANG)) {
        if (entry.uncompressedSize > METADATA_MAX_BYTES) throw tooLargeToRead(wheel, path, entry.uncompressedSize);
        const data = input.read(entry);
        const nl = data.indexOf(0x0a);
        const rest = nl < 0 ? new Uint8Array(0) : data.subarray(nl + 1);
        const head = enc.encode(`${shebang}\n`);
        const out = new Uint8Array(head.length + rest.length);
        out.set(head);
        out.set(rest, head.length);
        if (ops.has(dest)) throw wheelInvalid(wheel, `two files install to "${dest}"`, { dest });
        ops.set(dest, { kind: "generated", dest, data: out, mode: 0o755 });
        rows.set(dest, { source: path, hash: `sha256=${hash(out)}`, size: String(out.length) });
      } else {
        addEntryOp({ kind: "entry", dest, entry, source: path, mode: 0o755 });
      }
      continue;
    }
    const base =
      key === "purelib"
        ? scheme.purelib
        : key === "platlib"
          ? scheme.platlib
          : key === "data"
            ? scheme.data
            : joinPosix(scheme.headers, normalizedName);
    addEntryOp({ kind: "entry", dest: joinPosix(base, sub), entry, source: path, mode: entryFileMode(entry) });
  }

  // 6. Generated files: launchers, installer metadata.
  const generate = (dest: string, data: Uint8Array, mode: FileMode) => {
    const prev = ops.get(dest);
    if (prev) warnings.push(`"${dest}" from the wheel is replaced by a file tspack generates`);
    ops.set(dest, { kind: "generated", dest, data, mode });
    rows.set(dest, { hash: `sha256=${hash(data)}`, size: String(data.length) });
  };
  for (const s of [...launchers.values()].sort((a, b) => compareUtf8(a.name, b.name))) {
    generate(joinPosix(scheme.scripts, s.name), enc.encode(scriptLauncher(s, shebang)), 0o755);
  }
  if (layout.installerMetadata) {
    generate(joinPosix(libDir, distInfoName, "INSTALLER"), enc.encode(layout.installer ?? "tspack"), 0o644);
    generate(joinPosix(libDir, distInfoName, "REQUESTED"), new Uint8Array(0), 0o644);
  }

  // 7. RECORD: the wheel's rows (hash and size kept), healed like uv, paths moved, generated files added.
  const original = wheelRecord.rows;
  const record: RecordRow[] = [{ path: recordPath, hash: "", size: "" }];
  for (const [dest, r] of rows) {
    const path = relativePosix(libDir, dest);
    if (r.hash !== undefined) {
      record.push({ path, hash: r.hash, size: r.size ?? "" });
      continue;
    }
    const orig = r.source === undefined ? undefined : original.get(r.source);
    const op = ops.get(dest);
    if (orig) record.push({ path, hash: orig.hash, size: orig.size });
    else if (op?.kind === "entry" && !/\/RECORD\.(jws|p7s)$/.test(op.source)) {
      record.push({ path, hash: "", size: String(op.entry.uncompressedSize) });
    }
  }
  const recordDest = joinPosix(libDir, recordPath);
  ops.set(recordDest, { kind: "generated", dest: recordDest, data: enc.encode(formatRecord(record)), mode: 0o644 });

  const sorted = sortByUtf8([...ops.values()], (o) => o.dest);
  const clash = findFileDirClash(sorted.map((o) => o.dest));
  if (clash) throw wheelInvalid(wheel, `"${clash}" would be both a file and a directory`, { dest: clash });
  return {
    name: metadata.name,
    normalizedName,
    version: metadata.version,
    filename: wheel,
    distInfo: joinPosix(libDir, distInfoName),
    rootIsPurelib: wheelFile.rootIsPurelib,
    scripts: [...launchers.keys()].sort(compareUtf8),
    ops: sorted,
    warnings,
  };
}

const PYTHON_SHEBANG = "#!python";

function startsWith(data: Uint8Array, prefix: string): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * The first path in `sortedPaths` (sorted in byte order) that is also a parent directory of another
 * one. Linear: each directory prefix is checked once.
 */
export function findFileDirClash(sortedPaths: ReadonlyArray<string>): string | undefined {
  const files = new Set(sortedPaths);
  const dirs = new Set<string>();
  for (const p of sortedPaths) {
    let i = p.lastIndexOf("/");
    while (i > 0) {
      const parent = p.slice(0, i);
      if (dirs.has(parent)) break;
      if (files.has(parent)) return parent;
      dirs.add(parent);
      i = p.lastIndexOf("/", i - 1);
    }
  }
  return undefined;
}
