/**
 * A closed pipe ends tspack's output quietly, as git and uv do: `tspack plan | head -1` exits 0 with
 * nothing on stderr but what the command always prints there, 20 times in a row, for plan, plan --json,
 * export, tags and `cache dir` (the project has 1,500 packages, so plan and export write far more than a
 * pipe holds and the reader surely goes away mid-output). A reader gone before the first byte, or during
 * a build's progress on stderr, stops the command the same way, and a build stopped like that leaves no
 * output folder and no staging leftovers. Any other failure to write stdout (`> /dev/full`) is
 * TSPACK_IO with exit 1. Never a stack trace.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import type { MadeWheel } from "../helpers/make-wheel.js";
import {
  CLI,
  type CliRun,
  cleanupTemps,
  demoProject,
  lockText,
  mirrorArg,
  pyprojectText,
  REPO_ROOT,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const PACKAGES = 1500;
const RUNS = 20;

let big: string;
let cacheDir: string;
let env: Record<string, string | undefined>;
let server: RunningIndexServer;
let demoDir: string;

/** Runs the CLI the way a shell pipeline does: `tspack ARGS | head -1`; the status is tspack's. */
async function throughHead(args: string[]): Promise<CliRun> {
  const child = spawn("bash", ["-c", '"$0" "$@" | head -1; exit "$PIPESTATUS"', process.execPath, CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return collect(child);
}

function collect(child: ReturnType<typeof spawn>): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr })));
}

/** Timings aside, what a run prints on stderr. */
const normal = (stderr: string): string => stderr.replace(/"ms":[0-9.e-]+/g, '"ms":0');

function expectNoTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(stderr).not.toMatch(/EPIPE|node:internal|Unhandled/);
}

beforeAll(async () => {
  requireBuiltCli();
  // 1,500 packages: plan's table, plan --json and export are each far larger than a pipe's 64 KiB buffer.
  const packages = Array.from({ length: PACKAGES }, (_, i) => {
    const name = `pkg-${String(i).padStart(4, "0")}`;
    const wheel: MadeWheel = {
      filename: `${name.replace(/-/g, "_")}-1.0-py3-none-any.whl`,
      bytes: new Uint8Array(1000 + i),
      sha256: i.toString(16).padStart(64, "0"),
    };
    return { name, version: "1.0", wheel };
  });
  big = tempDir("tspack-pipe-big-");
  writeTree(big, {
    "pyproject.toml": pyprojectText(
      "big-app",
      packages.map((p) => p.name),
    ),
    "uv.lock": lockText({
      roots: [{ name: "big-app", version: "0.1.0", deps: packages.map((p) => p.name) }],
      packages,
    }),
  });
  cacheDir = join(tempDir("tspack-pipe-cache-"), "cache");
  env = { TSPACK_CACHE_DIR: cacheDir, TSPACK_OFFLINE: undefined, XDG_CACHE_HOME: undefined };
  const demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  demoDir = tempDir("tspack-pipe-demo-");
  writeTree(demoDir, demo.files);
});

afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("`tspack … | head -1` exits 0 and prints nothing more on stderr, 20 times in a row", () => {
  const commands: Array<[string, () => string[]]> = [
    ["plan", () => ["plan", big]],
    ["plan --json", () => ["plan", big, "--json"]],
    ["export", () => ["export", big]],
    ["tags", () => ["tags"]],
    ["cache dir", () => ["cache", "dir"]],
  ];

  it("plan, plan --json, export, tags, cache dir", { timeout: 240_000 }, async () => {
    await Promise.all(
      commands.map(async ([name, args]) => {
        const whole = await runCliAsync(args(), { env });
        expect(whole.status, `${name}: ${whole.stderr}`).toBe(0);
        if (name !== "tags" && name !== "cache dir") expect(whole.stdout.length).toBeGreaterThan(64 * 1024); // a pipe holds 64 KiB
        const first = `${whole.stdout.split("\n")[0]}\n`;
        for (let i = 0; i < RUNS; i++) {
          const r = await throughHead(args());
          expect([name, i, r.status, r.stdout]).toEqual([name, i, 0, first]);
          // what the command always prints on stderr (tags' count, --json's events), nothing more
          expect(normal(r.stderr)).toBe(normal(whole.stderr));
          expectNoTrace(r.stderr);
        }
      }),
    );
  });
});

describe("a reader gone before the first byte", () => {
  it.each([
    ["plan", () => ["plan", big]],
    ["plan --json", () => ["plan", big, "--json"]],
    ["export", () => ["export", big]],
  ])("%s: exit 0, stderr as usual", async (_name, args) => {
    const whole = await runCliAsync(args(), { env });
    const child = spawn(process.execPath, [CLI, ...args()], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    child.stdout.destroy(); // the read end closes: the CLI's first write fails with EPIPE
    const r = await collect(child);
    expect(r.status).toBe(0);
    expect(normal(r.stderr)).toBe(normal(whole.stderr));
  });
});

describe("a build whose reader goes away during its progress on stderr", () => {
  const buildArgs = (out: string) => [
    "build",
    demoDir,
    "--out",
    out,
    "--cache-dir",
    join(tempDir("tspack-pipe-bc-"), "cache"),
    "--mirror",
    mirrorArg(server.url),
    "-v",
  ];
  const leftovers = (out: string): string[] => readdirSync(dirname(out)).filter((n) => n.includes(".tspack-"));

  it("stops at once when the reader is gone from the start: exit 0, no output folder, no staging leftovers", async () => {
    for (let i = 0; i < 3; i++) {
      const out = join(tempDir("tspack-pipe-out-"), "dist");
      const child = spawn(process.execPath, [CLI, ...buildArgs(out)], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
      });
      child.stdout.destroy();
      child.stderr.destroy();
      const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
      expect(status).toBe(0);
      expect(existsSync(out)).toBe(false);
      expect(leftovers(out)).toEqual([]);
    }
  });

  it("`tspack build -v 2>&1 | head -1`: exit 0; the output folder is complete or absent, never half-written", async () => {
    for (let i = 0; i < 5; i++) {
      const out = join(tempDir("tspack-pipe-out-"), "dist");
      const r = await collect(
        spawn(
          "bash",
          ["-c", '"$0" "$@" 2>&1 | head -1; exit "$PIPESTATUS"', process.execPath, CLI, ...buildArgs(out)],
          {
            cwd: REPO_ROOT,
            env: { ...process.env, NO_COLOR: "1", ...env },
          },
        ),
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toBe("");
      expect(leftovers(out)).toEqual([]);
      if (existsSync(out)) expect(readdirSync(out).sort()).toEqual(["build.json", "function.zip"]);
    }
  });
});

describe("> /dev/full: TSPACK_IO, exit 1", () => {
  it.each([
    ["plan", () => ["plan", big]],
    ["plan --json", () => ["plan", big, "--json"]],
    ["export", () => ["export", big]],
    ["tags", () => ["tags"]],
    ["cache dir", () => ["cache", "dir"]],
  ])("%s", async (_name, args) => {
    const full = openSync("/dev/full", "w");
    try {
      const child = spawn(process.execPath, [CLI, ...args()], {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: "1", ...env },
        stdio: ["ignore", full, "pipe"],
      });
      const r = await collect(child);
      expect(r.status).toBe(1);
      const lines = r.stderr.trimEnd().split("\n");
      const at = lines.findIndex((l) => l.startsWith("error["));
      expect(lines.slice(at)).toEqual([
        "error[TSPACK_IO]: Standard output cannot be written: no space left on device (ENOSPC)",
        "  hint: The file system standard output is redirected to is full: free space there, or redirect the output to another file system.",
      ]);
      expectNoTrace(r.stderr);
    } finally {
      closeSync(full);
    }
  });
});
