/**
 * PEP 723 scripts: the inline `# /// script` metadata block and the script's lock, `<script>.lock`
 * (what `uv lock --script script.py` writes). `tspack export --script` exports from them like uv.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import { parsePyproject, type UvIndex } from "@tspack/project";
import { parseUvLock } from "@tspack/uv-lock";
import type { ProjectContext } from "./read-project.js";

/** The PEP 723 reference regex: `# /// TYPE`, lines of `#` or `# …`, `# ///`. */
const BLOCK = /^# \/\/\/ (?<type>[a-zA-Z0-9-]+)[ \t]*\r?\n(?<content>(?:^#(?:| .*)\r?\n)*)^# \/\/\/[ \t]*$/gm;

/**
 * The TOML of a script's `script` metadata block, or undefined when it has none.
 * @throws TSPACK_PYPROJECT_INVALID when there are two `script` blocks (PEP 723 forbids it)
 */
export function scriptMetadata(text: string, path: string): string | undefined {
  const blocks = [...text.matchAll(BLOCK)].filter((m) => m.groups?.type === "script");
  if (blocks.length > 1) {
    throw new TspackError(
      ERROR_CODES.PYPROJECT_INVALID,
      `The script "${path}" has more than one \`# /// script\` block`,
      {
        hint: "PEP 723 allows one metadata block per script: merge them",
      },
    );
  }
  const content = blocks[0]?.groups?.content;
  if (content === undefined) return undefined;
  return content
    .split(/\r?\n/)
    .map((line) => (line.startsWith("# ") ? line.slice(2) : line.slice(1)))
    .join("\n");
}

/** A script read for export: its lock as a project context, and the indexes of its `[tool.uv]`. */
export interface ScriptProject {
  project: ProjectContext;
  indexes: UvIndex[];
}

/**
 * Reads a PEP 723 script and its `<script>.lock`.
 * @throws TSPACK_FILE_NOT_FOUND (no script, or no lock: hint `uv lock --script`), TSPACK_PYPROJECT_INVALID
 *   (no metadata block, invalid TOML), TSPACK_LOCK_INVALID …
 */
export function readScriptProject(scriptPath: string): ScriptProject {
  const path = resolve(scriptPath);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      `The script "${path}" ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
      { hint: "Give the path of a Python script with a `# /// script` metadata block", cause: e },
    );
  }
  const metadata = scriptMetadata(text, path);
  if (metadata === undefined) {
    throw new TspackError(
      ERROR_CODES.PYPROJECT_INVALID,
      `The script "${path}" has no PEP 723 metadata (\`# /// script\` … \`# ///\`)`,
      {
        hint: `Add its dependencies with \`uv add --script ${scriptPath} PACKAGE\`, then \`uv lock --script ${scriptPath}\``,
      },
    );
  }
  const lockPath = `${path}.lock`;
  let lockText: string;
  try {
    lockText = readFileSync(lockPath, "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      missing
        ? `Unable to find lockfile at "${lockPath}" (the lock of the script "${path}")`
        : `Cannot read the lockfile "${lockPath}": ${(e as Error).message}`,
      {
        hint: missing
          ? `Run \`uv lock --script ${scriptPath}\` to create it: tspack never resolves, it exports the script's lock`
          : "Check the file's permissions",
        cause: e,
        details: { path: lockPath },
      },
    );
  }
  const info = parsePyproject(metadata, path);
  const { lock, warnings } = parseUvLock(lockText, { path: lockPath });
  return {
    project: {
      projectDir: dirname(path),
      lockPath,
      lock,
      pyproject: undefined,
      projectInfo: { dependencyGroups: [], optionalDependencies: [] },
      warnings,
    },
    indexes: info.uv.indexes ?? [],
  };
}
