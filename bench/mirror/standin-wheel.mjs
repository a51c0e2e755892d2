// Stand-in wheels: same filename, about the same compressed size, file count and compressibility as
// the real wheel, valid (one <name>-<version>.dist-info with METADATA, WHEEL, RECORD), seeded.
import { createHash } from "node:crypto";
import { pythonText } from "./python-text.mjs";
import { createRng, randomBytes } from "./random.mjs";
import { compressEntry, EOCD_SIZE, entryOverhead, writeZip } from "./zip-writer.mjs";

/** Bump when the generator's output changes (invalidates bench/.mirror). */
export const GENERATOR_VERSION = 1;

/** Expected deflate ratio of the generated Python text (measured; refined while generating). */
const TEXT_RATIO = 0.3;
/** Share of the unpacked bytes in `.so` files for platform wheels (before adjusting to the ratio). */
const BINARY_SHARE = 0.7;

/**
 * Splits a wheel filename into its parts (no validation beyond the shape).
 * @param {string} filename
 */
export function parseWheelName(filename) {
  const m = /^([^-]+)-([^-]+)(?:-(\d[^-]*))?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(filename);
  if (m === null)
    throw new Error(`The wheel filename "${filename}" is invalid: expected name-version-py-abi-platform.whl`);
  const [, dist, version, build, py, abi, platform] = m;
  return { dist, version, build, py: py.split("."), abi: abi.split("."), platform: platform.split(".") };
}

/** The default profile when a scenario gives none: file count and unpacked bytes from the size. */
export function defaultProfile(filename, size) {
  const w = parseWheelName(filename);
  const pure = w.abi.every((a) => a === "none") && w.platform.every((p) => p === "any");
  return pure
    ? { files: clamp(Math.round(size / 2500), 4, 20_000), unpacked: Math.round(size / 0.3) }
    : { files: clamp(Math.round(size / 60_000), 6, 20_000), unpacked: Math.round(size / 0.42) };
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

function b64url(buf) {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function soSuffix(abi, platform) {
  const arch = platform.find((p) => p.includes("aarch64")) ? "aarch64" : "x86_64";
  const cp = abi.find((a) => /^cp3\d+$/.test(a));
  if (cp) return `.cpython-${cp.slice(2)}-${arch}-linux-gnu.so`;
  if (abi.includes("abi3")) return ".abi3.so";
  return ".so";
}

/** Lays out the content file paths: a package tree with __init__.py files, blobs last-named. */
function layout(rng, top, textCount, blobCount, blobExt, pure) {
  const dirs = [top];
  const dirCount = Math.max(1, Math.round((textCount + blobCount) / 12));
  const word = () => {
    const syl = ["core", "util", "base", "api", "io", "data", "model", "types", "impl", "ext", "http", "parse"];
    return `${rng.pick(syl)}${rng.int(0, 99)}`;
  };
  while (dirs.length < dirCount) dirs.push(`${rng.pick(dirs)}/${word()}`);
  const used = new Set();
  const unique = (p) => {
    let q = p;
    for (let i = 2; used.has(q); i++) q = p.replace(/(\.[^./]+(\.[^./]+)*)$/, `_${i}$1`);
    used.add(q);
    return q;
  };
  const text = [];
  for (const d of dirs) if (text.length < textCount) text.push(unique(`${d}/__init__.py`));
  while (text.length < textCount) text.push(unique(`${rng.pick(dirs)}/${word()}.py`));
  const blobs = [];
  for (let i = 0; i < blobCount; i++) {
    blobs.push(
      pure ? unique(`${top}/data/${word()}/${word()}.json.gz`) : unique(`${rng.pick(dirs)}/_${word()}${blobExt}`),
    );
  }
  return { text, blobs };
}

/**
 * Generates a stand-in wheel.
 * @param {{ filename: string, name: string, size: number, files?: number, unpacked?: number, seed: string|number }} spec
 *   `name`: the project name for METADATA (as in the lock); `size`: the real wheel's bytes.
 * @returns {{ bytes: Buffer, sha256: string, files: number, unpacked: number }}
 */
export function makeStandinWheel(spec) {
  const { filename, name, size, seed } = spec;
  const w = parseWheelName(filename);
  const pure = w.abi.every((a) => a === "none") && w.platform.every((p) => p === "any");
  const def = defaultProfile(filename, size);
  const files = Math.max(4, spec.files ?? def.files);
  const unpacked = Math.max(files * 64, spec.unpacked ?? def.unpacked);
  const rng = createRng(seed, `wheel:${filename}`);
  const top = w.dist.toLowerCase();
  const distInfo = `${w.dist}-${w.version}.dist-info`;

  // Split the unpacked bytes into text and blobs so that the total deflates to about `size`.
  const ratio = size / unpacked;
  let share;
  let randomShare;
  if (pure) {
    randomShare = 1;
    share = ratio > TEXT_RATIO + 0.03 ? clamp((ratio - TEXT_RATIO) / (1 - TEXT_RATIO), 0, 0.98) : 0;
  } else {
    share = BINARY_SHARE;
    const needed = (ratio - (1 - share) * TEXT_RATIO) / share;
    randomShare = (needed - TEXT_RATIO) / (1 - TEXT_RATIO);
    if (randomShare > 1) {
      randomShare = 1;
      share = clamp((ratio - TEXT_RATIO) / (1 - TEXT_RATIO), 0, 0.98);
    }
  }
  // Deflate ratio the blobs aim at: above the text ratio with random chunks, below it with zero runs
  // (like the padding and tables of real .so files).
  const blobRatio = clamp(pure ? 1 : randomShare + (1 - randomShare) * TEXT_RATIO, 0.02, 1);
  const metaFiles = files >= 8 ? 4 : 3;
  const content = files - metaFiles;
  let blobCount = 0;
  if (share > 0 && content >= 2) {
    blobCount = pure
      ? clamp(Math.round(content * share * 0.5), 1, content - 1)
      : clamp(Math.round(content * 0.05), 1, Math.min(60, content - 1));
  }
  const paths = layout(rng, top, content - blobCount, blobCount, soSuffix(w.abi, w.platform), pure);
  const weights = (n) => {
    const ws = [];
    for (let i = 0; i < n; i++) ws.push(Math.exp(rng.gauss() * 0.9));
    const sum = ws.reduce((a, b) => a + b, 0) || 1;
    return ws.map((x) => x / sum);
  };
  const plan = [
    ...paths.text.map((p, i, a) => ({ path: p, blob: false, w: 0, i, n: a.length })),
    ...paths.blobs.map((p, i, a) => ({ path: p, blob: true, w: 0, i, n: a.length })),
  ];
  const tw = weights(paths.text.length);
  const bw = weights(paths.blobs.length);
  for (const f of plan) {
    f.w = f.blob ? bw[f.i] * share : tw[f.i] * (1 - (blobCount > 0 ? share : 0));
    f.raw = Math.max(16, Math.round(f.w * unpacked));
  }
  plan.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // Metadata (fixed text) and the bytes budget left for the content entries.
  const tags = [];
  for (const py of w.py) for (const abi of w.abi) for (const plat of w.platform) tags.push(`${py}-${abi}-${plat}`);
  const meta = [
    [
      `${distInfo}/METADATA`,
      `Metadata-Version: 2.1\nName: ${name}\nVersion: ${w.version}\nSummary: Stand-in wheel generated by the tspack benchmark (same filename and shape as the real one)\n`,
    ],
    [
      `${distInfo}/WHEEL`,
      `Wheel-Version: 1.0\nGenerator: tspack-bench ${GENERATOR_VERSION}\nRoot-Is-Purelib: ${pure}\n${tags.map((t) => `Tag: ${t}\n`).join("")}`,
    ],
  ];
  if (metaFiles === 4) meta.push([`${distInfo}/top_level.txt`, `${top}\n`]);
  const recordName = `${distInfo}/RECORD`;
  const recordEstimate = plan.reduce((n, f) => n + f.path.length + 60, 0) + meta.length * 90;
  let budget = size - EOCD_SIZE - entryOverhead(recordName) - Math.round(recordEstimate * 0.55);
  for (const [p, text] of meta) budget -= entryOverhead(p) + Math.round(text.length * 0.7);
  for (const f of plan) budget -= entryOverhead(f.path);

  // Generate in order; steer each file by how far the output is from the budget so far: blobs change
  // their share of random chunks (keeping the unpacked size), text files change their length.
  let textIn = 0;
  let textOut = 0;
  let fillIn = 0;
  let fillOut = 0;
  const textRatio = () => (textIn > 4096 ? textOut / textIn : TEXT_RATIO);
  const fillRatio = () => (fillIn > 4096 ? fillOut / fillIn : TEXT_RATIO + 0.05);
  const expected = (f) => (f.blob ? blobRatio : textRatio());
  const entries = [];
  const record = [];
  let produced = 0;
  let unpackedOut = 0;
  for (let k = 0; k < plan.length; k++) {
    const f = plan[k];
    let rest = 0;
    for (let j = k; j < plan.length; j++) rest += plan[j].raw * expected(plan[j]);
    const factor = clamp((budget - produced) / Math.max(1, rest), 0.1, 10);
    let data;
    let p = 0;
    let z = 0;
    if (f.blob) {
      const want = factor * expected(f);
      const tb = fillRatio();
      p = clamp((want - tb) / (1 - tb), 0, 1);
      z = p > 0 ? 0 : clamp((tb - want) / (tb - 0.005), 0, 0.95);
      const raw = Math.max(8, Math.round(f.raw * clamp(want / (p + (1 - p - z) * tb + z * 0.005), 0.25, 4)));
      data = Buffer.allocUnsafe(raw);
      const rnd = randomBytes(seed, `${filename}:${f.path}`, raw);
      const txt = pythonText(seed, `${filename}:${f.path}`, raw);
      const frng = createRng(seed, `chunks:${filename}:${f.path}`);
      let randomBytesUsed = 0;
      for (let at = 0; at < raw; at += 4096) {
        const end = Math.min(raw, at + 4096);
        const u = frng.next();
        if (u < p) {
          randomBytesUsed += end - at;
          rnd.copy(data, at, at, end);
        } else if (u < p + z) data.fill(0, at, end);
        else txt.copy(data, at, at, end);
      }
      p = randomBytesUsed / raw;
    } else {
      data = pythonText(seed, `${filename}:${f.path}`, Math.max(8, Math.round(f.raw * factor)));
    }
    const e = compressEntry(f.path, data);
    if (!f.blob) {
      textIn += e.size;
      textOut += e.body.length;
    } else if (p < 0.98 && z === 0) {
      fillIn += e.size * (1 - p);
      fillOut += Math.max(0, e.body.length - e.size * p);
    }
    produced += e.body.length;
    unpackedOut += e.size;
    entries.push(e);
    record.push(`${f.path},sha256=${b64url(createHash("sha256").update(data).digest())},${data.length}`);
  }
  for (const [p, text] of meta) {
    const data = Buffer.from(text, "utf8");
    entries.push(compressEntry(p, data));
    record.push(`${p},sha256=${b64url(createHash("sha256").update(data).digest())},${data.length}`);
    unpackedOut += data.length;
  }
  record.push(`${recordName},,`);
  const recordData = Buffer.from(`${record.join("\n")}\n`, "utf8");
  entries.push(compressEntry(recordName, recordData));
  unpackedOut += recordData.length;
  const bytes = writeZip(entries);
  return {
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    files: entries.length,
    unpacked: unpackedOut,
  };
}
