import { ERROR_CODES, TspackError } from "@tspack/errors";

/** Why an entry name is refused (a value; {@link checkEntryName} turns it into an error). */
export type UnsafeNameReason = "empty" | "absolute" | "drive" | "backslash" | "control" | "parent";

const REASONS: Record<UnsafeNameReason, string> = {
  empty: "its name is empty",
  absolute: "it is an absolute path",
  drive: "it starts with a drive letter",
  backslash: "it contains a backslash (a path separator on Windows)",
  control: "it contains a control character",
  parent: 'its ".." segments climb above the install directory',
};

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NEEDS_WORK = /^\/|^[A-Za-z]:|\\|\/\/|(^|\/)\.\.?(\/|$)/;

/**
 * The normalized posix path of a zip entry name (`a/./b//c` → `a/b/c`, `a/../b` → `b`), with a
 * trailing `/` kept for directories; or the reason the name is unsafe: empty, absolute, drive letter,
 * backslash, control character (C0, DEL, C1; includes NUL), or `..` above the root.
 */
export function normalizeEntryName(name: string): { path: string } | { reason: UnsafeNameReason } {
  if (name === "") return { reason: "empty" };
  if (CONTROL.test(name)) return { reason: "control" };
  if (!NEEDS_WORK.test(name)) return { path: name }; // already a clean relative path

  if (name.startsWith("/")) return { reason: "absolute" };
  if (/^[A-Za-z]:/.test(name)) return { reason: "drive" };
  if (name.includes("\\")) return { reason: "backslash" };
  const isDir = name.endsWith("/");
  const out: string[] = [];
  for (const seg of name.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return { reason: "parent" };
      out.pop();
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) return isDir ? { path: "" } : { reason: "empty" };
  return { path: isDir ? `${out.join("/")}/` : out.join("/") };
}

/** Like {@link normalizeEntryName} but throws TSPACK_UNSAFE_PATH naming the wheel and the entry. */
export function checkEntryName(wheel: string, name: string): string {
  const r = normalizeEntryName(name);
  if ("path" in r) return r.path;
  throw new TspackError(
    ERROR_CODES.UNSAFE_PATH,
    `The wheel "${wheel}" has an unsafe entry ${JSON.stringify(name)}: ${REASONS[r.reason]}`,
    {
      hint: "tspack refuses such wheels (uv and pip skip or sanitize the entry). The file is corrupt or malicious: check where it came from.",
      details: { wheel, entry: name, reason: r.reason },
    },
  );
}
