import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveHandler } from "../../src/cdk/handler.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An entry folder with `files` (path → text). */
function entry(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tspack-cdk-handler-"));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const PYPROJECT = '[project]\nname = "x"\nversion = "0"\n';

describe("TspackFunction's handler", () => {
  it("follows python-alpha: index minus .py, slashes to dots, then the function (defaults index.py, handler)", () => {
    const dir = entry({ "index.py": "", "app/api/main.py": "", "pyproject.toml": PYPROJECT });
    expect(resolveHandler(dir, undefined, undefined)).toBe("index.handler");
    expect(resolveHandler(dir, "app/api/main.py", undefined)).toBe("app.api.main.handler");
    expect(resolveHandler(dir, "app/api/main.py", "serve")).toBe("app.api.main.serve");
    expect(resolveHandler(dir, undefined, "serve")).toBe("index.serve");
    expect(resolveHandler(dir, "./app/api/main.py", "h")).toBe("app.api.main.h");
  });

  it("uses [tool.tspack] handler when neither index nor handler is given; props win over it", () => {
    const dir = entry({
      "pyproject.toml": `${PYPROJECT}\n[tool.tspack]\nhandler = "app.main.handler"\n`,
      "lambda_function.py": "",
    });
    expect(resolveHandler(dir, undefined, undefined)).toBe("app.main.handler");
    expect(resolveHandler(dir, "lambda_function.py", "lambda_handler")).toBe("lambda_function.lambda_handler");
  });

  it("takes a handler with a dot and no index whole", () => {
    expect(resolveHandler(entry({}), undefined, "pkg.module.fn")).toBe("pkg.module.fn");
  });

  it("refuses a missing index file and an invalid [tool.tspack] handler, naming the file", () => {
    const dir = entry({ "pyproject.toml": PYPROJECT });
    expect(() => resolveHandler(dir, undefined, undefined)).toThrow(
      `The index file "${join(dir, "index.py")}" does not exist`,
    );
    const bad = entry({ "pyproject.toml": `${PYPROJECT}\n[tool.tspack]\nhandler = "main"\n` });
    expect(() => resolveHandler(bad, undefined, undefined)).toThrow(
      `The [tool.tspack] handler "main" in "${join(bad, "pyproject.toml")}" is not "module.function"`,
    );
  });
});
