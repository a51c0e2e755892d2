/**
 * A small glob matcher for `include`/`exclude` in `[tool.tspack]` and backend file selection.
 *
 * Paths are POSIX and relative (`app/main.py`). `*` matches within one segment, `?` one character
 * except `/`, `[abc]`/`[a-z]`/`[!a]`/`[^a]` one character of a class, `**` as a whole segment any
 * number of segments (including none), `\x` a literal `x`. Like `.gitignore`: a pattern without a `/`
 * (other than a trailing one) matches at any depth; a leading `/` or an inner `/` anchors it to the
 * root; a trailing `/` matches directories only.
 */
export interface Glob {
  /** The pattern as written. */
  readonly pattern: string;
  /** The regular expression for the anchored, full-path form of the pattern. */
  readonly regex: RegExp;
  /** True when the pattern ends with `/` (directories only). */
  readonly dirOnly: boolean;
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function translateSegment(seg: string): string {
  let out = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === "\\" && i + 1 < seg.length) {
      out += escapeRegex(seg[++i] as string);
    } else if (c === "*") {
      while (seg[i + 1] === "*") i++;
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const close = seg.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      let body = seg.slice(i + 1, close);
      let negate = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      out += negate ? `(?!/)[^${cls}]` : `[${cls}]`;
      i = close;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** Compiles a glob pattern (see {@link Glob}). */
export function compileGlob(pattern: string): Glob {
  let p = pattern.trim().replace(/^\.\//, "");
  let anchored = false;
  let dirOnly = false;
  if (p.startsWith("/")) {
    anchored = true;
    p = p.replace(/^\/+/, "");
  }
  if (p.endsWith("/")) {
    dirOnly = true;
    p = p.replace(/\/+$/, "");
  }
  if (p.includes("/")) anchored = true;
  const segs = p.split("/").filter((s) => s !== "");
  if (!anchored) segs.unshift("**");
  let re = "";
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === "**") {
      re += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    re += translateSegment(seg) + (last ? "" : "/");
  });
  // A trailing "/**" must match at least one more segment: "a/**" matches "a/x", not "a".
  if (segs.length > 1 && segs[segs.length - 1] === "**") re = `${re.slice(0, -2)}[^/].*`;
  return { pattern, regex: new RegExp(`^${re}$`), dirOnly };
}

/** True when `path` itself matches `glob` (`isDir` says whether `path` is a directory). */
export function globMatches(glob: Glob, path: string, isDir = false): boolean {
  if (glob.dirOnly && !isDir) return false;
  return glob.regex.test(path);
}

/** True when the file `path` or one of its parent directories matches `glob`. */
export function globMatchesFileOrParent(glob: Glob, path: string): boolean {
  if (globMatches(glob, path, false)) return true;
  let i = path.indexOf("/");
  while (i !== -1) {
    if (globMatches(glob, path.slice(0, i), true)) return true;
    i = path.indexOf("/", i + 1);
  }
  return false;
}

/** Convenience: compiles `pattern` and tests `path` (a file) against it. */
export function matchGlob(pattern: string, path: string): boolean {
  return globMatches(compileGlob(pattern), path, false);
}
