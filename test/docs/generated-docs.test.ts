import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const run = (script: string): string =>
  execFileSync(process.execPath, [`${root}scripts/${script}`, "--check"], { encoding: "utf8", stdio: "pipe" });

describe("generated docs are up to date", () => {
  it("docs/errors.md matches packages/errors/src/codes.ts", () => {
    expect(() => run("gen-error-docs.mjs")).not.toThrow();
  });
  it.runIf(existsSync(`${root}packages/tspack/dist/cli.cjs`))("docs/cli.md matches the CLI's --help", () => {
    expect(() => run("gen-cli-docs.mjs")).not.toThrow();
  });
});
