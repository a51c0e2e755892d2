import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { type PyprojectInfo, parsePyproject } from "./pyproject.js";

/** Reads and validates `<projectDir>/pyproject.toml`; a missing file is TSPACK_FILE_NOT_FOUND. */
export async function readPyproject(projectDir: string): Promise<PyprojectInfo> {
  const file = join(projectDir, "pyproject.toml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      `The file "${file}" ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
      {
        hint: "Run tspack in the directory that holds pyproject.toml and uv.lock, or pass --project.",
        cause: e,
        details: { file },
      },
    );
  }
  return parsePyproject(text, file);
}
