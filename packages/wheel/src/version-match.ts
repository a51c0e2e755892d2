/**
 * PEP 440 equality, just enough to compare a wheel filename's version with its METADATA version
 * (`1.0` equals `1.0.0`, `1.0a1` equals `1.0.alpha1`). Unparsable versions compare as strings.
 */

const PATTERN =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE: Record<string, string> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

/** The canonical form of a PEP 440 version split into public part and local label, or undefined. */
export function canonicalVersion(v: string): { public: string; local: string | undefined } | undefined {
  const m = PATTERN.exec(v);
  if (!m) return undefined;
  const [, epoch, release, pre, preN, postImplicit, post, postN, dev, devN, local] = m;
  const nums = release!.split(".").map((x) => BigInt(x));
  while (nums.length > 1 && nums[nums.length - 1] === 0n) nums.pop();
  let out = epoch && BigInt(epoch) !== 0n ? `${BigInt(epoch)}!` : "";
  out += nums.join(".");
  if (pre) out += `${PRE[pre.toLowerCase()]}${BigInt(preN ?? "0")}`;
  if (postImplicit !== undefined) out += `.post${BigInt(postImplicit)}`;
  else if (post) out += `.post${BigInt(postN ?? "0")}`;
  if (dev) out += `.dev${BigInt(devN ?? "0")}`;
  const loc = local
    ?.toLowerCase()
    .split(/[-_.]/)
    .map((s) => (/^\d+$/.test(s) ? String(BigInt(s)) : s))
    .join(".");
  return { public: out, local: loc };
}

/**
 * True when the METADATA version `metadata` matches the filename version `filename`: equal as PEP 440
 * versions, or equal to the filename's version without its local label (`torch-2.1.0+cpu-….whl` whose
 * METADATA says 2.1.0), exactly as uv's `install_wheel` allows (`version == filename.version ||
 * version == filename.version.without_local()`).
 */
export function versionsMatch(filename: string, metadata: string): boolean {
  const f = canonicalVersion(filename);
  const m = canonicalVersion(metadata);
  if (!f || !m) return filename === metadata;
  if (f.public !== m.public) return false;
  return f.local === m.local || m.local === undefined;
}
