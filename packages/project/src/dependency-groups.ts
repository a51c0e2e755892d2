import { normalizeName } from "@tspack/dist-filename";
import { checkRequirement, type TomlReader } from "./schema.js";

/**
 * Resolves PEP 735 `[dependency-groups]`: group names normalized, `{ include-group = "x" }` entries
 * expanded in place (depth first, order kept). Unknown includes, cycles and duplicate names after
 * normalization throw TSPACK_PYPROJECT_INVALID.
 */
export function resolveDependencyGroups(
  table: Record<string, unknown> | undefined,
  reader: TomlReader,
): Record<string, string[]> {
  if (table === undefined) return {};
  const raw = new Map<string, { key: string; entries: unknown[] }>();
  for (const [key, value] of Object.entries(table)) {
    const entries = reader.array(value, ["dependency-groups", key]) ?? [];
    const norm = normalizeName(key);
    const prev = raw.get(norm);
    if (prev !== undefined)
      throw reader.error(
        ["dependency-groups", key],
        `the group "${key}" has the same normalized name as "${prev.key}"`,
        "Group names are compared after normalization (PEP 503); rename or merge one of them.",
      );
    raw.set(norm, { key, entries });
  }
  const resolved = new Map<string, string[]>();
  const visit = (name: string, stack: string[]): string[] => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const group = raw.get(name)!;
    const out: string[] = [];
    group.entries.forEach((entry, i) => {
      const path = ["dependency-groups", group.key, i];
      if (typeof entry === "string") {
        checkRequirement(reader, entry, path);
        out.push(entry);
        return;
      }
      const t = reader.table(entry, path);
      const keys = Object.keys(t ?? {});
      if (t === undefined || keys.length !== 1 || keys[0] !== "include-group")
        throw reader.error(path, 'expected a requirement string or a table `{ include-group = "name" }`');
      const target = reader.string(t["include-group"], [...path, "include-group"]) as string;
      const tnorm = normalizeName(target);
      if (!raw.has(tnorm)) throw reader.error([...path, "include-group"], `the group "${target}" is not defined`);
      if (stack.includes(tnorm))
        throw reader.error(
          [...path, "include-group"],
          `including "${target}" makes a cycle: ${[...stack, tnorm].join(" -> ")}`,
        );
      out.push(...visit(tnorm, [...stack, tnorm]));
    });
    resolved.set(name, out);
    return out;
  };
  const result: Record<string, string[]> = {};
  for (const name of [...raw.keys()].sort()) result[name] = visit(name, [name]);
  return result;
}
