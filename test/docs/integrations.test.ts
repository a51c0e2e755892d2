/**
 * The recipes of docs/integrations.md, as written there: the Pulumi program and the SST config are
 * type-checked against those tools' types (@pulumi/aws and @pulumi/pulumi are devDependencies of this
 * workspace; SST's platform types are not on npm, so fixtures/sst-platform.d.ts is a faithful copy of the
 * part used), with tspack's published types; the Serverless plugin runs against a stand-in of
 * Serverless's plugin API and must set each function's `package.artifact` to a tspack zip.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  cleanupTemps,
  demoProject,
  mirrorArg,
  REPO_ROOT,
  requireBuiltCli,
  runCliAsync,
  serverFiles,
  tempDir,
  writeTree,
} from "../e2e/helpers/project.js";
import { startIndexServer } from "../helpers/index-server.js";

const DOC = readFileSync(join(REPO_ROOT, "docs", "integrations.md"), "utf8");
const TEST_DIR = join(REPO_ROOT, "test");

/** The fenced block of `lang` whose text starts with `start`. */
function block(lang: string, start: string): string {
  const re = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g");
  for (const m of DOC.matchAll(re)) if (m[1]!.startsWith(start)) return m[1]!;
  throw new Error(`docs/integrations.md has no \`\`\`${lang} block starting with ${JSON.stringify(start)}`);
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NODE_PATH: undefined, ...env } });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("close", (code) => resolve({ status: code ?? -1, out }));
  });
}

afterAll(() => cleanupTemps());

describe("docs/integrations.md", () => {
  it("the SST config and the Pulumi program type-check against SST's and Pulumi's types", async () => {
    requireBuiltCli();
    const dir = tempDir("tspack-integrations-ts-");
    writeFileSync(join(dir, "package.json"), '{ "name": "iac-app", "version": "1.0.0" }\n');
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(realpathSync(join(TEST_DIR, "node_modules", "@pulumi")), join(dir, "node_modules", "@pulumi"), "dir");
    symlinkSync(realpathSync(join(REPO_ROOT, "node_modules", "@types")), join(dir, "node_modules", "@types"), "dir");
    symlinkSync(join(REPO_ROOT, "packages", "tspack"), join(dir, "node_modules", "tspack"), "dir");
    mkdirSync(join(dir, ".sst", "platform"), { recursive: true });
    copyFileSync(join(TEST_DIR, "docs", "fixtures", "sst-platform.d.ts"), join(dir, ".sst", "platform", "config.d.ts"));
    writeFileSync(join(dir, "sst.config.ts"), block("ts", '/// <reference path="./.sst/platform/config.d.ts" />'));
    writeFileSync(join(dir, "index.ts"), block("ts", 'import * as aws from "@pulumi/aws";'));
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = await run(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--types",
        "node",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "sst.config.ts",
        "index.ts",
      ],
      dir,
    );
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
    // The check is real: a wrong field is an error.
    writeFileSync(
      join(dir, "index.ts"),
      block("ts", 'import * as aws from "@pulumi/aws";').replace("codeSha256:", "codeSha: "),
    );
    const bad = await run(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--types",
        "node",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "index.ts",
      ],
      dir,
    );
    expect(bad.out).toMatch(/index\.ts\(\d+,\d+\): error TS(2353|2561): .*'codeSha'/);
  }, 300_000);

  it("the Serverless plugin sets package.artifact to tspack's zip for the functions that name a project", async () => {
    requireBuiltCli();
    const dir = tempDir("tspack-integrations-sls-");
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(REPO_ROOT, "packages", "tspack"), join(dir, "node_modules", "tspack"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "name": "sls-app", "version": "1.0.0" }\n');
    writeFileSync(join(dir, "tspack-plugin.js"), block("js", "// tspack-plugin.js"));
    const demo = demoProject();
    writeTree(join(dir, "services", "api"), demo.files);
    // The wheels come from a cache the CLI fills; the plugin finds it through TSPACK_CACHE_DIR.
    const cache = tempDir("tspack-integrations-cache-");
    const server = await startIndexServer({ files: serverFiles(demo.wheels) });
    try {
      const fill = await runCliAsync([
        "fetch",
        join(dir, "services", "api"),
        "--runtime",
        "python3.13",
        "--arch",
        "arm64",
        "--cache-dir",
        cache,
        "--mirror",
        mirrorArg(server.url),
        "-q",
      ]);
      expect(fill.status, fill.stderr).toBe(0);
    } finally {
      await server.close();
    }
    const script = `
      const Plugin = require("./tspack-plugin.js");
      const serverless = { service: {
        provider: { name: "aws", runtime: "python3.13", architecture: "arm64" },
        functions: { api: { handler: "app.main.handler", tspack: { entry: "services/api" } }, other: { handler: "x.y" } },
      } };
      const plugin = new Plugin(serverless, {});
      plugin.hooks["before:package:createDeploymentArtifacts"]().then(() => console.log(JSON.stringify(serverless.service.functions)));
    `;
    const r = await run(process.execPath, ["-e", script], dir, { TSPACK_CACHE_DIR: cache, TSPACK_OFFLINE: "1" });
    expect(r.status, r.out).toBe(0);
    const functions = JSON.parse(r.out) as Record<string, { package?: { artifact: string } }>;
    const artifact = join(realpathSync(dir), ".serverless", "tspack", "api", "function.zip");
    expect(functions.api!.package).toEqual({ artifact });
    expect(functions.other!.package).toBeUndefined();
    expect(existsSync(artifact)).toBe(true);
    expect(Object.keys(await import("fflate").then((f) => f.unzipSync(readFileSync(artifact))))).toContain(
      "app/main.py",
    );
  }, 120_000);
});
