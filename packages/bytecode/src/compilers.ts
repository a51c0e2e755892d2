/**
 * Which Pyodide compiles for which Lambda runtime. Each is an npm alias of `pyodide` pinned to one
 * release (packages/bytecode/package.json and packages/tspack/package.json), so the compiler — and so
 * every pyc's bytes — is fixed by tspack's release. The newest Pyodide of each CPython minor version:
 * its patch version is the nearest to what Lambda runs (Lambda follows patch releases).
 */
export interface PyodideRelease {
  /** The npm alias tspack depends on. */
  package: string;
  /** The Pyodide release behind the alias. */
  pyodide: string;
  /** The CPython version inside it. */
  python: string;
}

/** Python minor version (3.X → X) → its compiler. Python 3.9 and 3.10 need `--python-interpreter`. */
export const PYODIDE_RELEASES: Readonly<Record<number, PyodideRelease>> = {
  11: { package: "pyodide-py311", pyodide: "0.25.1", python: "3.11.3" },
  12: { package: "pyodide-py312", pyodide: "0.27.8", python: "3.12.7" },
  13: { package: "pyodide-py313", pyodide: "0.29.5", python: "3.13.2" },
  14: { package: "pyodide-py314", pyodide: "314.0.8", python: "3.14.2" },
};
