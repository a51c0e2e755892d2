/** Where each wheel scheme key lands, as posix paths relative to the `--target`/`--prefix` root. */

/** What the install plan needs to know about the destination. */
export interface InstallLayout {
  /** `target` (`pip install --target`: everything at the root) or `prefix` (`lib/python3.X/site-packages`...). */
  kind: "target" | "prefix";
  /** The target interpreter's [major, minor]. */
  python: readonly [number, number];
  /** Write INSTALLER and REQUESTED (uv's default; the Lambda build turns it off). */
  installerMetadata: boolean;
  /** Interpreter path for launchers and `#!python` scripts (e.g. `/var/lang/bin/python3.13`), or a full `#!` line. */
  shebang: string;
  /** Content of INSTALLER (default `tspack`). */
  installer?: string;
}

/** The scheme directories ("" is the root). `headers` is the parent of `<package name>/`. */
export interface SchemePaths {
  purelib: string;
  platlib: string;
  scripts: string;
  data: string;
  headers: string;
}

/**
 * uv's scheme for `--target` (purelib/platlib/data at the root, `bin`, `include`) and `--prefix`
 * (`lib/python3.X/site-packages`, `bin`, the root, `include/site/python3.X`).
 */
export function schemePaths(layout: Pick<InstallLayout, "kind" | "python">): SchemePaths {
  if (layout.kind === "target") return { purelib: "", platlib: "", scripts: "bin", data: "", headers: "include" };
  const py = `python${layout.python[0]}.${layout.python[1]}`;
  const lib = `lib/${py}/site-packages`;
  return { purelib: lib, platlib: lib, scripts: "bin", data: "", headers: `include/site/${py}` };
}

/** Joins posix path parts, skipping empty ones. */
export function joinPosix(...parts: string[]): string {
  let out = "";
  for (const p of parts) if (p !== "") out = out === "" ? p : `${out}/${p}`;
  return out;
}

/** The posix path of `to` relative to directory `from` (both relative to the same root). */
export function relativePosix(from: string, to: string): string {
  if (from === "") return to;
  if (to.startsWith(`${from}/`)) return to.slice(from.length + 1);
  const a = from === "" ? [] : from.split("/");
  const b = to === "" ? [] : to.split("/");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}
