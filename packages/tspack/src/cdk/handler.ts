/** The Lambda handler of a TspackFunction: python-alpha's `index`/`handler`, or `[tool.tspack] handler`. */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TspackError } from "@tspack/errors";
import { parse } from "smol-toml";

/** python-alpha's defaults. */
export const DEFAULT_INDEX = "index.py";
export const DEFAULT_HANDLER = "handler";

/**
 * The handler string Lambda runs:
 * - `index` and/or `handler` given: python-alpha's meaning, `${index without .py, "/" → "."}.${handler}`
 *   (defaults `index.py` and `handler`); a `handler` with a dot and no `index` is a whole handler
 *   (`"app.main.handler"`), since a Python function name has no dot;
 * - neither: `[tool.tspack] handler` of the project's pyproject.toml, else python-alpha's `index.handler`.
 * The index file must exist when it is used (python-alpha checks it too).
 * @throws TSPACK_USAGE (index file missing), TSPACK_PYPROJECT_INVALID (unreadable `[tool.tspack] handler`)
 */
export function resolveHandler(entry: string, index: string | undefined, handler: string | undefined): string {
  if (index === undefined && handler !== undefined && handler.includes(".")) return handler;
  if (index === undefined && handler === undefined) {
    const configured = configuredHandler(entry);
    if (configured !== undefined) return configured;
  }
  const file = index ?? DEFAULT_INDEX;
  if (!existsSync(join(entry, file))) {
    throw new TspackError("TSPACK_USAGE", `The index file "${join(entry, file)}" does not exist`, {
      hint: 'Name the handler\'s module with `index` (e.g. index: "app/main.py", handler: "handler") or set `handler = "app.main.handler"` in [tool.tspack] of pyproject.toml',
    });
  }
  const module = join(dirname(file), basename(file, ".py"))
    .split(/[\\/]+/)
    .filter((p) => p !== "" && p !== ".")
    .join(".");
  return `${module}.${handler ?? DEFAULT_HANDLER}`;
}

/** `[tool.tspack] handler` of `<entry>/pyproject.toml`, if any. */
function configuredHandler(entry: string): string | undefined {
  const path = join(entry, "pyproject.toml");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new TspackError("TSPACK_TOML_SYNTAX", `"${path}" is not valid TOML: ${(e as Error).message}`, {
      hint: "Fix the file (tspack reads `[tool.tspack] handler` from it)",
      cause: e,
    });
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const cfg = tool?.tspack as Record<string, unknown> | undefined;
  const value = cfg?.handler;
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$/.test(value)) {
    throw new TspackError(
      "TSPACK_PYPROJECT_INVALID",
      `The [tool.tspack] handler ${JSON.stringify(value)} in "${path}" is not "module.function"`,
      {
        hint: 'Write it as Lambda does, e.g. handler = "app.main.handler"',
      },
    );
  }
  return value;
}
