import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readPyproject } from "../src/read-pyproject.js";
import { makeTree } from "./_tree.js";

describe("readPyproject", () => {
  it("reads the real example", async () => {
    const dir = fileURLToPath(new URL("../../../test/fixtures/uv-aws-lambda-example/", import.meta.url));
    const info = await readPyproject(dir);
    expect(info.name).toBe("uv-aws-lambda-example");
    expect(info.path.endsWith("uv-aws-lambda-example/pyproject.toml")).toBe(true);
  });

  it("reports a missing file as TSPACK_FILE_NOT_FOUND", async () => {
    const dir = makeTree({ "x.txt": "" });
    await expect(readPyproject(dir)).rejects.toMatchObject({
      code: "TSPACK_FILE_NOT_FOUND",
      message: `The file "${dir}/pyproject.toml" does not exist`,
      hint: "Run tspack in the directory that holds pyproject.toml and uv.lock, or pass --project.",
    });
  });

  it("names the file in syntax errors", async () => {
    const dir = makeTree({ "pyproject.toml": "[project\n" });
    await expect(readPyproject(dir)).rejects.toMatchObject({
      code: "TSPACK_TOML_SYNTAX",
      details: { file: `${dir}/pyproject.toml` },
    });
  });
});
