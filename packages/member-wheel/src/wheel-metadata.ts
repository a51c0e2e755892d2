import type { PyprojectInfo } from "@tspack/project";
import { writeRecord } from "@tspack/wheel";

/** Splits a PEP 508 requirement into its requirement part and its marker (after `;`), both trimmed. */
export function splitRequirementMarker(requirement: string): { requirement: string; marker?: string } {
  // In a URL requirement the marker separator must follow whitespace (PEP 508 `url_req`).
  const re = requirement.includes("@") ? /\s;/ : /;/;
  const m = re.exec(requirement);
  if (m === null) return { requirement: requirement.trim() };
  const at = m.index + m[0].length - 1;
  const marker = requirement.slice(at + 1).trim();
  return { requirement: requirement.slice(0, at).trim(), ...(marker === "" ? {} : { marker }) };
}

/** A `Requires-Dist` value for a requirement of `extra` (`req; extra == "x"`, `req; (m) and extra == "x"`). */
export function requiresDistValue(requirement: string, extra?: string): string {
  const { requirement: req, marker } = splitRequirementMarker(requirement);
  const extraMarker = extra === undefined ? undefined : `extra == "${extra}"`;
  const parts =
    marker !== undefined && extraMarker !== undefined ? `(${marker}) and ${extraMarker}` : (marker ?? extraMarker);
  return parts === undefined ? req : `${req}; ${parts}`;
}

/** Core metadata (METADATA) of a member wheel: 2.4 with a PEP 639 license expression, else 2.3. */
export function renderMetadata(pyproject: PyprojectInfo, version: string, summary?: string): string {
  const lines: string[] = [];
  const license = pyproject.license;
  lines.push(`Metadata-Version: ${license?.expression !== undefined ? "2.4" : "2.3"}`);
  lines.push(`Name: ${pyproject.displayName ?? pyproject.name ?? ""}`);
  lines.push(`Version: ${version}`);
  const desc = summary ?? pyproject.description;
  if (desc !== undefined && desc.trim() !== "") lines.push(`Summary: ${desc.trim().replace(/\s*\n\s*/g, " ")}`);
  if (license?.expression !== undefined) lines.push(`License-Expression: ${license.expression}`);
  else if (license?.text !== undefined) lines.push(`License: ${license.text.replace(/\n/g, "\n        ")}`);
  if (pyproject.requiresPython !== undefined) lines.push(`Requires-Python: ${pyproject.requiresPython}`);
  for (const req of pyproject.dependencies) lines.push(`Requires-Dist: ${requiresDistValue(req)}`);
  for (const [extra, reqs] of Object.entries(pyproject.optionalDependencies))
    for (const req of reqs) lines.push(`Requires-Dist: ${requiresDistValue(req, extra)}`);
  for (const extra of Object.keys(pyproject.optionalDependencies)) lines.push(`Provides-Extra: ${extra}`);
  return `${lines.join("\n")}\n`;
}

/** The WHEEL file of a pure-Python `py3-none-any` wheel. */
export function renderWheelFile(generator = "tspack"): string {
  return `Wheel-Version: 1.0\nGenerator: ${generator}\nRoot-Is-Purelib: true\nTag: py3-none-any\n`;
}

/**
 * entry_points.txt from `[project.scripts]`, `[project.gui-scripts]` and `[project.entry-points]`, or
 * undefined when there are none. Groups: console_scripts, gui_scripts, then the others sorted; names sorted.
 */
export function renderEntryPoints(pyproject: PyprojectInfo): string | undefined {
  const groups: Array<[string, Record<string, string>]> = [
    ["console_scripts", pyproject.scripts],
    ["gui_scripts", pyproject.guiScripts],
    ...Object.keys(pyproject.entryPoints)
      .sort()
      .map((g): [string, Record<string, string>] => [g, pyproject.entryPoints[g] ?? {}]),
  ];
  const sections = groups
    .filter(([, entries]) => Object.keys(entries).length > 0)
    .map(
      ([group, entries]) =>
        `[${group}]\n${Object.keys(entries)
          .sort()
          .map((name) => `${name} = ${entries[name]}\n`)
          .join("")}`,
    );
  return sections.length === 0 ? undefined : sections.join("\n");
}

/** One RECORD row. */
export interface RecordRow {
  /** Path inside the wheel. */
  path: string;
  /** `sha256=<urlsafe base64, no padding>`; empty for RECORD itself. */
  hash: string;
  /** Size in bytes; undefined for RECORD itself. */
  size?: number;
}

/** RECORD text (CSV rows in the given order, then `<recordPath>,,`), by @tspack/wheel's RECORD writer. */
export function renderRecord(rows: readonly RecordRow[], recordPath: string): string {
  return writeRecord([
    ...rows.map((r) => ({ path: r.path, hash: r.hash, size: r.size === undefined ? "" : String(r.size) })),
    { path: recordPath, hash: "", size: "" },
  ]);
}
