/** Package-name helpers (PEP 503 / PEP 427). */

export { normalizeName } from "@tspack/dist-filename";

/** Name and version from a wheel filename `{name}-{version}(-{build})?-{py}-{abi}-{plat}.whl`, or undefined. */
export function splitWheelFilename(filename: string): { name: string; version: string } | undefined {
  if (!filename.endsWith(".whl")) return undefined;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  if (!name || !version) return undefined;
  return { name, version };
}
