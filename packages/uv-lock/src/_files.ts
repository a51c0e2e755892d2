import { parseHash } from "./_hash.js";
import { at, describe, type Reader, type WirePath, type WireTable } from "./_reader.js";
import { normalizeVersion } from "./_version.js";
import type { LockFile, LockHash, LockWheel } from "./types.js";

const FILE_KEYS = new Set(["url", "path", "filename", "hash", "size", "upload-time", "upload_time", "zstd"]);

/** The last path segment of a URL (query and fragment removed, percent-decoded) or of a path. */
export function lastSegment(location: string, isUrl: boolean): string {
  let s = location;
  if (isUrl) {
    const q = s.indexOf("?");
    if (q >= 0) s = s.slice(0, q);
    const h = s.indexOf("#");
    if (h >= 0) s = s.slice(0, h);
  }
  const seg = s.slice(Math.max(s.lastIndexOf("/"), isUrl ? -1 : s.lastIndexOf("\\")) + 1);
  if (!isUrl || !seg.includes("%")) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/**
 * The version field of a wheel filename (`name-ver(-build)?-py-abi-plat.whl`), or the reason it is
 * invalid. `knownValid` skips the PEP 440 check for a version string already validated.
 */
export function wheelFilenameVersion(filename: string, knownValid?: string): { version: string } | { error: string } {
  const bad = (reason: string) => ({ error: `the wheel filename ${JSON.stringify(filename)} is invalid: ${reason}` });
  if (!filename.endsWith(".whl")) return bad('must end with ".whl"');
  // Dash positions without allocating the parts.
  const end = filename.length - 4;
  let dashes = 0;
  let d1 = -1;
  let d2 = -1;
  let prev = -1;
  for (let i = filename.indexOf("-"); i >= 0 && i < end; i = filename.indexOf("-", i + 1)) {
    if (i === prev + 1) return bad("has an empty part");
    if (dashes === 0) d1 = i;
    else if (dashes === 1) d2 = i;
    dashes++;
    prev = i;
  }
  if (dashes !== 4 && dashes !== 5) {
    return bad(`expected 5 or 6 dash-separated parts (name-version[-build]-python-abi-platform), found ${dashes + 1}`);
  }
  if (prev === end - 1) return bad("has an empty part");
  const version = filename.slice(d1 + 1, d2);
  if (version !== knownValid && normalizeVersion(version) === undefined) {
    return bad(`the version "${version}" is not a valid PEP 440 version`);
  }
  return { version };
}

function readHash(t: WireTable, key: string, path: WirePath, r: Reader): LockHash | undefined {
  const text = r.string(t, key, path);
  if (text === undefined) return undefined;
  const h = parseHash(text);
  if ("error" in h) {
    r.issues.error(at(path, key), h.error);
    return undefined;
  }
  return h;
}

function readUploadTime(t: WireTable, path: WirePath, r: Reader): string | undefined {
  if (t["upload-time"] !== undefined) return r.string(t, "upload-time", path);
  if (t.upload_time !== undefined) return r.string(t, "upload_time", path);
  return undefined;
}

/** Reads the common file fields into `out`. */
function readCommon(t: WireTable, path: WirePath, r: Reader, context: string, out: LockFile): void {
  for (const k of Object.keys(t)) if (!FILE_KEYS.has(k)) r.issues.unknownKey(context, path, k);
  const hash = t.hash === undefined ? undefined : readHash(t, "hash", path, r);
  if (hash !== undefined) out.hash = hash;
  const size = t.size === undefined ? undefined : r.integer(t, "size", path);
  if (size !== undefined) out.size = size;
  const uploadTime = readUploadTime(t, path, r);
  if (uploadTime !== undefined) out.uploadTime = uploadTime;
  if (t.zstd !== undefined) {
    const z = r.table(t, "zstd", path);
    if (z !== undefined) {
      const zp = at(path, "zstd");
      const zstd: { hash?: LockHash; size?: number } = {};
      const zh = z.hash === undefined ? undefined : readHash(z, "hash", zp, r);
      if (zh !== undefined) zstd.hash = zh;
      const zs = z.size === undefined ? undefined : r.integer(z, "size", zp);
      if (zs !== undefined) zstd.size = zs;
      out.zstd = zstd;
    }
  }
}

/** Reads an `sdist = { url | path | (nothing), hash, size, upload-time }` table. */
export function parseSdist(t: WireTable, path: WirePath, r: Reader): LockFile | undefined {
  const out: LockFile = {};
  if (t.url !== undefined && t.path !== undefined) {
    r.issues.error(path, "expected at most one of the keys url, path, found both");
    return undefined;
  }
  const url = t.url === undefined ? undefined : r.string(t, "url", path);
  if (url !== undefined) out.url = url;
  const p = t.path === undefined ? undefined : r.string(t, "path", path);
  if (p !== undefined) out.path = p;
  readCommon(t, path, r, "sdist", out);
  return out;
}

/**
 * Reads one `wheels` entry (`url` | `path` | `filename`, plus hash/size/upload-time/zstd) and fills
 * `filename`. `version` (normalized package version) is checked against the filename's version.
 */
export function parseWheel(
  t: WireTable,
  path: WirePath,
  r: Reader,
  versionKeyOf: (v: string, withoutLocal: boolean) => string | undefined,
  packageVersion: string | undefined,
): LockWheel | undefined {
  const hasUrl = t.url !== undefined;
  const hasPath = t.path !== undefined;
  const hasFilename = t.filename !== undefined;
  if (+hasUrl + +hasPath + +hasFilename !== 1) {
    const present = (["url", "path", "filename"] as const).filter((k) => t[k] !== undefined);
    r.issues.error(
      path,
      `expected exactly one of the keys url, path, filename, found ${present.length === 0 ? "none" : present.join(", ")}`,
    );
    return undefined;
  }
  const key = hasUrl ? "url" : hasPath ? "path" : "filename";
  const location = t[key];
  if (typeof location !== "string") {
    r.issues.error(at(path, key), `expected a string, found ${describe(location)}`);
    return undefined;
  }
  const filename = key === "filename" ? location : lastSegment(location, key === "url");
  const parsed = wheelFilenameVersion(filename, packageVersion);
  if ("error" in parsed) {
    r.issues.error(at(path, key), parsed.error);
    return undefined;
  }
  if (packageVersion !== undefined && parsed.version !== packageVersion) {
    const want = versionKeyOf(packageVersion, false);
    if (want !== versionKeyOf(parsed.version, false) && want !== versionKeyOf(parsed.version, true)) {
      r.issues.error(
        at(path, key),
        `the wheel ${JSON.stringify(filename)} has version ${parsed.version}, but the package version is ${packageVersion}`,
      );
      return undefined;
    }
  }
  const out: LockWheel = { filename };
  if (key === "url") out.url = location;
  else if (key === "path") out.path = location;
  readCommon(t, path, r, "wheel", out);
  return out;
}
