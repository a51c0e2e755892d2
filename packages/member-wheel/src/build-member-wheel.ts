import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { distInfoName, normalizeName } from "@tspack/dist-filename";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type PyprojectInfo, readPyproject, walkFiles } from "@tspack/project";
import { writeZip } from "@tspack/zip";
import { type MemberLayout, type MemberTree, planMemberLayout } from "./member-layout.js";
import { type RecordRow, renderEntryPoints, renderMetadata, renderRecord, renderWheelFile } from "./wheel-metadata.js";

/** Options for {@link buildMemberWheel}. */
export interface BuildMemberWheelOptions {
  /** The member's name as the lock knows it (checked against pyproject.toml). */
  name: string;
  /** The version in the lock, when it has one (checked against the version tspack finds). */
  version?: string;
}

/** A wheel built in memory. */
export interface BuiltWheel {
  /** `<name>-<version>-py3-none-any.whl`. */
  filename: string;
  /** The zip bytes (deterministic: sorted entries, fixed 1980-01-01 timestamps). */
  bytes: Uint8Array;
  /** Hex sha256 of `bytes`. */
  sha256: string;
  /** The version written into the wheel. */
  version: string;
  /** The backend whose layout was followed. */
  backend: MemberLayout["backend"];
}

const encoder = new TextEncoder();

function recordHash(data: Uint8Array): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

function looseVersion(v: string): string {
  return v.trim().toLowerCase().replace(/^v/, "");
}

/**
 * Assembles a `py3-none-any` wheel from a member layout and file contents. Pure apart from hashing:
 * `read(source)` supplies the bytes of each source file.
 */
export function assembleWheel(
  pyproject: PyprojectInfo,
  layout: MemberLayout,
  read: (source: string) => Uint8Array,
): Omit<BuiltWheel, "backend"> {
  const dist = distInfoName(pyproject.name ?? "");
  const distInfo = `${dist}-${layout.version}.dist-info`;
  const files: Array<{ path: string; data: Uint8Array }> = layout.entries.map((e) => ({
    path: e.path,
    data: read(e.source),
  }));
  files.push({
    path: `${distInfo}/METADATA`,
    data: encoder.encode(renderMetadata(pyproject, layout.version, layout.summary)),
  });
  files.push({ path: `${distInfo}/WHEEL`, data: encoder.encode(renderWheelFile()) });
  const eps = renderEntryPoints(pyproject);
  if (eps !== undefined) files.push({ path: `${distInfo}/entry_points.txt`, data: encoder.encode(eps) });
  const rows: RecordRow[] = files.map((f) => ({ path: f.path, hash: recordHash(f.data), size: f.data.length }));
  const recordPath = `${distInfo}/RECORD`;
  files.push({ path: recordPath, data: encoder.encode(renderRecord(rows, recordPath)) });
  const bytes = writeZip(
    files.map((f) => ({ path: f.path, mode: 0o644, data: f.data })),
    { mtime: new Date(Date.UTC(1980, 0, 1)) },
  );
  return {
    filename: `${dist}-${layout.version}-py3-none-any.whl`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    version: layout.version,
  };
}

/**
 * Builds a workspace member (or packaged root) that is pure Python with its backend's standard layout
 * into a `py3-none-any` wheel in memory. Editable members are built the same way (never a `.pth`).
 * Throws TSPACK_BUILD_UNSUPPORTED naming the member and the reason for anything it cannot build faithfully.
 */
export async function buildMemberWheel(memberDir: string, options: BuildMemberWheelOptions): Promise<BuiltWheel> {
  const label = options.name;
  const pyproject = await readPyproject(memberDir);
  if (pyproject.name !== undefined && pyproject.name !== normalizeName(options.name))
    throw new TspackError(
      ERROR_CODES.PYPROJECT_INVALID,
      `The member "${options.name}" at "${memberDir}" is named "${pyproject.displayName}" in its pyproject.toml`,
      { hint: "The lock is out of date: run `uv lock`.", details: { member: options.name, file: pyproject.path } },
    );
  const walked = await walkFiles(
    memberDir,
    "",
    (rel, name) => !rel.includes("/") && (name === "build" || name === "dist"),
  );
  const paths = walked.map((f) => f.path);
  const cache = new Map<string, Uint8Array>();
  const readBytes = async (p: string): Promise<Uint8Array> => {
    const hit = cache.get(p);
    if (hit !== undefined) return hit;
    const data = new Uint8Array(await readFile(join(memberDir, p)));
    cache.set(p, data);
    return data;
  };
  // The planner reads a few small text files synchronously (setup.py, setup.cfg, version files):
  // load every file it may ask for up front.
  const texts = new Map<string, string>();
  for (const p of paths)
    if (p.endsWith(".py") || p === "setup.cfg" || !p.includes("/") || /(^|\/)VERSION(\.txt)?$/.test(p))
      texts.set(p, new TextDecoder().decode(await readBytes(p)));
  const tree: MemberTree = { files: paths, readText: (p) => texts.get(p) };
  const layout = planMemberLayout(pyproject, tree, label);
  if (options.version !== undefined && looseVersion(options.version) !== looseVersion(layout.version))
    throw new TspackError(
      ERROR_CODES.PYPROJECT_INVALID,
      `The member "${label}" has version "${layout.version}" but the lock says "${options.version}"`,
      { hint: "The lock is out of date: run `uv lock`.", details: { member: label } },
    );
  const data = new Map<string, Uint8Array>();
  for (const e of layout.entries) data.set(e.source, await readBytes(e.source));
  const built = assembleWheel(pyproject, layout, (s) => data.get(s) as Uint8Array);
  return { ...built, backend: layout.backend };
}
