import type { EntryPointScript } from "./entry-points.js";
import { encodeUtf8 } from "./utf8.js";

/** The default interpreter of a Lambda Python runtime: `/var/lang/bin/python3.13` for [3, 13]. */
export function defaultInterpreterPath(python: readonly [number, number]): string {
  return `/var/lang/bin/python${python[0]}.${python[1]}`;
}

/**
 * The shebang line (without newline) for `interpreter`, as uv formats it on posix: `#!<path>`, or the
 * `/bin/sh` trampoline when the line would exceed 127 bytes or the path contains a space. A value that
 * already starts with `#!` is used verbatim (e.g. `#!/usr/bin/env python3`).
 */
export function formatShebang(interpreter: string): string {
  if (interpreter.startsWith("#!")) return interpreter;
  const length = 2 + encodeUtf8(interpreter).length + 1;
  if (length > 127 || interpreter.includes(" ")) {
    const quoted = `'${interpreter.replace(/'/g, "'\\''")}'`;
    return `#!/bin/sh\n'''exec' ${quoted} "$0" "$@"\n' '''`;
  }
  return `#!${interpreter}`;
}

/**
 * The launcher script uv writes for a console/GUI entry point (`shebangLine` from {@link formatShebang}).
 * Byte-identical to uv's `get_script_launcher` template.
 */
export function scriptLauncher(entry: Pick<EntryPointScript, "module" | "function">, shebangLine: string): string {
  const importName = entry.function.split(".")[0];
  return `${shebangLine}
# -*- coding: utf-8 -*-
import sys
from ${entry.module} import ${importName}
if __name__ == "__main__":
    if sys.argv[0].endswith("-script.pyw"):
        sys.argv[0] = sys.argv[0][:-11]
    elif sys.argv[0].endswith(".exe"):
        sys.argv[0] = sys.argv[0][:-4]
    sys.exit(${entry.function}())
`;
}
