import { formatSourceExcerpt, TspackError } from "@tspack/errors";

/** A pinned `name==version` requirement. */
export interface PinnedRequirement {
  /** The name as written. */
  name: string;
  version: string;
  /** Extras as written (`name[a,b]==1.0`), sorted. */
  extras: string[];
  /** The PEP 508 marker after `;`, verbatim (trimmed), or undefined. */
  marker: string | undefined;
  /** `--hash` values as `algorithm:hex` (lower-cased), in file order. */
  hashes: string[];
  /** 1-based line number of the requirement's first line. */
  line: number;
}

/**
 * A local project or archive (`./library`, `.`, `-e ./child`, `file:///abs/path`, `name @ file:///…`), as
 * `uv export` writes workspace members and path dependencies. Installed non-editable: a source tree is
 * built into a wheel (tspack's native member build), an archive must be a wheel.
 */
export interface LocalRequirement {
  /** The path as written (a `file://` URL is decoded to its path). Relative to the requirements file's folder. */
  path: string;
  /** `name @` when written. */
  name: string | undefined;
  /** `-e`/`--editable` was written (installed non-editable all the same). */
  editable: boolean;
  /** The PEP 508 marker after `;`, or undefined. */
  marker: string | undefined;
  /** `--hash` values (`algorithm:hex`), for archives. */
  hashes: string[];
  line: number;
}

/** A line tspack cannot install from (URL, unpinned, nested file, unknown option). */
export interface UnsupportedRequirementLine {
  line: number;
  /** The logical line (continuations joined, comment removed). */
  text: string;
  reason: string;
}

/** Result of {@link parseRequirementsTxt}. Unsupported lines are data: the caller decides. */
export interface RequirementsTxt {
  requirements: PinnedRequirement[];
  /** `--index-url` / `-i` (last one wins), or undefined. */
  indexUrl: string | undefined;
  /** `--extra-index-url` values in order. */
  extraIndexUrls: string[];
  /** `--find-links` / `-f` values in order. */
  findLinks: string[];
  /** `--no-index` was written. */
  noIndex: boolean;
  /** Local projects and archives, in file order. */
  locals: LocalRequirement[];
  unsupported: UnsupportedRequirementLine[];
}

const IGNORED_OPTIONS = new Set([
  "--only-binary",
  "--prefer-binary",
  "--pre",
  "--trusted-host",
  "--no-deps",
  "--no-build-isolation",
  "--require-hashes",
]);
const OPTIONS_WITH_VALUE = new Set([
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-e",
  "--editable",
  "--only-binary",
  "--no-binary",
  "--trusted-host",
]);
const REQUIREMENT_RE =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(===|==|~=|!=|<=|>=|<|>)?\s*([^;]*?)\s*(?:;\s*(.*?))?\s*$/;

/** Logical lines: `\`-continuations joined, comments stripped (pip rules), with 1-based start lines. */
function logicalLines(text: string): Array<{ line: number; text: string; raw: string }> {
  const physical = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: Array<{ line: number; text: string; raw: string }> = [];
  let buffer = "";
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!;
    if (buffer === "") start = i + 1;
    // A comment line inside a continuation is skipped but keeps the continuation going.
    if (buffer !== "" && /^\s*#/.test(line)) continue;
    line = line.replace(/(^|\s+)#.*$/, "");
    if (line.endsWith("\\")) {
      buffer += `${line.slice(0, -1)} `;
      continue;
    }
    buffer += line;
    if (buffer.trim() !== "")
      out.push({ line: start, text: buffer.trim().replace(/\s+/g, " "), raw: physical[start - 1]! });
    buffer = "";
  }
  if (buffer.trim() !== "")
    out.push({ line: start, text: buffer.trim().replace(/\s+/g, " "), raw: physical[start - 1]! });
  return out;
}

/** The 1-based line and column of `needle` at or after line `from`. */
function locate(text: string, from: number, needle: string): { line: number; column: number } {
  const lines = text.split(/\r?\n/);
  for (let i = from - 1; i < lines.length; i++) {
    const at = needle === "" ? -1 : lines[i]!.indexOf(needle);
    if (at >= 0) return { line: i + 1, column: at + 1 };
  }
  return { line: from, column: 1 };
}

function syntaxError(source: string, line: number, column: number, reason: string, file?: string): TspackError {
  const subject =
    file === undefined ? `The requirements.txt line ${line}` : `The requirements file "${file}", line ${line},`;
  return new TspackError(
    "TSPACK_REQUIREMENTS_INVALID",
    `${subject} is invalid: ${reason}\n${formatSourceExcerpt(source, line, column)}`,
    {
      hint: "Regenerate it with `uv export --frozen --no-dev --no-editable -o requirements.txt`.",
      details: { ...(file === undefined ? {} : { file }), line, column },
    },
  );
}

/** The `--hash` values of a requirement's options (`algorithm:hex`, lower-cased); other options are reported. */
function hashesOf(
  optText: string,
  text: string,
  line: number,
  file: string | undefined,
  onOther: (option: string) => void,
): string[] {
  const hashes: string[] = [];
  const tokens = optText === "" ? [] : optText.split(" ");
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const hm = /^--hash(?:=(.*))?$/.exec(token);
    if (hm === null) {
      onOther(token.split("=")[0]!);
      continue;
    }
    const value = hm[1] ?? tokens[++t] ?? "";
    const parts = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(value);
    if (parts === null || (parts[1] === "sha256" && parts[2]!.length !== 64)) {
      const at = locate(text, line, value);
      const reason =
        parts === null
          ? `the hash "${value}" is not \`algorithm:hex\``
          : `the sha256 "${parts[2]}" does not have 64 hex digits`;
      throw syntaxError(text, at.line, at.column, reason, file);
    }
    hashes.push(`${parts[1]}:${parts[2]!.toLowerCase()}`);
  }
  return hashes;
}

/** `file:///a/b%20c` → `/a/b c`; undefined for other URLs. */
function fileUrlPath(url: string): string | undefined {
  if (!/^file:/i.test(url)) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

/**
 * A local path requirement as pip and uv read one: `./x`, `../x`, `.`, `/abs`, `~/x`, `file://…`, a
 * `*.whl` file name, or `name @ <one of those>`; with an optional `; marker`. Undefined for anything else.
 */
function localRequirement(text: string, line: number, editable: boolean): LocalRequirement | undefined {
  const semi = text.indexOf(";");
  const body = (semi === -1 ? text : text.slice(0, semi)).trim();
  const marker = semi === -1 ? undefined : text.slice(semi + 1).trim() || undefined;
  const at = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*@\s*(.+)$/.exec(body);
  const name = at?.[1];
  const target = (at?.[2] ?? body).trim();
  const fromUrl = fileUrlPath(target);
  const path =
    fromUrl ??
    (/^(\.{1,2}(\/|$)|\/|~\/)/.test(target) || (name === undefined && /\.whl$/i.test(target)) ? target : undefined);
  if (path === undefined) return undefined;
  return { path, name, editable, marker, hashes: [], line };
}

/** Options for {@link parseRequirementsTxt}. */
export interface ParseRequirementsTxtOptions {
  /** How to name the file in messages (default: "the requirements.txt"). */
  path?: string;
}

/**
 * Parses a requirements.txt as written by `uv export`/pip-compile: pinned `name==version` lines,
 * `--hash=sha256:…` continuations, `; marker`s, comments, `--index-url`/`--extra-index-url`.
 * Editable installs, paths, URLs, unpinned requirements, nested files and unknown options are
 * returned in `unsupported` with line numbers. Pure.
 * @throws TSPACK_REQUIREMENTS_INVALID for lines that are not requirements at all or malformed hashes (with a caret).
 */
export function parseRequirementsTxt(text: string, options: ParseRequirementsTxtOptions = {}): RequirementsTxt {
  const file = options.path;
  const result: RequirementsTxt = {
    requirements: [],
    indexUrl: undefined,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    locals: [],
    unsupported: [],
  };
  const unsupported = (line: number, t: string, reason: string): void => {
    result.unsupported.push({ line, text: t, reason });
  };
  for (const { line, text: logical, raw } of logicalLines(text)) {
    if (logical.startsWith("-")) {
      const m = /^(--?[A-Za-z][A-Za-z-]*)(?:[= ](.*))?$/.exec(logical);
      const option = m?.[1] ?? logical;
      const value = m?.[2]?.trim() ?? "";
      if (OPTIONS_WITH_VALUE.has(option) && value === "") {
        throw syntaxError(text, line, raw.indexOf(option) + 1, `${option} needs a value`, file);
      }
      if (option === "-i" || option === "--index-url") result.indexUrl = value;
      else if (option === "--extra-index-url") result.extraIndexUrls.push(value);
      else if (option === "-f" || option === "--find-links") result.findLinks.push(value);
      else if (option === "--no-index") result.noIndex = true;
      else if (option === "-e" || option === "--editable") {
        const local = localRequirement(value, line, true);
        if (local === undefined) unsupported(line, logical, "editable installs of URLs are not supported");
        else result.locals.push(local);
      } else if (["-r", "--requirement", "-c", "--constraint"].includes(option)) {
        unsupported(line, logical, "nested requirement or constraint files are not supported");
      } else if (IGNORED_OPTIONS.has(option)) {
        // Harmless for a wheel-only installer.
      } else unsupported(line, logical, `the option ${option} is not supported`);
      continue;
    }
    // Split the requirement from its per-requirement options (`--hash`).
    const optAt = logical.search(/(^|\s)--?[A-Za-z]/);
    const reqText = (optAt < 0 ? logical : logical.slice(0, optAt)).trim();
    const optText = optAt < 0 ? "" : logical.slice(optAt).trim();
    const local = localRequirement(reqText, line, false);
    if (local !== undefined) {
      local.hashes.push(
        ...hashesOf(optText, text, line, file, (token) =>
          unsupported(line, logical, `the option ${token} is not supported on a requirement`),
        ),
      );
      result.locals.push(local);
      continue;
    }
    if (/^[^;]*\s@\s|^[a-z+]+:\/\//i.test(reqText)) {
      unsupported(line, logical, "direct URL requirements are not supported");
      continue;
    }
    const m = REQUIREMENT_RE.exec(reqText);
    if (m === null) throw syntaxError(text, line, 1, "expected `name==version`", file);
    const [, name, extras, op, version, marker] = m;
    if ((op !== "==" && op !== "===") || version === "" || /[*,\s]/.test(version!)) {
      unsupported(line, logical, "only pinned `name==version` requirements are supported");
      continue;
    }
    const hashes = hashesOf(optText, text, line, file, (token) =>
      unsupported(line, logical, `the option ${token} is not supported on a requirement`),
    );
    result.requirements.push({
      name: name!,
      version: version!,
      extras: (extras ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e !== "")
        .sort(),
      marker: marker === undefined || marker === "" ? undefined : marker,
      hashes,
      line,
    });
  }
  return result;
}
