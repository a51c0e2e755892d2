import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isTspackError } from "@tspack/errors";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseCanonicalToml } from "../src/_canonical.js";
import { parseUvLockWith } from "../src/parse-uv-lock.js";
import { type MakeLockOptions, makeLockModel, renderCanonical, renderReformatted } from "./helpers/make-lock.js";

const repo = new URL("../../../", import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, repo), "utf8");

/** Every uv-written lock in the repository: the real example, examples/*, and other packages' fixtures. */
function realLocks(): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ["test/fixtures/uv-aws-lambda-example/uv.lock", read("test/fixtures/uv-aws-lambda-example/uv.lock")],
  ];
  for (const base of ["examples/", "packages/plan/test/fixtures/export/"]) {
    const dir = new URL(base, repo);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const rel = `${base}${name}/uv.lock`;
      if (existsSync(new URL(rel, repo))) out.push([rel, read(rel)]);
    }
  }
  return out;
}

/**
 * A comparable description of a parsed TOML value that keeps what `toEqual` ignores: key order,
 * the prototype of tables (smol-toml makes null-prototype objects), number vs bigint.
 */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return ["array", v.map(shape)];
  if (typeof v === "object" && v !== null) {
    return ["table", Object.getPrototypeOf(v) === null, Object.entries(v).map(([k, x]) => [k, shape(x)])];
  }
  return [typeof v, v];
}

/** smol-toml's result, or its error message. */
function smol(text: string): { value: unknown } | { error: string } {
  try {
    return { value: parse(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** parseUvLock's result or error (code, message, details), with the fast path on or off. */
function outcome(text: string, fastPath: boolean): unknown {
  try {
    return { result: parseUvLockWith(text, {}, fastPath) };
  } catch (e) {
    if (!isTspackError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint, details: e.details };
  }
}

/** The fast path reads `text` and builds exactly smol-toml's value; both readers give the same lock. */
function expectFastAndIdentical(text: string): void {
  const fast = parseCanonicalToml(text);
  expect(fast).toBeDefined();
  const slow = smol(text);
  expect(slow).toHaveProperty("value");
  expect(shape(fast)).toEqual(shape((slow as { value: unknown }).value));
  expect(outcome(text, true)).toEqual(outcome(text, false));
}

/** Either the fast path gives up, or it agrees with smol-toml; parseUvLock agrees in any case. */
function expectNeverDifferent(text: string): "fast" | "gave-up" {
  const fast = parseCanonicalToml(text);
  const slow = smol(text);
  if (fast !== undefined) {
    expect(slow, JSON.stringify(text)).toHaveProperty("value");
    expect(shape(fast)).toEqual(shape((slow as { value: unknown }).value));
  }
  return fast === undefined ? "gave-up" : "fast";
}

const GENERATED: Array<[string, MakeLockOptions]> = [
  ["revision absent", { packages: 20, revision: null }],
  ["revision 1", { packages: 20, revision: 1 }],
  ["revision 2", { packages: 20, revision: 2 }],
  ["revision 3", { packages: 40 }],
  ["revision 4", { packages: 20, revision: 4 }],
  ["no duplicates", { packages: 30, duplicates: false }],
  ["every source kind", { packages: 25, allSources: true }],
  ["no wheels", { packages: 15, wheelsPerPackage: 0 }],
  ["many wheels", { packages: 15, wheelsPerPackage: 9 }],
  ["upload-time off at revision 3", { packages: 15, uploadTime: false }],
  ["one package", { packages: 1 }],
  ["a large lock", { packages: 400, allSources: true }],
];

describe("parseCanonicalToml on uv-written locks", () => {
  it.each(realLocks())("reads %s exactly like smol-toml", (_, text) => {
    expectFastAndIdentical(text);
  });

  it("found the real locks", () => {
    const names = realLocks().map(([n]) => n);
    expect(names).toContain("test/fixtures/uv-aws-lambda-example/uv.lock");
    expect(names).toContain("examples/workspace/uv.lock");
  });
});

describe("parseCanonicalToml on generated locks", () => {
  it.each(GENERATED)("reads a canonical lock exactly like smol-toml (%s)", (_, options) => {
    expectFastAndIdentical(renderCanonical(makeLockModel(options)));
  });

  it.each(GENERATED)("leaves the reformatted layout to smol-toml (%s)", (_, options) => {
    const text = renderReformatted(makeLockModel(options));
    expect(parseCanonicalToml(text)).toBeUndefined();
    expect(outcome(text, true)).toEqual(outcome(text, false));
  });

  it("reads markers and names with quotes, backslashes, control and non-ASCII characters", () => {
    const model = makeLockModel({ packages: 12, allSources: true });
    const packages = model.package as Array<Record<string, unknown>>;
    const tricky = [
      "python_version >= \"3.8\" and platform_release == '5.10'",
      "platform_version == 'C:\\\\x\\\\y' and sys_platform == 'win32'",
      "implementation_name == 'é—😀' or os_name == 'tab\there'",
      "platform_release == 'a\u0001b\u001fc'",
    ];
    let n = 0;
    for (const p of packages) {
      for (const e of (p.dependencies as Array<Record<string, unknown>> | undefined) ?? []) {
        e.marker = tricky[n++ % tricky.length] as string;
      }
    }
    packages.push({
      name: "weird",
      version: "1.0",
      source: { url: 'https://example.com/a "quoted" \\ path/weird-1.0.tar.gz' },
      sdist: { hash: `sha256:${"ab".repeat(32)}` },
    });
    const text = renderCanonical(model);
    expect(text).toContain('\\"3.8\\"');
    expect(text).toContain("\\\\x");
    expect(text).toContain("\\u0001");
    expectFastAndIdentical(text);
    const lock = parseUvLockWith(text, {}, true).lock;
    const markers = lock.packages.flatMap((p) => p.dependencies.map((d) => d.marker));
    expect(new Set(markers)).toEqual(new Set(tricky));
  });

  it("reads every TOML escape, literal strings, CRLF line ends and end-of-line comments", () => {
    const text = [
      "version = 1 # schema",
      "revision = 3",
      'requires-python = ">=3.12"',
      'esc = "\\b\\t\\n\\f\\r\\"\\\\\\u00e9\\U0001F600 \\u0000"',
      "lit = 'C:\\path \"quoted\"'",
      'empty = ""',
      "emptylit = ''",
      "flags = [true, false]",
      "nums = [0, 7, 123456789012345]",
      "nested = [[1, 2], [], [{ a = [{}] }]]",
      "",
      "[options]  # trailing",
      'exclude-newer = "0001-01-01T00:00:00Z" # This has no effect',
      "",
      "[options.exclude-newer-package]",
      'pkg = "2024-01-01T00:00:00Z"',
      "",
      "[[package]]",
      'name = "a"',
      "",
    ].join("\r\n");
    expectFastAndIdentical(text);
    expect(parseCanonicalToml(text)?.esc).toBe('\b\t\n\f\r"\\é😀 \u0000');
  });

  it("reads conflicts as uv writes them (multi-line arrays inside an array)", () => {
    const text = [
      "version = 1",
      "revision = 3",
      'requires-python = ">=3.12"',
      "conflicts = [[",
      '    { package = "project", extra = "cpu" },',
      '    { package = "project", extra = "gpu" },',
      "], [",
      '    { package = "project", group = "a" },',
      '    { package = "project" },',
      "]]",
      "",
      "[manifest]",
      "members = [",
      '    "project",',
      "]",
      "",
      "[[manifest.dependency-metadata]]",
      'name = "x"',
      'requires-dist = ["y"]',
      "",
      "[[package]]",
      'name = "project"',
      'version = "0.1.0"',
      'source = { editable = "." }',
      "",
      "[package.optional-dependencies]",
      "cpu = []",
      "",
      "[package.metadata]",
      "requires-dist = []",
      "",
      "[package.metadata.requires-dev]",
      "a = []",
      "",
    ].join("\n");
    expectFastAndIdentical(text);
  });
});

describe("parseCanonicalToml gives up outside uv's subset", () => {
  const head = 'version = 1\nrequires-python = ">=3.12"\n';
  it.each([
    ["a dotted key", `${head}a.b = 1\n`],
    ["a quoted key", `${head}"a" = 1\n`],
    ["a spaced header", `${head}[ options ]\n`],
    ["a quoted header segment", `${head}[options."x"]\n`],
    ["a multi-line basic string", `${head}a = """x"""\n`],
    ["a multi-line literal string", `${head}a = '''x'''\n`],
    ["a float", `${head}a = 1.5\n`],
    ["an exponent", `${head}a = 1e3\n`],
    ["a date", `${head}a = 2024-01-01\n`],
    ["a date-time", `${head}a = 2024-01-01T00:00:00Z\n`],
    ["a time", `${head}a = 12:00:00\n`],
    ["a negative integer", `${head}a = -1\n`],
    ["a plus sign", `${head}a = +1\n`],
    ["a hexadecimal integer", `${head}a = 0x10\n`],
    ["underscores", `${head}a = 1_000\n`],
    ["a leading zero", `${head}a = 01\n`],
    ["a 16-digit integer", `${head}a = 1234567890123456\n`],
    ["inf", `${head}a = inf\n`],
    ["a comment inside an array", `${head}a = [\n    1, # one\n]\n`],
    ["a newline inside an inline table", `${head}a = { b = 1,\n c = 2 }\n`],
    ["a trailing comma in an inline table", `${head}a = { b = 1, }\n`],
    ["a duplicate key", `${head}version = 2\n`],
    ["a duplicate inline key", `${head}a = { b = 1, b = 2 }\n`],
    ["a redefined table", `${head}[a]\n[a]\n`],
    ["a table defined after its sub-table", `${head}[a.b]\n[a]\n`],
    ["a table over an array of tables", `${head}[[a]]\n[a]\n`],
    ["an array of tables over a table", `${head}[a]\n[[a]]\n`],
    ["an array of tables over a static array", `${head}a = []\n[[a]]\n`],
    ["a header into an inline table", `${head}a = { b = 1 }\n[a.c]\n`],
    ["a header into a value", `${head}[p]\nm = 1\n[p.m.x]\n`],
    ["a __proto__ key", `${head}__proto__ = 1\n`],
    ["a lone CR", `${head}a = 1\rb = 2\n`],
    ["a control character in a string", `${head}a = "x\u0001y"\n`],
    ["a DEL in a string", `${head}a = "x\u007fy"\n`],
    ["a control character in a comment", `${head}a = 1 # x\u0007\n`],
    ["an unterminated string", `${head}a = "x\nb = 1\n`],
    ["an unknown escape", `${head}a = "\\q"\n`],
    ["an escape of TOML 1.1", `${head}a = "\\e"\n`],
    ["a surrogate escape", `${head}a = "\\ud800"\n`],
    ["a value after a header", `${head}[a] b = 1\n`],
    ["two values on a line", `${head}a = 1 b = 2\n`],
    ["a missing value", `${head}a =\n`],
    ["an invalid value", `${head}a = yes\n`],
    ["truthy garbage", `${head}a = trueish\n`],
    ["an unclosed array", `${head}a = [1, 2\n`],
    ["an unclosed inline table", `${head}a = { b = 1\n`],
  ])("%s", (_, text) => {
    expect(parseCanonicalToml(text)).toBeUndefined();
    expect(outcome(text, true)).toEqual(outcome(text, false));
  });

  it("still reports TOML syntax errors through smol-toml", () => {
    const text = `${head}a = { b = 1\n`;
    const fast = outcome(text, true) as { code: string; message: string };
    expect(fast.code).toBe("TSPACK_TOML_SYNTAX");
    expect(fast.message.split("\n")[0]).toBe(
      'Failed to parse "uv.lock": TOML syntax error at line 4, column 1: expected comma or end of structure',
    );
  });
});

describe("parseCanonicalToml under random edits", () => {
  /** Deterministic xorshift PRNG. */
  function rng(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  }
  const ALPHABET = [
    '"',
    "'",
    "\\",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "#",
    " ",
    "\n",
    "\r",
    "\t",
    "0",
    "9",
    "a",
    "-",
    "_",
    "\u0001",
    "é",
  ];

  it.each([
    ["examples/workspace/uv.lock", 1],
    ["test/fixtures/uv-aws-lambda-example/uv.lock", 2],
  ])("never builds a value that differs from smol-toml's (%s)", (rel, seed) => {
    const base = read(rel);
    const next = rng(seed);
    const counts = { fast: 0, "gave-up": 0 };
    for (let i = 0; i < 300; i++) {
      let text = base;
      for (let edits = 1 + Math.floor(next() * 2); edits > 0; edits--) {
        const at = Math.floor(next() * text.length);
        const ch = ALPHABET[Math.floor(next() * ALPHABET.length)] as string;
        const op = Math.floor(next() * 3);
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + (op - 1));
      }
      counts[expectNeverDifferent(text)]++;
    }
    // Both branches are exercised: many edits stay inside the subset, many leave it.
    expect(counts.fast).toBeGreaterThan(30);
    expect(counts["gave-up"]).toBeGreaterThan(30);
  });
});
