import { ERROR_CODES, TspackError } from "@tspack/errors";

/** A console or GUI script declared in entry_points.txt. */
export interface EntryPointScript {
  /** The script name (file name in `bin/`). */
  name: string;
  /** The module to import, e.g. `pip._internal.cli.main`. */
  module: string;
  /** The attribute path to call, e.g. `main` or `Cli.run`. */
  function: string;
  /** Declared extras (ignored when installing, like uv and pip). */
  extras: string[];
}

/** The scripts of an entry_points.txt, plus every section verbatim. */
export interface EntryPoints {
  consoleScripts: EntryPointScript[];
  guiScripts: EntryPointScript[];
  /** All sections: section name → (key → value), keys in file order. */
  sections: Record<string, Record<string, string>>;
}

// uv: `^(?P<module>[\w\d_\-.]+)\s*:\s*(?P<function>[\w\d_\-.]+)(?:\s*\[\s*(?P<extras>(?:[^,]+,?\s*)+)\])?\s*$`
const VALUE =
  /^([\p{L}\p{N}\p{M}\p{Pc}\-.]+)\s*:\s*([\p{L}\p{N}\p{M}\p{Pc}\-.]+)(?:\s*\[\s*((?:[^,\]]+,?\s*)+)\])?\s*$/u;

function invalid(source: string, message: string): TspackError {
  return new TspackError(ERROR_CODES.WHEEL_INVALID, `The entry points file "${source}" is invalid: ${message}`, {
    hint: "The wheel is malformed; report it to the package's maintainers.",
  });
}

/** Parses one script value `module:attr.attr [extra, ...]` (throws TSPACK_WHEEL_INVALID). */
export function parseScriptValue(
  name: string,
  value: string,
  section = "console_scripts",
  source = "entry_points.txt",
): EntryPointScript {
  const m = VALUE.exec(value.trim());
  if (!m) {
    throw invalid(source, `[${section}] "${name} = ${value}" is not of the form "module:function [extras]"`);
  }
  const extras = (m[3] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return { name, module: m[1]!, function: m[2]!, extras };
}

/**
 * Parses entry_points.txt (a case-sensitive INI file with `=` as the only delimiter, `#`/`;` comment
 * lines). `console_scripts` and `gui_scripts` values are validated; other sections are kept verbatim.
 * With `pythonMinor`, applies uv's pip special case: `pip3.N` launchers are dropped and, when a
 * `pip3` script exists, a `pip3.<pythonMinor>` copy of it is added.
 */
export function parseEntryPoints(text: string, options: { pythonMinor?: number; source?: string } = {}): EntryPoints {
  const source = options.source ?? "entry_points.txt";
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  let currentName = "";
  let lastKey: string | undefined;
  const lines = (text.startsWith("\ufeff") ? text.slice(1) : text).split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      current[lastKey] = `${current[lastKey]}\n${trimmed}`.trim();
      return;
    }
    const section = /^\[([^\]]*)\]$/.exec(trimmed);
    if (section) {
      currentName = section[1]!.trim();
      current = sections[currentName] ??= {};
      lastKey = undefined;
      return;
    }
    if (!current) throw invalid(source, `line ${index + 1} is outside any [section]`);
    const eq = trimmed.indexOf("=");
    if (eq < 0) {
      if (currentName === "console_scripts" || currentName === "gui_scripts") {
        throw invalid(source, `[${currentName}] key "${trimmed}" has no value`);
      }
      current[trimmed] = "";
      lastKey = trimmed;
      return;
    }
    const key = trimmed.slice(0, eq).trim();
    current[key] = trimmed.slice(eq + 1).trim();
    lastKey = key;
  });
  const scripts = (section: "console_scripts" | "gui_scripts") =>
    Object.entries(sections[section] ?? {}).map(([k, v]) => parseScriptValue(k, v, section, source));
  let consoleScripts = scripts("console_scripts");
  if (options.pythonMinor !== undefined) {
    consoleScripts = consoleScripts.filter((s) => !/^pip3\.\d+$/.test(s.name) || Number(s.name.slice(5)) > 255);
    const pip3 = consoleScripts.find((s) => s.name === "pip3");
    if (pip3) consoleScripts.push({ ...pip3, name: `pip3.${options.pythonMinor}` });
  }
  return { consoleScripts, guiScripts: scripts("gui_scripts"), sections };
}
