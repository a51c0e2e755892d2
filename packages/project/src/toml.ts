import { ERROR_CODES, formatSourceExcerpt, TspackError } from "@tspack/errors";
import { parse, TomlError } from "smol-toml";

/** Parses TOML text; a syntax error becomes TSPACK_TOML_SYNTAX with line, column and a source excerpt. */
export function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = (e.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
      throw new TspackError(
        ERROR_CODES.TOML_SYNTAX,
        `The file "${file}" is not valid TOML: ${reason} at line ${e.line}, column ${e.column}\n${formatSourceExcerpt(text, e.line, e.column)}`,
        { details: { file, line: e.line, column: e.column }, cause: e },
      );
    }
    throw e;
  }
}
