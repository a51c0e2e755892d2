/**
 * Generated uv projects for the end-to-end tests: wheels made in memory (make-wheel), a uv.lock whose
 * wheel URLs live on a fixed fake host (`https://pypi.example.invalid/`) that `--mirror` rewrites to
 * the loopback index server, and the project's own files. Nothing touches the network.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync as fflateDeflate, unzipSync } from "fflate";
import { type MadeWheel, recordHash, writeTestZip } from "../../helpers/make-wheel.js";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built CLI entry point. */
export const CLI = join(REPO_ROOT, "packages", "tspack", "bin", "tspack.js");
/** The CommonJS bundle the CLI entry point runs (through its code cache). */
export const CLI_BUNDLE = join(REPO_ROOT, "packages", "tspack", "dist", "cli.cjs");
/** The fake host every generated lock points at; tests mirror it to the loopback server. */
export const FAKE_HOST = "https://pypi.example.invalid/";

/** Throws a clear message when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI_BUNDLE)) {
    throw new Error(
      `The tspack CLI is not built (${CLI_BUNDLE} is missing). Run \`node scripts/build.mjs\` (or \`pnpm test\`, which builds first).`,
    );
  }
}

/** A fresh temporary directory (removed by {@link cleanupTemps}). */
const temps: string[] = [];
export function tempDir(prefix = "tspack-e2e-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** One package of a generated lock: a registry package with one wheel. */
export interface LockPackageSpec {
  name: string;
  version: string;
  wheel: MadeWheel;
  /** Names of dependencies (must be in the lock). */
  deps?: string[];
}

/** The project root of a generated lock. */
export interface LockRootSpec {
  name: string;
  version: string;
  /** `virtual` (default, like the uv Lambda guide) or `editable` (a workspace member). */
  source?: { virtual: string } | { editable: string };
  deps: string[];
}

const normalize = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, "-");

/** The lock-relative URL path of a wheel on the fake host (`files/<filename>`). */
export function wheelPath(w: MadeWheel): string {
  return `/files/${w.filename}`;
}

/**
 * Writes a uv.lock (version 1, revision 3) text: the roots (virtual or editable sources, with
 * `[package.metadata] requires-dist`) and registry packages whose single wheel is on {@link FAKE_HOST}.
 */
export function lockText(opts: { roots: LockRootSpec[]; packages: LockPackageSpec[]; members?: string[] }): string {
  let out = 'version = 1\nrevision = 3\nrequires-python = ">=3.13"\n';
  if (opts.members)
    out += `\n[manifest]\nmembers = [\n${[...opts.members]
      .sort()
      .map((m) => `    "${m}",\n`)
      .join("")}]\n`;
  type Entry = { name: string; text: string };
  const entries: Entry[] = [];
  const depsText = (deps: string[] | undefined): string =>
    deps?.length
      ? `dependencies = [\n${[...deps]
          .sort()
          .map((d) => `    { name = "${normalize(d)}" },\n`)
          .join("")}]\n`
      : "";
  for (const r of opts.roots) {
    const src = r.source ?? { virtual: "." };
    const srcText = "virtual" in src ? `{ virtual = "${src.virtual}" }` : `{ editable = "${src.editable}" }`;
    const reqs = [...r.deps].sort().map((d) => `{ name = "${normalize(d)}" }`);
    entries.push({
      name: normalize(r.name),
      text:
        `[[package]]\nname = "${normalize(r.name)}"\nversion = "${r.version}"\nsource = ${srcText}\n${depsText(r.deps)}` +
        `\n[package.metadata]\nrequires-dist = [${reqs.join(", ")}]\n`,
    });
  }
  for (const p of opts.packages) {
    entries.push({
      name: normalize(p.name),
      text:
        `[[package]]\nname = "${normalize(p.name)}"\nversion = "${p.version}"\nsource = { registry = "${FAKE_HOST}simple" }\n${depsText(p.deps)}` +
        `wheels = [\n    { url = "${FAKE_HOST}files/${p.wheel.filename}", hash = "sha256:${p.wheel.sha256}", size = ${p.wheel.bytes.length} },\n]\n`,
    });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${out}${entries.map((e) => `\n${e.text}`).join("")}`;
}

/** File order strategies for {@link writeTree}: the artifact must not depend on them. */
export type WriteOrder = "sorted" | "reversed" | "shuffled";

/** Deterministic shuffle (xorshift32). */
export function shuffle<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Writes `files` (POSIX relative path → content) under `dir`, creating files and directories in the
 * given order: with `reversed`/`shuffled` the directory entries come out of readdir in another order.
 * Decoy directories are created and removed first so inode/dirent slots differ too.
 */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>, order: WriteOrder = "sorted"): void {
  const paths = Object.keys(files).sort();
  const ordered = order === "sorted" ? paths : order === "reversed" ? [...paths].reverse() : shuffle(paths, 11);
  if (order !== "sorted") {
    for (let i = 0; i < 5; i++) mkdirSync(join(dir, `decoy-${i}`, "x"), { recursive: true });
    for (let i = 0; i < 5; i++) rmSync(join(dir, `decoy-${i}`), { recursive: true });
  }
  for (const p of ordered) {
    const abs = join(dir, ...p.split("/"));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, files[p]!);
  }
}

/**
 * A wheel whose deflated entries are made by fflate (pure JS, a pinned version), not node:zlib: its
 * bytes are the same on every Node version, so artifacts built from it can be pinned by sha256.
 */
export function stableWheel(name: string, version: string, files: Record<string, string>): MadeWheel {
  const enc = new TextEncoder();
  const escaped = name.replace(/[-_.]+/g, "_");
  const distInfo = `${escaped}-${version}.dist-info`;
  const entries: Array<{ name: string; data: Uint8Array }> = Object.entries(files).map(([p, c]) => ({
    name: p,
    data: enc.encode(c),
  }));
  entries.push({
    name: `${distInfo}/METADATA`,
    data: enc.encode(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
  });
  entries.push({
    name: `${distInfo}/WHEEL`,
    data: enc.encode("Wheel-Version: 1.0\nGenerator: tspack-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
  });
  const record = `${entries.map((e) => `${e.name},${recordHash(e.data)},${e.data.length}\n`).join("")}${distInfo}/RECORD,,\n`;
  entries.push({ name: `${distInfo}/RECORD`, data: enc.encode(record) });
  const bytes = writeTestZip(
    entries.map((e) => ({ ...e, method: 8, compressedData: fflateDeflate(e.data, { level: 6 }) })),
  );
  return {
    filename: `${escaped}-${version}-py3-none-any.whl`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** The small FastAPI-like demo: three pure wheels (one with a dependency), a virtual root and app/. */
export interface DemoProject {
  wheels: MadeWheel[];
  lock: string;
  files: Record<string, string | Uint8Array>;
}

/** pyproject.toml of a virtual Lambda app (no build system, like the uv guide). */
export function pyprojectText(name: string, deps: string[], extra = ""): string {
  return `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = [\n${deps
    .map((d) => `    "${d}",\n`)
    .join("")}]\n${extra}`;
}

/**
 * The golden demo project: wheels from {@link stableWheel} (bytes independent of Node/zlib), app code,
 * a lock on {@link FAKE_HOST}. Everything here is pinned; changing it changes the golden hashes.
 */
export function demoProject(): DemoProject {
  const alpha = stableWheel("alpha", "1.0.0", {
    "alpha/__init__.py": '"""alpha."""\nfrom .core import VALUE\n',
    "alpha/core.py": `VALUE = 42\n${"# padding to make deflate matter\n".repeat(40)}`,
    "alpha/data/table.txt": "a,b,c\n1,2,3\n",
  });
  const beta = stableWheel("beta-utils", "2.1.0", {
    "beta_utils/__init__.py": "import alpha\n\ndef answer():\n    return alpha.VALUE\n",
  });
  const gamma = stableWheel("Gamma.Pkg", "0.3", {
    "gamma_pkg/__init__.py": "NAME = 'gamma'\n",
    "gamma_pkg/sub/__init__.py": "",
    "gamma_pkg/sub/mod.py": "def f():\n    return 1\n",
  });
  const lock = lockText({
    roots: [{ name: "demo-app", version: "0.1.0", deps: ["beta-utils", "gamma-pkg"] }],
    packages: [
      { name: "alpha", version: "1.0.0", wheel: alpha },
      { name: "beta-utils", version: "2.1.0", wheel: beta, deps: ["alpha"] },
      { name: "gamma-pkg", version: "0.3", wheel: gamma },
    ],
  });
  const files: Record<string, string | Uint8Array> = {
    "pyproject.toml": pyprojectText(
      "demo-app",
      ["beta-utils", "gamma-pkg"],
      '\n[tool.tspack]\nruntime = "python3.13"\nhandler = "app.main.handler"\n',
    ),
    "uv.lock": lock,
    "app/__init__.py": "",
    "app/main.py":
      "import beta_utils\nimport gamma_pkg\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': beta_utils.answer()}\n",
    "app/util/__init__.py": "",
    "app/util/helpers.py": "def helper():\n    return 'help'\n",
    "README.md": "not shipped\n",
    "tests/test_app.py": "def test():\n    pass\n",
  };
  return { wheels: [alpha, beta, gamma], lock, files };
}

/** Served files for the loopback index: every wheel at `/files/<filename>`. */
export function serverFiles(wheels: readonly MadeWheel[]): Record<string, Uint8Array> {
  return Object.fromEntries(wheels.map((w) => [wheelPath(w), w.bytes]));
}

/** The `--mirror` value that sends {@link FAKE_HOST} to the loopback server. */
export function mirrorArg(serverUrl: string): string {
  return `${FAKE_HOST}=${serverUrl}/`;
}

/** Proxy variables are dropped for CLI runs: every request of these tests goes to 127.0.0.1. */
const NO_PROXY_ENV = {
  HTTPS_PROXY: undefined,
  https_proxy: undefined,
  HTTP_PROXY: undefined,
  http_proxy: undefined,
  ALL_PROXY: undefined,
  all_proxy: undefined,
};

/** Result of a CLI run. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI synchronously (no shell unless `shell` is given, e.g. for umask). */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; umask?: string } = {},
): CliRun {
  const env = { ...process.env, ...NO_PROXY_ENV, NO_COLOR: "1", ...opts.env };
  const r =
    opts.umask !== undefined
      ? spawnSync("sh", ["-c", `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, CLI, ...args], {
          cwd: opts.cwd ?? REPO_ROOT,
          env,
          encoding: "utf8",
        })
      : spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Async version of {@link runCli} (the loopback server lives in the test process and must keep serving). */
export async function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; umask?: string; input?: string } = {},
): Promise<CliRun> {
  const { spawn } = await import("node:child_process");
  const env = { ...process.env, ...NO_PROXY_ENV, NO_COLOR: "1", ...opts.env };
  const child =
    opts.umask !== undefined
      ? spawn("sh", ["-c", `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, CLI, ...args], {
          cwd: opts.cwd ?? REPO_ROOT,
          env,
        })
      : spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO_ROOT, env });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  if (opts.input !== undefined) child.stdin.end(opts.input);
  const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return { status, stdout, stderr };
}

/** sha256 hex of a file. */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** True when `cmd` runs (`cmd --version` or the given probe args exit 0). */
export function hasTool(cmd: string, probe: string[] = ["--version"]): boolean {
  const r = spawnSync(cmd, probe, { stdio: "ignore" });
  return r.status === 0;
}

/** Why a tool-based check is skipped, or undefined when the tool is there. */
export const NO_UNZIP = hasTool("unzip", ["-v"]) ? undefined : "Info-ZIP `unzip` is not installed";
export const NO_PYTHON = hasTool("python3") ? undefined : "python3 is not installed";

/** `unzip -t` (Info-ZIP): every entry's CRC and sizes check out. Returns its output. */
export function unzipTest(zipPath: string): { ok: boolean; output: string } {
  const r = spawnSync("unzip", ["-t", zipPath], { encoding: "utf8" });
  return { ok: r.status === 0 && /No errors detected/.test(r.stdout), output: r.stdout + r.stderr };
}

/**
 * Python's zipfile: `testzip()` (CRC of every member) and, per member, name and Unix mode; a second
 * reader, independent of tspack's and fflate's.
 */
export function pythonZipInfo(zipPath: string): { bad: string | null; members: Array<[string, number]> } {
  const script =
    "import json, sys, zipfile\n" +
    "z = zipfile.ZipFile(sys.argv[1])\n" +
    "print(json.dumps({'bad': z.testzip(), 'members': [[i.filename, i.external_attr >> 16] for i in z.infolist()]}))\n";
  const r = spawnSync("python3", ["-c", script, zipPath], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 zipfile failed on ${zipPath}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { bad: string | null; members: Array<[string, number]> };
}

/** Entry names of a zip, in stored order (fflate's reader). */
export function zipNames(zipPath: string): string[] {
  return Object.keys(unzipSync(new Uint8Array(readFileSync(zipPath))));
}

/** Every file under `dir` as POSIX relative paths, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out.sort();
}
