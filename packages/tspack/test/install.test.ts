import { join } from "node:path";
import { isTspackError } from "@tspack/errors";
import { afterAll, describe, expect, it } from "vitest";
import { install } from "../src/install.js";
import { removeTemps, tempDir, writeFiles } from "./fixtures/local-project.js";

afterAll(removeTemps);

describe("install -r requirements.txt", () => {
  it("names the file and the line of a requirement whose marker is invalid (before any download)", async () => {
    const dir = tempDir();
    const hash = "a".repeat(64);
    writeFiles(dir, {
      "requirements.txt": `a==1.0 \\\n    --hash=sha256:${hash}\nb==2.0 ; python_versio >= '3' \\\n    --hash=sha256:${hash}\n`,
    });
    const file = join(dir, "requirements.txt");
    let error: unknown;
    try {
      await install({ requirementsFile: file, dest: join(dir, "out"), scheme: "target", cacheDir: join(dir, "cache") });
    } catch (e) {
      error = e;
    }
    expect(isTspackError(error, "TSPACK_MARKER_SYNTAX")).toBe(true);
    const e = error as Error & { details?: Record<string, unknown> };
    expect(e.message.split("\n")[0]).toBe(
      `${JSON.stringify(file)}, line 3: The marker "python_versio >= '3'" is invalid: Expected a marker variable or quoted string, found the unknown name "python_versio"`,
    );
    expect(e.details).toMatchObject({ file, line: 3 });
  });
});
