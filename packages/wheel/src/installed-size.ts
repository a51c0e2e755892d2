import { normalizeEntryName } from "./entry-path.js";
import type { WheelZipEntry } from "./wheel-zip-entry.js";

/**
 * What a wheel's files certainly occupy once installed, from its central directory alone (nothing
 * inflated): site-packages path → declared size, never more than the install plan writes. Scope
 * `lib` is a layer (`--prefix`, only site-packages is kept): root files and `.data/purelib|platlib`.
 * Scope `all` is a `--target` tree (the function zip, the task root), where `.data/data` lands at the
 * same root, so it counts too. Left out, since the plan may drop or replace them: `.data/scripts` (an
 * entry point of the same name wins), headers, unsafe names and unknown `.data` keys (the plan refuses
 * the wheel); `bin/<name>` of a `--target` tree and the `.dist-info/RECORD` count as 0 bytes (a
 * launcher or the plan's own RECORD replaces them). Two entries with one destination keep the smaller
 * size; the caller does the same across wheels, so that the sum is a lower bound of the planned size.
 */
export function installedSizeFloor(entries: ReadonlyArray<WheelZipEntry>, scope: "all" | "lib"): Map<string, number> {
  const out = new Map<string, number>();
  const files: Array<{ path: string; size: number }> = [];
  const distInfos = new Set<string>();
  for (const e of entries) {
    const n = normalizeEntryName(e.name);
    if (!("path" in n) || n.path === "" || n.path.endsWith("/")) continue;
    const slash = n.path.indexOf("/");
    if (slash > 0 && n.path.slice(0, slash).endsWith(".dist-info")) distInfos.add(n.path.slice(0, slash));
    files.push({ path: n.path, size: e.uncompressedSize });
  }
  // The plan refuses a wheel without exactly one .dist-info directory: nothing certain to count.
  if (distInfos.size !== 1) return out;
  const [distInfo] = distInfos;
  const dataDir = `${distInfo!.slice(0, -".dist-info".length)}.data`;
  for (const { path, size: declared } of files) {
    const slash = path.indexOf("/");
    const top = slash < 0 ? path : path.slice(0, slash);
    let key: string | undefined;
    let size = declared;
    if (top === dataDir) {
      const rest = path.slice(slash + 1);
      const cut = rest.indexOf("/");
      const kind = cut < 0 ? "" : rest.slice(0, cut);
      const sub = rest.slice(cut + 1);
      if (kind === "purelib" || kind === "platlib" || (scope === "all" && kind === "data")) key = sub;
    } else {
      key = path;
      if (path === `${distInfo}/RECORD`) size = 0;
    }
    if (key === undefined) continue;
    if (scope === "all" && key.startsWith("bin/") && key.indexOf("/", 4) < 0) size = 0;
    const prev = out.get(key);
    if (prev === undefined || size < prev) out.set(key, size);
  }
  return out;
}
