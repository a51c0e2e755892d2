/**
 * Lambda's 250 MB unzipped limit: an oversized project fails with TSPACK_SIZE_LIMIT and a size table,
 * and the output folder keeps the previous artifacts untouched (no partial files, no staging leftovers).
 * The oversized wheel is cheap: 27 zero-filled 10 MB files whose deflate stream is made once (~10 KB each).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { deflateSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { type MadeWheel, recordHash, writeTestZip } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  demoProject,
  listTree,
  lockText,
  mirrorArg,
  pyprojectText,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  sha256File,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const FILE_BYTES = 10_000_000;
const FILES = 27;
const LIMIT = 262_144_000;

/** A wheel whose entries unzip to FILES × FILE_BYTES zero bytes, in a few hundred KB. */
function hugeWheel(): MadeWheel {
  const zeros = new Uint8Array(FILE_BYTES);
  const compressed = deflateSync(zeros, { level: 9 });
  const crc = crc32(zeros);
  const hash = recordHash(zeros);
  const enc = new TextEncoder();
  const names = Array.from({ length: FILES }, (_, i) => `huge/blob_${String(i).padStart(2, "0")}.bin`);
  const distInfo = "huge-1.0.dist-info";
  const meta = [
    { name: "huge/__init__.py", data: enc.encode("") },
    { name: `${distInfo}/METADATA`, data: enc.encode("Metadata-Version: 2.1\nName: huge\nVersion: 1.0\n") },
    {
      name: `${distInfo}/WHEEL`,
      data: enc.encode("Wheel-Version: 1.0\nGenerator: e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    },
  ];
  const record =
    names.map((n) => `${n},${hash},${FILE_BYTES}\n`).join("") +
    meta.map((m) => `${m.name},${recordHash(m.data)},${m.data.length}\n`).join("") +
    `${distInfo}/RECORD,,\n`;
  const bytes = writeTestZip([
    ...names.map((name) => ({ name, data: zeros, method: 8, compressedData: compressed, crc32: crc })),
    ...meta,
    { name: `${distInfo}/RECORD`, data: enc.encode(record) },
  ]);
  return {
    filename: "huge-1.0-py3-none-any.whl",
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

let server: RunningIndexServer;
let outDir: string;
let hugeDir: string;
let cache: string;
let before: Record<string, string>;

const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(listTree(dir).map((p) => [p, sha256File(join(dir, p))]));

beforeAll(async () => {
  requireBuiltCli();
  const demo = demoProject();
  const huge = hugeWheel();
  expect(huge.bytes.length).toBeLessThan(2_000_000);
  server = await startIndexServer({ files: serverFiles([...demo.wheels, huge]) });
  cache = tempDir("tspack-limit-cache-");

  // A good build first: its artifacts must survive the failed one.
  const good = tempDir("tspack-limit-good-");
  writeTree(good, demo.files);
  outDir = join(tempDir("tspack-limit-out-"), "lambda");
  const ok = await runCliAsync([
    "build",
    good,
    "--out",
    outDir,
    "--cache-dir",
    cache,
    "--mirror",
    mirrorArg(server.url),
  ]);
  expect([ok.status, ok.stderr]).toEqual([0, ""]);
  before = snapshot(outDir);

  hugeDir = tempDir("tspack-limit-huge-");
  writeTree(hugeDir, {
    "pyproject.toml": pyprojectText("too-big", ["huge", "alpha"]),
    "uv.lock": lockText({
      roots: [{ name: "too-big", version: "0.1.0", deps: ["alpha", "huge"] }],
      packages: [
        { name: "alpha", version: "1.0.0", wheel: demo.wheels[0]! },
        { name: "huge", version: "1.0", wheel: huge },
      ],
    }),
    "handler.py": "def handler(event, context):\n    return 1\n",
  });
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("Lambda's unzipped size limit", () => {
  it("fails with TSPACK_SIZE_LIMIT, a lower bound and a largest-packages table, before inflating anything; exit 1", async () => {
    const r = await runCliAsync([
      "build",
      hugeDir,
      "--out",
      outDir,
      "--cache-dir",
      cache,
      "--mirror",
      mirrorArg(server.url),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    // From the central directories (the new wheel is not CRC-checked yet): 27 × 10 MB of zeros +
    // METADATA/WHEEL (the RECORD tspack writes counts 0 here), alpha, and handler.py.
    expect(r.stderr).toBe(
      [
        "error[TSPACK_SIZE_LIMIT]: The function unzips to at least 270001672 bytes (from the wheels' central directories, before inflating anything), over Lambda's 262144000-byte limit (function + layers). Largest packages:",
        "  huge 1.0                                    270000120 unzipped       267609 wheel",
        "  alpha 1.0.0                                      1510 unzipped         1276 wheel",
        "  (project code)                                     42 unzipped            0 wheel",
        "  hint: Lambda counts the function and all its layers together: use a container image (--layout dir, up to 10 GB), drop unused extras/groups, or prune packages with --prune",
        "",
      ].join("\n"),
    );
    expect(270001672).toBeGreaterThan(LIMIT);
    // Nothing was inflated: the new wheel was not CRC-checked.
    const huge = hugeWheel();
    expect(existsSync(join(cache, "checked-v2", huge.sha256.slice(0, 2), huge.sha256))).toBe(false);
  });

  it("a wheel checked before (no inflating to do) fails after planning, with the exact total", async () => {
    const huge = hugeWheel();
    const marker = join(cache, "checked-v2", huge.sha256.slice(0, 2), huge.sha256);
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, "");
    try {
      const r = await runCliAsync(["build", hugeDir, "--out", outDir, "--cache-dir", cache, "--offline"]);
      expect(r.status).toBe(1);
      // Every size is deterministic: 27 × 10 MB of zeros + RECORD/METADATA/WHEEL, alpha, and handler.py.
      expect(r.stderr).toBe(
        [
          "error[TSPACK_SIZE_LIMIT]: The function unzips to 270004425 bytes, over Lambda's 262144000-byte limit (function + layers). Largest packages:",
          "  huge 1.0                                    270002458 unzipped       267609 wheel",
          "  alpha 1.0.0                                      1925 unzipped         1276 wheel",
          "  (project code)                                     42 unzipped            0 wheel",
          "  hint: Lambda counts the function and all its layers together: use a container image (--layout dir, up to 10 GB), drop unused extras/groups, or prune packages with --prune",
          "",
        ].join("\n"),
      );
    } finally {
      rmSync(marker);
    }
  });

  it("--json: the error as JSON with the per-package sizes", async () => {
    const r = await runCliAsync(["build", hugeDir, "--out", outDir, "--cache-dir", cache, "--offline", "--json"]);
    expect(r.status).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("TSPACK_SIZE_LIMIT");
    const huge = error.details.packages.find((p: { name: string }) => p.name === "huge");
    expect(huge).toMatchObject({ name: "huge", version: "1.0", files: FILES + 4 });
    expect(huge.unzippedBytes).toBeGreaterThanOrEqual(FILES * FILE_BYTES);
  });

  it("leaves the output folder exactly as it was, and no staging folders next to it", () => {
    expect(snapshot(outDir)).toEqual(before);
    expect(readdirSync(dirname(outDir))).toEqual(["lambda"]);
  });
});
