/**
 * Zip bombs against the built CLI, each run in a child process that reports its peak RSS (getrusage's
 * maxRSS, written at exit by a `--require`d hook): 1.5 GiB of zeros in a 1.5 MB wheel (`build` refuses
 * it from the central directory before inflating anything; `install` streams it to disk), an entry over
 * 2 GiB with a bad CRC, a 1 GiB RECORD, and a central directory that declares less than its entry
 * inflates to. Every error names the wheel and the entry; memory stays far below 1 GB. The wheels are
 * made without ever holding the zeros (test/helpers/make-wheel.ts `zeroStream`); every temp folder is
 * removed after each test (the 1.5 GiB install included).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { type MadeWheel, makeWheel, recordHash, type ZeroStream, zeroStream } from "../helpers/make-wheel.js";
import {
  type CliRun,
  cleanupTemps,
  lockText,
  mirrorArg,
  pyprojectText,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const GiB = 1024 ** 3;
const MB = 1_000_000;
/** The bound the issue sets for every bomb. */
const RSS_LIMIT = 1000 * MB;

/**
 * `name` 1.0 with `<name>/zeros.bin` from `z` (its declared size and CRC possibly lie) and a small
 * module; RECORD lists the zeros with `recordHash` and the declared size.
 */
function zerosWheel(
  name: string,
  z: ZeroStream,
  opts: { declared?: number; crc32?: number; recordHash: string },
): MadeWheel {
  return makeWheel({
    name,
    version: "1.0",
    files: { [`${name}/__init__.py`]: "x = 1\n" },
    rawEntries: [
      {
        name: `${name}/zeros.bin`,
        compressedData: z.compressed,
        crc32: opts.crc32 ?? z.crc32,
        uncompressedSize: opts.declared ?? z.size,
        record: { hash: opts.recordHash, size: opts.declared ?? z.size },
      },
    ],
  });
}

/** sha256 (RECORD form) of 1.5 GiB and 2 GiB + 4 KiB of zeros, computed once with Python's hashlib. */
const ZEROS_15_HASH = "sha256=t6HKBcrp7vvy3u6JX0-zTI2P_F1mZZgkJOCycRx57R0";
const ZEROS_2_HASH = "sha256=1wIjGpek50LnR70_3IHY0bYEN4Zg1fw4k0uGXKKp1tE";

const zeros15 = zeroStream(1.5 * GiB);
const big = zeroStream(2 * GiB + 4096);
const record = zeroStream(GiB);
const wheels = {
  /** 1.5 GiB of zeros, all honest. */
  zeros: zerosWheel("zeros", zeros15, { recordHash: ZEROS_15_HASH }),
  /** An entry over 2 GiB whose CRC-32 is wrong: found only after inflating all of it. */
  bigentry: zerosWheel("bigentry", big, { crc32: 1, recordHash: ZEROS_2_HASH }),
  /** A 1 GiB RECORD (zeros). */
  fatrecord: makeWheel({
    name: "fatrecord",
    version: "1.0",
    files: { "fatrecord/__init__.py": "" },
    record: "none",
    rawEntries: [
      {
        name: "fatrecord-1.0.dist-info/RECORD",
        compressedData: record.compressed,
        crc32: record.crc32,
        uncompressedSize: record.size,
      },
    ],
  }),
  /** 1 GiB of zeros declared as 1000 bytes. */
  liar: zerosWheel("liar", record, { declared: 1000, recordHash: recordHash(new Uint8Array(1000)) }),
};

let server: RunningIndexServer;

/** Preloaded into the CLI's process: writes its peak RSS (KiB) where the test says, at exit. */
const RSS_HOOK =
  'process.on("exit", () => require("node:fs").writeFileSync(process.env.TSPACK_TEST_RSS_OUT, String(process.resourceUsage().maxRSS)));\n';

/** A project whose only dependency is `wheel` (package `name` 1.0), and a cache folder of its own. */
function project(name: keyof typeof wheels): { dir: string; cache: string } {
  const dir = tempDir(`tspack-bomb-${name}-`);
  writeTree(dir, {
    "pyproject.toml": pyprojectText("app", [name]),
    "uv.lock": lockText({
      roots: [{ name: "app", version: "0.1.0", deps: [name] }],
      packages: [{ name, version: "1.0", wheel: wheels[name] }],
    }),
    "handler.py": "def handler(event, context):\n    return 1\n",
  });
  return { dir, cache: join(dir, ".cache") };
}

/** The `error[…]` line of a run's stderr (RECORD warnings may come before it). */
const errorLine = (stderr: string): string | undefined => stderr.split("\n").find((l) => l.startsWith("error["));

/** Runs the CLI; `rss` is its peak resident set in bytes, `ms` the wall time. */
async function run(args: string[], cache: string): Promise<CliRun & { rss: number; ms: number }> {
  const rssDir = tempDir("tspack-bomb-rss-");
  const out = join(rssDir, "rss");
  const hook = join(rssDir, "rss.cjs");
  writeFileSync(hook, RSS_HOOK);
  const started = performance.now();
  const r = await runCliAsync([...args, "--cache-dir", cache, "--mirror", mirrorArg(server.url)], {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${hook}`.trim(),
      TSPACK_TEST_RSS_OUT: out,
    },
  });
  const ms = performance.now() - started;
  const rss = Number(readFileSync(out, "utf8")) * 1024; // getrusage reports KiB
  if (process.env.TSPACK_TEST_REPORT_RSS)
    console.log(`${args[0]} ${args.slice(2).join(" ")}: ${Math.round(rss / MB)} MB, ${Math.round(ms)} ms`);
  return { ...r, rss, ms };
}

beforeAll(async () => {
  requireBuiltCli();
  expect(zeros15.crc32).toBe(0x400ae278); // the size the hash constant was computed for
  for (const w of Object.values(wheels)) expect(w.bytes.length).toBeLessThan(2.5 * MB);
  server = await startIndexServer({ files: serverFiles(Object.values(wheels)) });
});
afterEach(() => cleanupTemps()); // the 1.5 GiB trees go at once
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("zip bombs: bounded memory, errors that name the wheel and the entry", () => {
  it("build refuses 1.5 GiB of zeros (a 1.5 MB wheel) from the central directory: nothing inflated", async () => {
    const { dir, cache } = project("zeros");
    const r = await run(["build", dir], cache);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[TSPACK_SIZE_LIMIT\]: The function unzips to at least 161061\d{4} bytes \(from the wheels' central directories, before inflating anything\), over Lambda's 262144000-byte limit/,
    );
    expect(r.stderr).toMatch(/\n {2}zeros 1\.0 +161061\d{4} unzipped +\d+ wheel\n/);
    // Nothing was CRC-checked (inflated) or planned; the time and memory of reading a 1.5 MB file.
    expect(existsSync(join(cache, "checked-v2"))).toBe(false);
    expect(existsSync(join(cache, "memo-v1", "install"))).toBe(false);
    expect(r.rss).toBeLessThan(300 * MB);
    expect(r.ms).toBeLessThan(15_000);
  });

  it("install --target streams the 1.5 GiB to disk under 1 GB of RSS", async () => {
    const { dir, cache } = project("zeros");
    const target = join(dir, "target");
    const r = await run(["install", dir, "--target", target], cache);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^Installed 1 packages \(7 files, 1\.5 GiB\) for cp313 x86_64 manylinux_2_17 into /);
    expect(statSync(join(target, "zeros", "zeros.bin")).size).toBe(1.5 * GiB);
    expect(r.rss).toBeLessThan(RSS_LIMIT);
  });

  it("an entry over 2 GiB with a bad CRC: TSPACK_ZIP_INVALID naming the wheel and the entry, no RangeError", async () => {
    const { dir, cache } = project("bigentry");
    const target = join(dir, "target");
    const r = await run(["install", dir, "--target", target], cache);
    expect(r.status).toBe(1);
    expect(errorLine(r.stderr)).toBe(
      'error[TSPACK_ZIP_INVALID]: "bigentry-1.0-py3-none-any.whl": entry "bigentry/zeros.bin": CRC-32 is 0x5c7b2279, expected 0x00000001',
    );
    expect(r.stderr).not.toMatch(/RangeError|ERR_BUFFER_TOO_LARGE|typed array|TSPACK_INTERNAL/);
    expect(existsSync(target)).toBe(false);
    expect(r.rss).toBeLessThan(RSS_LIMIT);
  });

  it("a 1 GiB RECORD: TSPACK_WHEEL_INVALID naming the wheel and the file, from install and build", async () => {
    const { dir, cache } = project("fatrecord");
    for (const args of [
      ["install", dir, "--target", join(dir, "target")],
      ["build", dir],
      ["build", dir, "--layout", "dir"],
    ]) {
      const r = await run(args, cache);
      expect(r.status).toBe(1);
      expect(errorLine(r.stderr)).toBe(
        'error[TSPACK_WHEEL_INVALID]: The wheel "fatrecord-1.0-py3-none-any.whl" is invalid: "fatrecord-1.0.dist-info/RECORD" is 1073741824 bytes, more than the 33554432 bytes tspack reads for a metadata file',
      );
      expect(r.rss).toBeLessThan(300 * MB);
    }
  });

  it("a central directory declaring 1000 bytes for 1 GiB: stopped at the declared size (TSPACK_ZIP_INVALID)", async () => {
    const { dir, cache } = project("liar");
    for (const args of [
      ["install", dir, "--target", join(dir, "target")],
      ["build", dir],
    ]) {
      const r = await run(args, cache);
      expect(r.status).toBe(1);
      expect(errorLine(r.stderr)).toBe(
        'error[TSPACK_ZIP_INVALID]: "liar-1.0-py3-none-any.whl": entry "liar/zeros.bin": inflates to more than its declared 1000 bytes (zip bomb?)',
      );
      expect(r.rss).toBeLessThan(300 * MB);
    }
  });
});
