/**
 * `tspack export` on uv's export cases that have real project files (pyproject.toml, a PEP 723 script and
 * its lock): the bytes are uv's snapshot (crates/uv/tests/project/export.rs), header naming tspack.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args.js";
import { runExport } from "../../../src/cli/commands/export.js";
import type { CommandContext } from "../../../src/cli/context.js";
import type { Output } from "../../../src/cli/output.js";
import { removeTemps, tempDir } from "../../fixtures/local-project.js";

afterAll(removeTemps);

const FIXTURES = new URL("../../../../plan/test/fixtures/export/", import.meta.url);

function run(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== "command") throw new Error("expected a command");
  let stdout = "";
  let stderr = "";
  const output: Output = {
    json: false,
    quiet: false,
    verbose: false,
    isTTY: false,
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    outVerbatim: (t) => {
      stdout += t;
    },
  };
  const ctx: CommandContext = {
    argv,
    flags: parsed.flags,
    positionals: parsed.positionals,
    output,
    signal: new AbortController().signal,
    env,
    cwd,
  };
  return runExport(ctx).then((code) => ({ code, stdout, stderr }));
}

const cliCases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    const cases = JSON.parse(readFileSync(new URL(`${d.name}/cases.json`, FIXTURES), "utf8")) as Array<{
      cli?: string[];
      expected: string;
    }>;
    return cases.filter((c) => c.cli !== undefined).map((c) => ({ name: d.name, cli: c.cli!, expected: c.expected }));
  });

describe("tspack export: uv's cases with real project files, byte for byte", () => {
  it("has the three cases (emit-indexes, script, script-updated)", () => {
    expect(cliCases.map((c) => c.name).sort()).toEqual(["emit-indexes", "script", "script-updated"]);
  });
  for (const c of cliCases) {
    it(`${c.name}: tspack ${c.cli.join(" ")}`, async () => {
      const dir = tempDir();
      cpSync(new URL(c.name, FIXTURES), dir, { recursive: true });
      const r = await run(c.cli, dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(new URL(`${c.name}/${c.expected}`, FIXTURES), "utf8"));
      if (c.name === "emit-indexes")
        expect(r.stderr).toBe(
          "warning: `requirements.txt` does not support per-package index pinning; explicit indexes were emitted globally via `--extra-index-url`.\n",
        );
    });
  }

  it("the UV_* index variables stand in for the flags (UV_INDEX, UV_FIND_LINKS), and --index-url replaces PyPI", async () => {
    const dir = tempDir();
    cpSync(new URL("emit-indexes", FIXTURES), dir, { recursive: true });
    const args = ["export", "--no-header", "--emit-index-url", "--emit-find-links", "--frozen", "--no-hashes"];
    const viaEnv = await run(args, dir, {
      UV_INDEX: "https://example.com/simple",
      UV_FIND_LINKS: "https://example.com/packages",
    });
    expect(viaEnv.stdout).toBe(readFileSync(new URL("emit-indexes/expected.txt", FIXTURES), "utf8"));
    const mirror = await run([...args, "--index-url", "https://mirror.example/simple"], dir, {
      UV_DEFAULT_INDEX: "https://ignored.example/simple",
    });
    expect(mirror.stdout.split("\n").slice(0, 3)).toEqual([
      "--index-url https://mirror.example/simple",
      "--extra-index-url https://test.pypi.org/simple",
      "",
    ]);
  });

  it("from a subfolder of the project: the same export (upward search for pyproject.toml)", async () => {
    const dir = tempDir();
    cpSync(new URL("emit-indexes", FIXTURES), dir, { recursive: true });
    mkdirSync(join(dir, "src", "project"), { recursive: true });
    const args = ["export", "--frozen", "--no-hashes"];
    const root = await run(args, dir);
    const sub = await run(args, join(dir, "src", "project"));
    expect(sub).toEqual(root);
    expect(root.stdout).toContain("-e .\niniconfig==2.0.0\n");
  });

  it("--script without its lock: names the lock and the fix (`uv lock --script`)", async () => {
    const dir = tempDir();
    cpSync(new URL("script/script.py", FIXTURES), join(dir, "script.py"));
    await expect(run(["export", "--script", "script.py"], dir)).rejects.toMatchObject({
      code: "TSPACK_FILE_NOT_FOUND",
      message: `Unable to find lockfile at "${join(dir, "script.py.lock")}" (the lock of the script "${join(dir, "script.py")}")`,
      hint: expect.stringContaining(`uv lock --script ${join(dir, "script.py")}`),
    });
  });
});
