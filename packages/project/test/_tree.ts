import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (path → text; a value starting with "#!x " is written executable) under a fresh temp dir. */
export function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tspack-project-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    const exec = text.startsWith("#!x ");
    writeFileSync(abs, exec ? text.slice(4) : text);
    if (exec) chmodSync(abs, 0o755);
  }
  return root;
}

/** True when `python3` runs (the oracle for wheel contents). */
export const hasPython = spawnSync("python3", ["-c", "import zipfile"], { encoding: "utf8" }).status === 0;

/** Runs python3 with `code`; returns stdout, throws on failure. */
export function python(code: string, env: Record<string, string> = {}, args: string[] = []): string {
  const r = spawnSync("python3", ["-c", code, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}
