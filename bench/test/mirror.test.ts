import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseUvLock } from "@tspack/uv-lock";
import { inflateEntry, readZipEntries } from "@tspack/zip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs module without types
import { buildMirror, rewriteLock } from "../mirror/build-mirror.mjs";
// @ts-expect-error plain .mjs module without types
import { makeStandinWheel, parseWheelName } from "../mirror/standin-wheel.mjs";
// @ts-expect-error plain .mjs module without types
import { startMirrorServer } from "../mirror/start-server.mjs";
// @ts-expect-error plain .mjs module without types
import { SCENARIOS } from "../scenarios/catalog.mjs";
// @ts-expect-error plain .mjs module without types
import { renderLock } from "../scenarios/make-locks.mjs";

interface Standin {
  bytes: Buffer;
  sha256: string;
  files: number;
  unpacked: number;
}

const PURE = {
  filename: "fastapi-0.115.6-py3-none-any.whl",
  name: "fastapi",
  size: 94_843,
  files: 52,
  unpacked: 380_000,
};
const PLATFORM = {
  filename: "pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  name: "pydantic-core",
  size: 1_997_025,
  files: 12,
  unpacked: 4_700_000,
};
const DATA = {
  filename: "botocore-1.35.90-py3-none-any.whl",
  name: "botocore",
  size: 1_300_000,
  files: 160,
  unpacked: 2_400_000,
};

function b64url(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Checks the wheel's structure and RECORD; returns its files (name → bytes). */
function readWheel(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of readZipEntries(bytes)) files.set(e.name, Buffer.from(inflateEntry(bytes, e)));
  return files;
}

describe("makeStandinWheel", () => {
  it("gives the same bytes for the same seed and different bytes for another seed", () => {
    const a = makeStandinWheel({ ...PLATFORM, seed: 7 }) as Standin;
    const b = makeStandinWheel({ ...PLATFORM, seed: 7 }) as Standin;
    const c = makeStandinWheel({ ...PLATFORM, seed: 8 }) as Standin;
    expect(a.sha256).toBe(b.sha256);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(c.sha256).not.toBe(a.sha256);
  });

  it.each([
    ["pure", PURE],
    ["platform", PLATFORM],
    ["pure with incompressible data", DATA],
  ])("matches the real wheel's size, file count and unpacked size (%s)", (_kind, spec) => {
    const w = makeStandinWheel({ ...spec, seed: 1 }) as Standin;
    expect(Math.abs(w.bytes.length - spec.size) / spec.size).toBeLessThan(0.03);
    expect(w.files).toBe(spec.files);
    expect(w.unpacked / spec.unpacked).toBeGreaterThan(0.7);
    expect(w.unpacked / spec.unpacked).toBeLessThan(1.4);
    expect(readWheel(w.bytes).size).toBe(spec.files);
  });

  it("writes Python-like text for pure wheels and mostly incompressible .so files for platform wheels", () => {
    const pure = readWheel((makeStandinWheel({ ...PURE, seed: 1 }) as Standin).bytes);
    const py = [...pure.entries()].filter(([n]) => n.endsWith(".py"));
    expect(py.length).toBeGreaterThan(40);
    expect(py.some(([, d]) => /\bdef \w+\(/.test(d.toString("latin1")))).toBe(true);
    const platform = readWheel((makeStandinWheel({ ...PLATFORM, seed: 1 }) as Standin).bytes);
    const so = [...platform.keys()].filter((n) => n.endsWith(".cpython-313-x86_64-linux-gnu.so"));
    expect(so.length).toBeGreaterThanOrEqual(1);
    const soBytes = so.reduce((n, k) => n + platform.get(k)!.length, 0);
    const all = [...platform.values()].reduce((n, d) => n + d.length, 0);
    expect(soBytes / all).toBeGreaterThan(0.5);
  });

  it("is a valid wheel: one dist-info with METADATA, WHEEL and a RECORD that lists every file", () => {
    for (const spec of [PURE, PLATFORM]) {
      const w = makeStandinWheel({ ...spec, seed: 3 }) as Standin;
      const files = readWheel(w.bytes);
      const { dist, version } = parseWheelName(spec.filename);
      const distInfos = new Set([...files.keys()].map((n) => n.split("/")[0]).filter((d) => d!.endsWith(".dist-info")));
      expect([...distInfos]).toEqual([`${dist}-${version}.dist-info`]);
      const metadata = files.get(`${dist}-${version}.dist-info/METADATA`)!.toString("utf8");
      expect(metadata).toContain(`\nName: ${spec.name}\n`);
      expect(metadata).toContain(`\nVersion: ${version}\n`);
      const wheel = files.get(`${dist}-${version}.dist-info/WHEEL`)!.toString("utf8");
      expect(wheel).toContain("Wheel-Version: 1.0\n");
      expect(wheel).toContain(`Root-Is-Purelib: ${spec === PURE}\n`);
      const record = files.get(`${dist}-${version}.dist-info/RECORD`)!.toString("utf8").trim().split("\n");
      expect(record.length).toBe(files.size);
      for (const line of record) {
        const [path, hash, size] = line.split(",");
        const data = files.get(path!);
        expect(data, path).toBeDefined();
        if (path!.endsWith("/RECORD")) {
          expect(`${hash},${size}`).toBe(",");
          continue;
        }
        expect(hash).toBe(`sha256=${b64url(createHash("sha256").update(data!).digest())}`);
        expect(Number(size)).toBe(data!.length);
      }
    }
  });

  it("rejects a filename that is not a wheel name", () => {
    expect(() => parseWheelName("fastapi-0.115.6.tar.gz")).toThrowErrorMatchingInlineSnapshot(
      `[Error: The wheel filename "fastapi-0.115.6.tar.gz" is invalid: expected name-version-py-abi-platform.whl]`,
    );
  });
});

describe("scenario locks", () => {
  it("renders lock files that parse as uv.lock v1", () => {
    for (const s of SCENARIOS.filter((x: { roots?: string[] }) => x.roots)) {
      const text = renderLock(`${s.id}-function`, s.roots);
      const { lock } = parseUvLock(text);
      expect(lock.packages.length).toBeGreaterThan(5);
      // The committed lock is what the generator writes.
      expect(readFileSync(new URL(`../../${s.lock}`, import.meta.url), "utf8")).toBe(text);
    }
  });
});

describe("buildMirror (FastAPI example)", () => {
  let cacheRoot: string;
  // biome-ignore lint/suspicious/noExplicitAny: manifest of a plain .mjs module
  let mirror: any;
  beforeAll(async () => {
    cacheRoot = mkdtempSync(join(tmpdir(), "tspack-bench-mirror-"));
    mirror = await buildMirror(SCENARIOS[0], { seed: 11, cacheRoot });
  });
  afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));

  it("generates the ten wheels the guide's flow installs, close to their real sizes", () => {
    expect(mirror.wheels.map((w: { name: string }) => w.name)).toEqual([
      "annotated-types",
      "anyio",
      "fastapi",
      "idna",
      "mangum",
      "pydantic",
      "pydantic-core",
      "sniffio",
      "starlette",
      "typing-extensions",
    ]);
    for (const w of mirror.wheels) expect(Math.abs(w.bytes - w.realBytes) / w.realBytes).toBeLessThan(0.05);
  });

  it("rewrites the lock: it parses and its hashes and sizes match the generated files", () => {
    const { lock } = parseUvLock(readFileSync(join(mirror.dir, "project", "uv.lock"), "utf8"));
    for (const w of mirror.wheels) {
      const bytes = readFileSync(join(mirror.dir, "www", w.path));
      const entry = lock.packages.find((p) => p.name === w.name)!.wheels.find((x) => x.filename === w.filename)!;
      expect(entry.hash).toEqual({ algorithm: "sha256", digest: createHash("sha256").update(bytes).digest("hex") });
      expect(entry.size).toBe(bytes.length);
    }
    const reqs = readFileSync(join(mirror.dir, "requirements.txt"), "utf8");
    for (const w of mirror.wheels) expect(reqs).toContain(`--hash=sha256:${w.sha256}`);
  });

  it("is cached: a second call returns the same manifest without regenerating", async () => {
    const again = await buildMirror(SCENARIOS[0], { seed: 11, cacheRoot });
    expect(again.dir).toBe(mirror.dir);
    expect(again.wheels).toEqual(mirror.wheels);
  });

  it("serves PEP 503 pages and the files from a child process, with Cache-Control", async () => {
    const server = await startMirrorServer(join(mirror.dir, "www"));
    try {
      expect(server.pid).not.toBe(process.pid);
      const page = await fetch(`${server.url}/simple/fastapi/`);
      expect(page.headers.get("cache-control")).toBe("max-age=600, public");
      const w = mirror.wheels.find((x: { name: string }) => x.name === "fastapi");
      expect(await page.text()).toContain(`href="${w.path}#sha256=${w.sha256}"`);
      const file = await fetch(`${server.url}${w.path}`);
      expect(file.headers.get("cache-control")).toBe("max-age=365000000, immutable, public");
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(w.sha256);
      expect((await fetch(`${server.url}/simple/nope/`)).status).toBe(404);
      expect((await fetch(`${server.url}/../../etc/passwd`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it("rewriteLock fails loudly when a wheel is not in the lock", () => {
    expect(() => rewriteLock("version = 1\n", [{ url: "https://x/y.whl", sha256: "0".repeat(64), bytes: 1 }])).toThrow(
      'The lock has no wheel entry for "https://x/y.whl"',
    );
  });
});
