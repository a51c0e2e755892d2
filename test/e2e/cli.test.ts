/**
 * The built CLI as a user runs it: help, usage errors, `plan --json`, `export` against uv's golden
 * output, `tags`, `fetch` / `--offline` with the loopback server's request counter, and `cache`.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeWheel } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  type DemoProject,
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

/** The environment variables that would change what the CLI does, cleared for every run. */
const CLEAN_ENV = {
  TSPACK_CACHE_DIR: undefined,
  TSPACK_OFFLINE: undefined,
  TSPACK_CONCURRENCY: undefined,
  XDG_CACHE_HOME: undefined,
  SOURCE_DATE_EPOCH: undefined,
};
const cli = (args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) =>
  runCliAsync(args, { ...opts, env: { ...CLEAN_ENV, ...opts.env } });

const COMMANDS = ["build", "plan", "export", "fetch", "install", "pip", "tags", "cache"];
const EXAMPLE = join(REPO_ROOT, "test", "fixtures", "uv-aws-lambda-example");
const GOLDEN_EXPORT = join(
  REPO_ROOT,
  "packages",
  "plan",
  "test",
  "fixtures",
  "export",
  "fastapi-no-dev",
  "expected.txt",
);

let server: RunningIndexServer;
let demo: DemoProject;
let demoDir: string;

beforeAll(async () => {
  requireBuiltCli();
  demo = demoProject();
  server = await startIndexServer({ files: serverFiles(demo.wheels) });
  demoDir = tempDir("tspack-cli-demo-");
  writeTree(demoDir, demo.files);
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

describe("help and version", () => {
  it("`tspack --help` lists every command; `--version` prints the package version", async () => {
    const [help, version] = await Promise.all([cli(["--help"]), cli(["--version"])]);
    expect(help.status).toBe(0);
    const listed = help.stdout
      .split("Commands:\n")[1]!
      .split("\n\n")[0]!
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual([...COMMANDS, "help"]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "tspack", "package.json"), "utf8"));
    expect(version).toEqual({ status: 0, stdout: `tspack ${pkg.version}\n`, stderr: "" });
  });

  it("`tspack --version --json` prints name, version and Node as JSON", async () => {
    const r = await cli(["--version", "--json"]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "tspack", "package.json"), "utf8"));
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({ name: "tspack", version: pkg.version, node: process.version });
  });

  it("every command has --help (= -h = `tspack help CMD`) with its usage and options", async () => {
    const runs = await Promise.all(COMMANDS.flatMap((c) => [cli([c, "--help"]), cli([c, "-h"]), cli(["help", c])]));
    COMMANDS.forEach((c, i) => {
      const [long, short, viaHelp] = runs.slice(i * 3, i * 3 + 3);
      expect(long!.status, c).toBe(0);
      expect(long!.stderr).toBe("");
      expect(long!.stdout).toContain(`\nUsage: tspack ${c}`);
      expect(long!.stdout).toMatch(/\n {2}-h, --help +Show this help\n/);
      expect(short!.stdout).toBe(long!.stdout);
      expect(viaHelp!.stdout).toBe(long!.stdout);
    });
  });
});

describe("usage errors exit 2 with a hint", () => {
  it.each([
    [
      ["build", "--concurrenc", "3"],
      'Unknown option "--concurrenc" for `tspack build`',
      "Did you mean `--concurrency`?",
    ],
    [["plan", "--runtim", "python3.13"], 'Unknown option "--runtim" for `tspack plan`', "Did you mean `--runtime`?"],
    [["export", "--no-hash"], 'Unknown option "--no-hash" for `tspack export`', "Did you mean `--no-hashes`?"],
    [["fetch", "--ofline"], 'Unknown option "--ofline" for `tspack fetch`', "Did you mean `--offline`?"],
    [["biuld"], 'Unknown command "biuld"', "Did you mean `tspack build`?"],
  ])("tspack %j", async (args, message, hint) => {
    const r = await cli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const [first, second] = r.stderr.split("\n");
    expect(first).toBe(`error[TSPACK_USAGE]: ${message}`);
    expect(second).toContain(`hint: ${hint}`);
  });

  it("with --json the usage error is JSON on stdout", async () => {
    const r = await cli(["plan", "--json", "--bogus"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: "TSPACK_USAGE",
        message: 'Unknown option "--bogus" for `tspack plan`',
        hint: "Run `tspack plan --help` for all options.",
      },
    });
  });
});

describe("tspack plan --json", () => {
  let missingDir: string;
  beforeAll(() => {
    // Only a manylinux_2_28 wheel: not loadable on the default manylinux2014 target, fine on python3.13.
    const fast = makeWheel({
      name: "fastlib",
      version: "2.0",
      tags: "cp313-cp313-manylinux_2_28_x86_64",
      files: { "fastlib/__init__.py": "" },
    });
    const pure = makeWheel({ name: "purelib", version: "1.0", files: { "purelib/__init__.py": "" } });
    missingDir = tempDir("tspack-cli-missing-");
    writeTree(missingDir, {
      "pyproject.toml": pyprojectText("needs-glibc-2-28", ["fastlib", "purelib"]),
      "uv.lock": lockText({
        roots: [{ name: "needs-glibc-2-28", version: "0.1.0", deps: ["fastlib", "purelib"] }],
        packages: [
          { name: "fastlib", version: "2.0", wheel: fast },
          { name: "purelib", version: "1.0", wheel: pure },
        ],
      }),
    });
  });

  it("shape: target, packages (name, version, source, wheel, reason), missing, skipped, warnings", async () => {
    const r = await cli(["plan", demoDir, "--json"]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(Object.keys(plan)).toEqual(["target", "packages", "missing", "skipped", "warnings"]);
    expect(plan.target).toEqual({
      implementation: "cpython",
      python: "3.13",
      pythonFullVersion: "3.13.0",
      abi: "cp313",
      arch: "x86_64",
      glibc: "2.34", // [tool.tspack] runtime = "python3.13"
      platformTag: "manylinux_2_34_x86_64",
      freeThreaded: false,
    });
    expect(plan.packages.map((p: { name: string }) => p.name)).toEqual(["alpha", "beta-utils", "gamma-pkg"]);
    const w = demo.wheels[0]!;
    expect(plan.packages[0]).toEqual({
      name: "alpha",
      version: "1.0.0",
      source: { kind: "registry", url: "https://pypi.example.invalid/simple" },
      wheel: {
        filename: w.filename,
        url: `https://pypi.example.invalid/files/${w.filename}`,
        hash: `sha256:${w.sha256}`,
        size: w.bytes.length,
      },
      reason: null,
    });
    expect([plan.missing, plan.skipped, plan.warnings]).toEqual([0, [], []]);
    // --json progress goes to stderr as JSON lines, never mixed into stdout.
    for (const line of r.stderr.trim().split("\n")) expect(JSON.parse(line)).toHaveProperty("event");
  });

  it("a package with only a manylinux_2_28 wheel: exit 1, the reason names the nearest miss and --runtime python3.13", async () => {
    const r = await cli(["plan", missingDir, "--json"]);
    expect(r.status).toBe(1);
    const plan = JSON.parse(r.stdout);
    expect(plan.target.platformTag).toBe("manylinux_2_17_x86_64");
    expect(plan.missing).toBe(1);
    const fast = plan.packages.find((p: { name: string }) => p.name === "fastlib");
    expect(fast.wheel).toBeNull();
    expect(fast.reason).toContain("manylinux_2_28_x86_64");
    expect(fast.reason).toContain(
      "fastlib 2.0 has wheels for manylinux_2_28_x86_64 but the target allows up to manylinux_2_17",
    );
    expect(fast.reason).toContain("`--runtime python3.13`");
    expect(plan.packages.find((p: { name: string }) => p.name === "purelib").wheel).not.toBeNull();
  });

  it("the human report lists the miss and also exits 1; --runtime python3.13 plans it (exit 0)", async () => {
    const [human, fixed] = await Promise.all([
      cli(["plan", missingDir]),
      cli(["plan", missingDir, "--runtime", "python3.13", "--json"]),
    ]);
    expect(human.status).toBe(1);
    expect(human.stdout).toContain("1 package(s) have no compatible wheel:\n  fastlib 2.0: ");
    expect(fixed.status).toBe(0);
    const plan = JSON.parse(fixed.stdout);
    expect(plan.packages.map((p: { wheel: { filename: string } }) => p.wheel.filename)).toEqual([
      "fastlib-2.0-cp313-cp313-manylinux_2_28_x86_64.whl",
      "purelib-1.0-py3-none-any.whl",
    ]);
  });
});

describe("tspack export on the real uv.lock of the FastAPI + Mangum example", () => {
  const golden = readFileSync(GOLDEN_EXPORT, "utf8");

  it("run in the project: byte-identical to the golden export (uv's text, header naming tspack)", async () => {
    const r = await cli(["export", "--frozen", "--no-dev"], { cwd: EXAMPLE });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(golden);
    expect(r.stdout.split("\n").slice(0, 2)).toEqual([
      "# This file was autogenerated by tspack via the following command:",
      "#    tspack export --frozen --no-dev",
    ]);
  });

  it("with a PROJECT_DIR and -o: the header names tspack and its command line; the rest equals the golden", async () => {
    const outFile = join(tempDir("tspack-cli-export-"), "sub", "requirements.txt");
    const r = await cli(["export", EXAMPLE, "--no-dev", "-o", outFile]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("# This file was autogenerated by tspack via the following command:");
    expect(lines[1]).toBe(`#    tspack export ${EXAMPLE} --no-dev -o ${outFile}`);
    expect(lines.slice(2)).toEqual(golden.split("\n").slice(2));
    expect(readFileSync(outFile, "utf8")).toBe(r.stdout);
  });
});

describe("tspack tags", () => {
  it("--platform aarch64-manylinux2014 prints 103 tags, best first", async () => {
    const r = await cli(["tags", "--platform", "aarch64-manylinux2014"]);
    expect(r.status).toBe(0);
    const tags = r.stdout.trimEnd().split("\n");
    expect(tags).toHaveLength(103);
    expect(new Set(tags).size).toBe(103);
    expect(tags[0]).toBe("cp313-cp313-manylinux_2_17_aarch64");
    expect(tags.at(-1)).toBe("py30-none-any");
    expect(tags.filter((t) => t.includes("x86_64"))).toEqual([]);
    expect(r.stderr).toBe("Compatible tags for cp313 aarch64 manylinux_2_17: 103\n");
  });
});

describe("fetch, --offline and the cache", () => {
  const fetchArgs = (cache: string, ...more: string[]) => ["fetch", demoDir, "--cache-dir", cache, ...more];

  it("fetch downloads each wheel once; then --offline fetch and build make zero requests", async () => {
    const cache = tempDir("tspack-cli-cache-");
    const before = server.totalRequests();
    const first = await cli(fetchArgs(cache, "--mirror", mirrorArg(server.url), "--json"));
    expect(first.status).toBe(0);
    const fetched = JSON.parse(first.stdout);
    expect(fetched.requests).toBe(3);
    expect(fetched.wheels.map((w: { from: string }) => w.from)).toEqual(["network", "network", "network"]);
    expect(server.totalRequests() - before).toBe(3);
    for (const w of demo.wheels) expect(server.count(`/files/${w.filename}`)).toBeGreaterThanOrEqual(1);

    const afterFetch = server.totalRequests();
    const [offline, build] = await Promise.all([
      cli(fetchArgs(cache, "--offline", "--json")),
      cli(["build", demoDir, "--offline", "--cache-dir", cache, "--out", join(tempDir(), "out"), "-q"]),
    ]);
    expect(offline.status).toBe(0);
    const again = JSON.parse(offline.stdout);
    expect(again.requests).toBe(0);
    expect(again.bytesDownloaded).toBe(0);
    expect(again.wheels.map((w: { from: string }) => w.from)).toEqual(["cache", "cache", "cache"]);
    expect([build.status, build.stderr]).toEqual([0, ""]);
    expect(server.totalRequests()).toBe(afterFetch);
  });

  it("--offline on a cold cache fails before any request, naming every missing file", async () => {
    const before = server.totalRequests();
    const r = await cli(fetchArgs(tempDir("tspack-cli-cold-"), "--offline", "--mirror", mirrorArg(server.url)));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        "error[TSPACK_OFFLINE]: 3 files are not in the cache and offline mode forbids downloading:",
        "  - alpha==1.0.0 (https://pypi.example.invalid/files/alpha-1.0.0-py3-none-any.whl)",
        "  - beta-utils==2.1.0 (https://pypi.example.invalid/files/beta_utils-2.1.0-py3-none-any.whl)",
        "  - gamma-pkg==0.3 (https://pypi.example.invalid/files/Gamma_Pkg-0.3-py3-none-any.whl)",
        "  hint: Run once without --offline (TSPACK_OFFLINE) to fill the cache.",
        "",
      ].join("\n"),
    );
    expect(server.totalRequests()).toBe(before);
  });

  it("TSPACK_OFFLINE=1 is the same as --offline", async () => {
    const r = await cli(fetchArgs(tempDir("tspack-cli-cold-")), { env: { TSPACK_OFFLINE: "1" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[TSPACK_OFFLINE\]: 3 files are not in the cache/);
  });

  it("cache dir: --cache-dir, then TSPACK_CACHE_DIR, then XDG_CACHE_HOME/tspack, then ~/.cache/tspack", async () => {
    const runs = await Promise.all([
      cli(["cache", "dir", "--cache-dir", "/tmp/flag-cache"], { env: { TSPACK_CACHE_DIR: "/tmp/env-cache" } }),
      cli(["cache", "dir"], { env: { TSPACK_CACHE_DIR: "/tmp/env-cache", XDG_CACHE_HOME: "/tmp/xdg" } }),
      cli(["cache", "dir"], { env: { XDG_CACHE_HOME: "/tmp/xdg" } }),
      cli(["cache", "dir"]),
      cli(["cache", "dir", "--json", "--cache-dir", "/tmp/flag-cache"]),
    ]);
    expect(runs.map((r) => [r.status, r.stdout])).toEqual([
      [0, "/tmp/flag-cache\n"],
      [0, "/tmp/env-cache\n"],
      [0, "/tmp/xdg/tspack\n"],
      [0, `${join(homedir(), ".cache", "tspack")}\n`],
      [0, `${JSON.stringify({ cacheDir: "/tmp/flag-cache" }, null, 2)}\n`],
    ]);
  });

  it("cache verify: clean cache exit 0; a corrupted entry is reported, removed (exit 1) and fetched again", async () => {
    const cache = tempDir("tspack-cli-verify-");
    expect((await cli(fetchArgs(cache, "--mirror", mirrorArg(server.url), "-q"))).status).toBe(0);
    const ok = await cli(["cache", "verify", "--cache-dir", cache, "--json"]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ cacheDir: cache, checked: 3, bad: [] });

    const victim = demo.wheels[1]!;
    const entry = join(cache, "wheels-v1", "sha256", victim.sha256.slice(0, 2), victim.sha256.slice(2));
    chmodSync(entry, 0o644);
    writeFileSync(entry, new Uint8Array(victim.bytes.length));
    const bad = await cli(["cache", "verify", "--cache-dir", cache]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^Verified 3 entries \(.+\) in .+: 1 bad, removed:\n/);
    const zerosSha = createHash("sha256").update(new Uint8Array(victim.bytes.length)).digest("hex");
    expect(bad.stdout).toContain(
      `\n  wheels-v1/sha256/${victim.sha256.slice(0, 2)}/${victim.sha256.slice(2)}: expected sha256 ${victim.sha256}, found ${zerosSha}\n`,
    );
    expect(existsSync(entry)).toBe(false);

    const again = await cli(["cache", "verify", "--cache-dir", cache, "--json"]);
    expect([again.status, JSON.parse(again.stdout).checked]).toEqual([0, 2]);
    const before = server.totalRequests();
    const refetch = await cli(fetchArgs(cache, "--mirror", mirrorArg(server.url), "--json"));
    expect(JSON.parse(refetch.stdout).wheels.map((w: { from: string }) => w.from)).toEqual([
      "cache",
      "network",
      "cache",
    ]);
    expect(server.totalRequests() - before).toBe(1);
  });

  // build writes `checked-v2/<sha>` markers into the cache (packages/tspack/src/verify-wheels.ts); the
  // bucket is in KNOWN_ROOT_ENTRIES, so `tspack cache prune` keeps it and the next build does not re-inflate.
  it("cache prune keeps the build's checked-v2 markers", async () => {
    const cache = tempDir("tspack-cli-prune-");
    const b = await cli([
      "build",
      demoDir,
      "--cache-dir",
      cache,
      "--mirror",
      mirrorArg(server.url),
      "--out",
      join(tempDir(), "out"),
      "-q",
    ]);
    expect([b.status, b.stderr]).toEqual([0, ""]);
    expect(existsSync(join(cache, "checked-v2"))).toBe(true);
    const r = await cli(["cache", "prune", "--cache-dir", cache, "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).removed).toEqual([]);
    expect(existsSync(join(cache, "checked-v2"))).toBe(true);
  });

  it("cache without a subcommand is a usage error", async () => {
    const r = await cli(["cache"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "error[TSPACK_USAGE]: The cache command needs a subcommand\n  hint: Use one of: tspack cache dir | clean | prune | verify\n",
    );
  });
});
