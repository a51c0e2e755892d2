/**
 * Wheels whose RECORD, .dist-info name or Wheel-Version is wrong, through the built CLI (`install`,
 * `build` in the zip and dir layouts) as a user meets them: what uv refuses exits non-zero with the
 * TSPACK_* error naming the wheel and the file and writes nothing; what uv tolerates installs, with a
 * warning on stderr naming the wheel and the file, cold and warm (issue 13, items 12 and 13).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIndexServer, startIndexServer } from "../helpers/index-server.js";
import type { MadeWheel } from "../helpers/make-wheel.js";
import { recordCases } from "../helpers/record-wheels.js";
import {
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

const cases = recordCases("rec", "1.0");

let server: RunningIndexServer;
beforeAll(async () => {
  requireBuiltCli();
  // Every case's wheels under their own path: /files/<case index>/<filename>.
  const files: Record<string, Uint8Array> = {};
  Object.values(cases).forEach((c, i) => {
    for (const [path, bytes] of Object.entries(serverFiles(c.wheels)))
      files[path.replace("/files/", `/files/${i}/`)] = bytes;
  });
  server = await startIndexServer({ files });
});
afterAll(async () => {
  await server?.close();
  cleanupTemps();
});

/** A virtual app depending on the case's wheels (served from `/files/<i>/`). */
function project(i: number, wheels: MadeWheel[]): string {
  const dir = tempDir("tspack-e2e-record-");
  const pkgs = wheels.map((w) => {
    const [name, version] = w.filename.split("-");
    return { name: name!, version: version!, wheel: w };
  });
  const lock = lockText({ roots: [{ name: "app", version: "0.1.0", deps: pkgs.map((p) => p.name) }], packages: pkgs });
  writeTree(dir, {
    "pyproject.toml": pyprojectText(
      "app",
      pkgs.map((p) => p.name),
    ),
    "uv.lock": lock.replaceAll("/files/", `/files/${i}/`),
    "app/__init__.py": "",
    "app/main.py": "def handler(event, context):\n    return 1\n",
  });
  return dir;
}

const cli = (args: string[]) =>
  runCliAsync(args, {
    env: {
      TSPACK_CACHE_DIR: undefined,
      TSPACK_OFFLINE: undefined,
      XDG_CACHE_HOME: undefined,
      SOURCE_DATE_EPOCH: undefined,
    },
  });

/** The `warning:` lines of stderr. */
const warningsOf = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("warning: "))
    .map((l) => l.slice("warning: ".length));

describe("tspack install and build on wheels with a wrong RECORD, .dist-info or Wheel-Version", () => {
  it.each(Object.entries(cases).map(([name, c], i) => [name, c, i] as const))("%s", async (_name, c, i) => {
    const dir = project(i, c.wheels);
    const cache = join(dir, "..", `${i}-cache`);
    const common = ["--cache-dir", cache, "--mirror", mirrorArg(server.url)];
    const runs: Array<[string, string[], string]> = [
      ["install", ["install", dir, "--target", join(dir, "target"), ...common], join(dir, "target")],
      ["build zip", ["build", dir, "--out", join(dir, "out-zip"), ...common], join(dir, "out-zip")],
      ["build dir", ["build", dir, "--layout", "dir", "--out", join(dir, "out-dir"), ...common], join(dir, "out-dir")],
    ];
    for (const [label, args, out] of runs) {
      for (const pass of ["cold", "warm"]) {
        const r = await cli(args);
        if (c.error !== undefined) {
          expect([label, r.status], r.stderr).toEqual([label, 1]);
          const [code, message] = [c.error.slice(0, c.error.indexOf(": ")), c.error.slice(c.error.indexOf(": ") + 2)];
          expect(r.stderr.split("\n")[0], label).toBe(`error[${code}]: ${message}`);
          expect(existsSync(out), label).toBe(false);
          // no staging folder left beside the output either
          expect(
            readdirSync(dir).filter((n) => n.startsWith(".")),
            label,
          ).toEqual([]);
          break;
        }
        expect([label, pass, r.status, r.stderr.includes("error")], r.stderr).toEqual([label, pass, 0, false]);
        expect([label, pass, warningsOf(r.stderr)]).toEqual([label, pass, c.warnings]);
      }
    }
  });
});
