/**
 * The library's public stages classify what they throw the same way the CLI does: a file-system failure
 * is TSPACK_IO naming the folder the caller gave (never tspack's staging folder), a DNS failure is
 * TSPACK_NETWORK after the configured retries, a bug TSPACK_INTERNAL; TspackErrors pass unchanged.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isTspackError, type TspackError } from "@tspack/errors";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import type { TspackEvent } from "../src/events.js";
import { exportRequirements } from "../src/export.js";
import { fetchWheels } from "../src/fetch.js";
import { install } from "../src/install.js";
import { plan } from "../src/plan.js";
import { APP_PYPROJECT, idna, removeTemps, tempDir, virtualAppProject, writeFiles } from "./fixtures/local-project.js";

afterAll(removeTemps);

async function errorOf(p: Promise<unknown>): Promise<TspackError> {
  try {
    await p;
  } catch (e) {
    if (isTspackError(e)) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("public stages: file-system errors are TSPACK_IO naming the caller's path", () => {
  it("build: outDir under a file (ENOTDIR), and under a read-only mount (EROFS, root only)", async () => {
    const { dir, cacheDir } = virtualAppProject();
    writeFileSync(join(dir, "notes.txt"), "a user's file\n");
    const out = join(dir, "notes.txt", "out");
    const e = await errorOf(build({ projectDir: dir, cacheDir, outDir: out }));
    expect([e.code, e.message]).toEqual([
      "TSPACK_IO",
      `The output folder "${out}" cannot be read: a part of the path is a file, not a folder (ENOTDIR)`,
    ]);
    expect(e.details).toMatchObject({ path: out, option: "--out", errno: "ENOTDIR", syscall: "scandir" });
  });

  it.skipIf(process.getuid?.() !== 0)(
    "build and install on a read-only mount: EROFS naming outDir / dest",
    async () => {
      const { dir, cacheDir } = virtualAppProject();
      const mnt = tempDir();
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", mnt]);
      try {
        const out = join(mnt, "dist");
        const e = await errorOf(build({ projectDir: dir, cacheDir, outDir: out }));
        expect([e.code, e.message]).toEqual([
          "TSPACK_IO",
          `The output folder "${out}" cannot be written: read-only file system (EROFS)`,
        ]);
        expect(e.hint).toBe(
          `"${out}" is on a read-only file system: choose a writable folder with --out, or mount it read-write.`,
        );
        const dest = join(mnt, "t");
        const i = await errorOf(install({ projectDir: dir, cacheDir, dest, scheme: "target" }));
        expect([i.code, i.message]).toEqual([
          "TSPACK_IO",
          `The target folder "${dest}" cannot be written: read-only file system (EROFS)`,
        ]);
        expect(readdirSync(mnt)).toEqual([]);
      } finally {
        execFileSync("umount", [mnt]);
      }
    },
  );

  it("install: dest under a file (ENOTDIR) names the target folder; the cache under a file names the cache", async () => {
    const { dir, cacheDir } = virtualAppProject();
    writeFileSync(join(dir, "file"), "x");
    const dest = join(dir, "file", "t");
    const e = await errorOf(install({ projectDir: dir, cacheDir, dest, scheme: "prefix" }));
    expect(e.code).toBe("TSPACK_IO");
    expect(e.message).toMatch(
      new RegExp(`^The prefix folder "${dest}" cannot be written: a part of the path is a file`),
    );
    expect(e.hint).toContain("--prefix");
    const badCache = join(dir, "file", "cache");
    const c = await errorOf(install({ projectDir: dir, cacheDir: badCache, dest: join(dir, "t"), scheme: "target" }));
    expect(c.code).toBe("TSPACK_IO");
    expect(c.message).toMatch(new RegExp(`^The cache "${badCache}" cannot be written: a part of the path is a file`));
    expect(existsSync(join(dir, "t"))).toBe(false);
  });
});

describe("public stages: network errors are TSPACK_NETWORK after the retries", () => {
  it("fetchWheels: a lock URL whose host does not resolve, retried as configured", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "pyproject.toml": APP_PYPROJECT,
      "uv.lock": [
        'version = 1\nrevision = 3\nrequires-python = ">=3.13"\n',
        `[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "idna" },\n]\n`,
        `[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://nonexistent.invalid/simple" }\nwheels = [\n    { url = "https://nonexistent.invalid/files/${idna.filename}", hash = "sha256:${idna.sha256}", size = ${idna.bytes.length} },\n]\n`,
      ].join("\n"),
    });
    const events: TspackEvent[] = [];
    const e = await errorOf(
      fetchWheels({
        projectDir: dir,
        cacheDir: join(dir, "cache"),
        retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
        onEvent: (ev) => events.push(ev),
      }),
    );
    expect(e.code).toBe("TSPACK_NETWORK");
    expect(e.message).toMatch(/failed after 3 attempts: the host name does not resolve \(getaddrinfo /);
    expect(events.filter((ev) => ev.type === "fetch:retry").map((ev) => "attempt" in ev && ev.attempt)).toEqual([1, 2]);
  });
});

describe("public stages: TspackErrors pass unchanged", () => {
  it("plan and exportRequirements keep TSPACK_FILE_NOT_FOUND for a missing lock", async () => {
    const dir = tempDir();
    for (const p of [plan({ projectDir: dir }), exportRequirements({ projectDir: dir })]) {
      const e = await errorOf(p);
      expect([e.code, e.message]).toEqual([
        "TSPACK_FILE_NOT_FOUND",
        `Unable to find lockfile at "${join(dir, "uv.lock")}"`,
      ]);
    }
  });
});
