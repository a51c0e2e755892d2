/**
 * Private indexes and secrets, with the built CLI as users run it:
 * - a loopback index that demands HTTP basic auth, declared in pyproject.toml as `[[tool.uv.index]]`
 *   `name = "private"`: the build sends exactly UV_INDEX_PRIVATE_USERNAME / _PASSWORD (checked on the
 *   server side), fails with 401 and a hint naming those variables without them, and never sends them to
 *   another origin (another index, or a redirect to another host);
 * - credentials inside uv.lock URLs: no output (`plan`/`fetch`/`build`/`install` JSON and text, `-v`,
 *   errors), no build.json and no file of the cache contains them, and the cache's memo files are 0600 in
 *   0700 folders.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import { makeWheel } from "../helpers/make-wheel.js";
import {
  cleanupTemps,
  FAKE_HOST,
  lockText,
  pyprojectText,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "./helpers/project.js";

const USER = "idx-user-7f3a";
const PASS = "idx-pass-9c2e";
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

/** Nothing from the machine: no proxy, no ~/.netrc, no cache or index variables of the caller. */
const CLEAN_ENV = {
  TSPACK_CACHE_DIR: undefined,
  TSPACK_OFFLINE: undefined,
  XDG_CACHE_HOME: undefined,
  NETRC: "/nonexistent/tspack-test-netrc",
  UV_INDEX_PRIVATE_USERNAME: undefined,
  UV_INDEX_PRIVATE_PASSWORD: undefined,
};
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliAsync(args, { env: { ...CLEAN_ENV, ...env } });
const CREDS = { UV_INDEX_PRIVATE_USERNAME: USER, UV_INDEX_PRIVATE_PASSWORD: PASS };

const alpha = makeWheel({ name: "alpha", version: "1.0.0", files: { "alpha/__init__.py": "A = 1\n" } });
const beta = makeWheel({ name: "beta", version: "2.0.0", files: { "beta/__init__.py": "B = 2\n" } });

let priv: RunningIndexServer;
let pub: RunningIndexServer;

beforeAll(async () => {
  requireBuiltCli();
  priv = await startIndexServer({ files: serverFiles([alpha]), auth: { username: USER, password: PASS } });
  pub = await startIndexServer({ files: serverFiles([alpha, beta]) });
});
afterAll(async () => {
  await priv?.close();
  await pub?.close();
  cleanupTemps();
});

/** `alpha` from the private index, `beta` from the public one; `index` adds the `[[tool.uv.index]]` table. */
function privateProject(opts: { index?: string } = {}): string {
  const lock = lockText({
    roots: [{ name: "app", version: "0.1.0", deps: ["alpha", "beta"] }],
    packages: [
      { name: "alpha", version: "1.0.0", wheel: alpha },
      { name: "beta", version: "2.0.0", wheel: beta },
    ],
  })
    .split("\n[[package]]\n")
    .map((block) => block.replaceAll(FAKE_HOST, `${block.startsWith('name = "alpha"') ? priv.url : pub.url}/`))
    .join("\n[[package]]\n");
  const dir = tempDir("tspack-private-");
  writeTree(dir, {
    "pyproject.toml": pyprojectText("app", ["alpha", "beta"], opts.index ?? ""),
    "uv.lock": lock,
    "app/__init__.py": "",
  });
  return dir;
}

const declared = (): string => `\n[[tool.uv.index]]\nname = "private"\nurl = "${priv.url}/simple"\n`;

describe("[[tool.uv.index]] with UV_INDEX_<NAME>_USERNAME / _PASSWORD", () => {
  it("the lock's files on the private index get exactly those credentials; the other index gets none", async () => {
    const dir = privateProject({ index: declared() });
    priv.log.length = 0;
    pub.log.length = 0;
    const r = await cli(["build", dir, "--cache-dir", tempDir("tspack-private-cache-"), "-q"], CREDS);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const alphaRequests = priv.log.filter((l) => l.path === `/files/${alpha.filename}`);
    expect(alphaRequests.length).toBe(1);
    expect(priv.log.map((l) => l.headers.authorization)).toEqual(priv.log.map(() => basic(USER, PASS)));
    expect(pub.log.map((l) => l.path)).toEqual([`/files/${beta.filename}`]);
    expect(pub.log[0]!.headers.authorization).toBeUndefined();
  });

  it("without the variables the build fails with 401 and a hint naming them for this index", async () => {
    const dir = privateProject({ index: declared() });
    priv.log.length = 0;
    const r = await cli(["build", dir, "--cache-dir", tempDir("tspack-private-cache-"), "--json"]);
    expect(r.status).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe("TSPACK_HTTP_STATUS");
    expect(error.message).toContain(`"alpha==1.0.0"`);
    expect(error.message).toContain("HTTP 401 Unauthorized");
    expect(error.hint).toContain(`The index "private" ("${priv.url}/simple") needs credentials`);
    expect(error.hint).toContain("UV_INDEX_PRIVATE_USERNAME and UV_INDEX_PRIVATE_PASSWORD");
    // The server saw no credentials at all.
    expect(priv.log.filter((l) => l.headers.authorization !== undefined).length).toBe(0);
  });

  it("wrong values: the hint says the server refused the variables' credentials", async () => {
    const dir = privateProject({ index: declared() });
    const r = await cli(["fetch", dir, "--cache-dir", tempDir("tspack-private-cache-"), "--json"], {
      ...CREDS,
      UV_INDEX_PRIVATE_PASSWORD: "not-the-password",
    });
    expect(r.status).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { hint: string } };
    expect(error.hint).toContain("refused the credentials from UV_INDEX_PRIVATE_USERNAME / UV_INDEX_PRIVATE_PASSWORD");
    expect(`${r.stdout}${r.stderr}`).not.toContain("not-the-password");
  });

  it("an index that is not declared: the hint shows the `[[tool.uv.index]]` to add, with the lock's index URL", async () => {
    const dir = privateProject();
    const r = await cli(["fetch", dir, "--cache-dir", tempDir("tspack-private-cache-"), "--json"], CREDS);
    expect(r.status).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { hint: string } };
    expect(error.hint).toContain("is not under any `[[tool.uv.index]]` of pyproject.toml");
    expect(error.hint).toContain(`url = "${priv.url}/simple"`);
    expect(error.hint).toContain("UV_INDEX_PRIVATE_USERNAME and UV_INDEX_PRIVATE_PASSWORD");
  });

  it("a redirect to another host does not carry the index's credentials", async () => {
    const dir = privateProject({ index: declared() });
    const path = `/files/${alpha.filename}`;
    priv.addFaults(path, { type: "redirect", location: `${pub.url}${path}` });
    priv.log.length = 0;
    pub.log.length = 0;
    const r = await cli(["fetch", dir, "--cache-dir", tempDir("tspack-private-cache-"), "-q"], CREDS);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(priv.log.find((l) => l.path === path)?.headers.authorization).toBe(basic(USER, PASS));
    const followed = pub.log.filter((l) => l.path === path);
    expect(followed.length).toBe(1);
    expect(pub.log.map((l) => l.headers.authorization)).toEqual(pub.log.map(() => undefined));
  });

  it("a workspace member finds the index declared in the workspace root's pyproject.toml", async () => {
    const root = privateProject({ index: declared() });
    // The member "app" lives in app/; the lock and the index are the root's.
    writeTree(root, {
      "pyproject.toml": `[tool.uv.workspace]\nmembers = ["member"]\n${declared()}`,
      "member/pyproject.toml": pyprojectText("app", ["alpha", "beta"]),
    });
    priv.log.length = 0;
    const r = await cli(
      [
        "fetch",
        join(root, "member"),
        "--lock",
        join(root, "uv.lock"),
        "--cache-dir",
        tempDir("tspack-private-cache-"),
        "-q",
      ],
      CREDS,
    );
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(priv.log.find((l) => l.path === `/files/${alpha.filename}`)?.headers.authorization).toBe(basic(USER, PASS));
  });
});

/** Every file under `dir` (absolute paths). */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = (d: string): void => {
    dirs.push(d);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else files.push(p);
    }
  };
  if (existsSync(dir)) visit(dir);
  return { files, dirs };
}

describe("credentials inside uv.lock URLs are never printed or stored", () => {
  const LOCK_USER = "lockuser-5d1";
  const LOCK_PASS = "lockpass-8e2";
  let lockServer: RunningIndexServer;
  let dir: string;
  let cache: string;
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const r = await cli(args);
    outputs.push(`$ ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    lockServer = await startIndexServer({
      files: serverFiles([alpha, beta]),
      auth: { username: LOCK_USER, password: LOCK_PASS },
    });
    const withCreds = `http://${LOCK_USER}:${LOCK_PASS}@127.0.0.1:${lockServer.port}/`;
    dir = tempDir("tspack-secret-");
    writeTree(dir, {
      "pyproject.toml": pyprojectText("app", ["alpha", "beta"]),
      "uv.lock": lockText({
        roots: [{ name: "app", version: "0.1.0", deps: ["alpha", "beta"] }],
        packages: [
          { name: "alpha", version: "1.0.0", wheel: alpha },
          { name: "beta", version: "2.0.0", wheel: beta },
        ],
      }).replaceAll(FAKE_HOST, withCreds),
      "app/__init__.py": "",
    });
    cache = tempDir("tspack-secret-cache-");
  });
  afterAll(async () => {
    await lockServer?.close();
  });

  it("plan, fetch, build, install (JSON, text, -v) and build.json hold no credential, and the downloads use them", async () => {
    const plan = await run(["plan", dir, "--json"]);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain(`http://****@127.0.0.1:${lockServer.port}/files/${alpha.filename}`);
    expect((await run(["fetch", dir, "--cache-dir", cache, "--json"])).status).toBe(0);
    expect(lockServer.log.map((l) => l.headers.authorization)).toEqual(
      lockServer.log.map(() => basic(LOCK_USER, LOCK_PASS)),
    );
    expect((await run(["build", dir, "--cache-dir", cache, "--json"])).status).toBe(0);
    expect((await run(["build", dir, "--cache-dir", cache, "-v"])).status).toBe(0);
    expect((await run(["plan", dir, "-v"])).status).toBe(0);
    const target = tempDir("tspack-secret-target-");
    expect((await run(["install", dir, "--target", target, "--cache-dir", cache, "--json"])).status).toBe(0);
    outputs.push(readFileSync(join(dir, "dist", "lambda", "build.json"), "utf8"));
    // A cold download planned from the memo: the memo's redacted URLs are put back from uv.lock.
    rmSync(join(cache, "wheels-v1"), { recursive: true });
    const before = lockServer.log.length;
    expect((await run(["fetch", dir, "--cache-dir", cache, "-v"])).status).toBe(0);
    expect(lockServer.log.length).toBe(before + 2);
    expect(lockServer.log.slice(before).map((l) => l.headers.authorization)).toEqual([
      basic(LOCK_USER, LOCK_PASS),
      basic(LOCK_USER, LOCK_PASS),
    ]);
    const all = outputs.join("\n");
    expect(all).toContain("****@127.0.0.1");
    expect(all).not.toContain(LOCK_USER);
    expect(all).not.toContain(LOCK_PASS);
  });

  it("errors name the URL without its credentials", async () => {
    const bad = tempDir("tspack-secret-bad-");
    writeTree(bad, {
      "pyproject.toml": pyprojectText("app", ["alpha"]),
      "uv.lock": readFileSync(join(dir, "uv.lock"), "utf8").replaceAll(`:${LOCK_PASS}@`, ":wrongpass-3b7@"),
    });
    const text = await run(["build", bad, "--cache-dir", tempDir("tspack-secret-cache-"), "-v"]);
    const json = await run(["fetch", bad, "--cache-dir", tempDir("tspack-secret-cache-"), "--json"]);
    expect([text.status, json.status]).toEqual([1, 1]);
    expect(text.stderr).toContain("error[TSPACK_HTTP_STATUS]");
    expect(text.stderr).toContain(`"http://****@127.0.0.1:${lockServer.port}/files/`);
    // A lock error quoting the line with the URL: redacted, caret still under the bad value.
    const broken = tempDir("tspack-secret-broken-");
    writeTree(broken, {
      "pyproject.toml": pyprojectText("app", ["alpha"]),
      "uv.lock": readFileSync(join(dir, "uv.lock"), "utf8").replace(/size = \d+ \}/, 'size = "big" }'),
    });
    const lockError = await run(["plan", broken]);
    expect(lockError.status).toBe(1);
    for (const s of [text.stdout, text.stderr, json.stdout, json.stderr, lockError.stderr]) {
      expect(s).not.toContain("wrongpass-3b7");
      expect(s).not.toContain(LOCK_USER);
      expect(s).not.toContain(LOCK_PASS);
    }
  });

  it("no file under the cache holds them; memo files are 0600 in 0700 folders, tmp/ is 0700", () => {
    const { files, dirs } = walk(cache);
    expect(files.some((f) => f.includes(`${join(cache, "memo-v1", "plan")}/`))).toBe(true);
    expect(files.some((f) => f.includes(`${join(cache, "memo-v1", "zip")}/`))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(LOCK_USER), f).toBe(false);
      expect(bytes.includes(LOCK_PASS), f).toBe(false);
    }
    const memo = join(cache, "memo-v1");
    for (const f of files.filter((p) => p.startsWith(`${memo}/`))) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    for (const d of dirs.filter((p) => p === memo || p.startsWith(`${memo}/`)))
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
    expect(statSync(join(cache, "tmp")).mode & 0o777).toBe(0o700);
  });
});
