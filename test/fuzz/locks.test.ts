/**
 * Fuzzed locks: a seeded generator mutates the project's lock fixtures (byte flips, truncation, deleted
 * and duplicated lines, values swapped between keys, values replaced by nasty strings, values of the
 * wrong TOML type) and runs what a user runs on each, at library level and without the network: read the
 * project (lock + pyproject.toml), plan for the default target, export requirements.txt. Every failure
 * must be a TspackError, never TSPACK_INTERNAL, and must name where the problem is: the lock's file and a
 * line or a dotted key. Reproduce a failure with `TSPACK_FUZZ_SEED=<seed> npx vitest run test/fuzz`.
 */
import { readFileSync } from "node:fs";
import { isTspackError, type TspackError } from "@tspack/errors";
import { exportRequirements, plan } from "tspack";
import { describe, expect, it } from "vitest";
import { bigLockText } from "../../packages/plan/test/helpers/big-lock.js";
import { projectFromTexts } from "../../packages/tspack/src/read-project.js";
import { makeLock } from "../../packages/uv-lock/test/helpers/make-lock.js";
import { seededRandom } from "../helpers/seeded-bytes.js";

const SEED = Number(process.env.TSPACK_FUZZ_SEED ?? 20251207);
const CASES = Number(process.env.TSPACK_FUZZ_CASES ?? 400);

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** The project's lock fixtures: real locks (with their pyproject.toml) and the generated ones of the tests. */
const FIXTURES: Array<{ name: string; lock: string; pyproject?: string }> = [
  {
    name: "uv-aws-lambda-example",
    lock: read("test/fixtures/uv-aws-lambda-example/uv.lock"),
    pyproject: read("test/fixtures/uv-aws-lambda-example/pyproject.toml"),
  },
  ...["fastapi-lambda", "layer", "workspace"].map((e) => ({
    name: `examples/${e}`,
    lock: read(`examples/${e}/uv.lock`),
    pyproject: read(`examples/${e}/pyproject.toml`),
  })),
  ...["conflicting-markers", "dependency", "group", "no-editable"].map((e) => ({
    name: `plan/${e}`,
    lock: read(`packages/plan/test/fixtures/export/${e}/uv.lock`),
  })),
  { name: "uv-lock/every-source", lock: makeLock({ packages: 10, allSources: true }) },
  { name: "uv-lock/revision-2", lock: makeLock({ packages: 14, revision: 2 }) },
  { name: "plan/big-lock", lock: bigLockText(40) },
];

/** Values that break parsers: invalid PEP 440/508, deep nesting, long chains, unicode, NUL, huge numbers. */
const DEEP = `${"(".repeat(5000)}os_name == 'nt'${")".repeat(5000)}`;
const CHAIN = Array.from({ length: 300 }, (_, i) => `extra == 'e${i}'`).join(" or ");
const EXPONENTIAL = Array.from({ length: 40 }, (_, i) => `(extra == 'a${i}' or extra == 'b${i}')`).join(" and ");
const NASTY = [
  ...[DEEP, CHAIN, EXPONENTIAL],
  ...[DEEP, CHAIN, EXPONENTIAL],
  ">=3.12.[X]",
  "1.0.[X]",
  "~=1",
  "==1.*.2",
  ">=",
  "python_versio >= '3'",
  "sys_platform == 'linux' and",
  "extra == 'x' or (",
  ")",
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "ñämé-ü",
  "🐍🐍🐍",
  "\u202eevil",
  "99999999999999999999999999999999",
  "1e400",
  "-1",
  "sha256:zz",
  `sha256:${"g".repeat(64)}`,
  "md5:",
  "http://[::1",
  "file:///etc/passwd",
  "../../../escape.whl",
  "x-1.0-py3-none-any.whl",
  "name with spaces",
  "a".repeat(100_000),
  '"quoted"',
  "\\",
];

/** A TOML value of another type than the one written. */
const TYPE_SWAPS = ["42", "true", "[]", "{}", '["x"]', '{ x = "y" }', "1979-05-27T07:32:00Z", "3.14", "[[[[[[1]]]]]]"];

/** Keys whose values are replaced, those parsed after the lock (markers, requires-python) more often. */
const KEYS = [
  ...["marker", "marker", "marker", "marker", "requires-python", "requires-python", "version", "version"],
  ...["specifier", "specifier", "name", "name", "hash", "url", "registry", "editable", "virtual", "path"],
  ...["filename", "size", "upload-time", "revision"],
];

type Mutation = { what: string; text: string };

function mutate(text: string, r: () => number): Mutation {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const lines = text.split("\n");
  switch (int(9)) {
    case 0: {
      const at = int(text.length);
      const c = pick(['"', "'", "[", "]", "{", "}", "=", "\n", ",", "#", "\u0000", "x", "9", ".", "\\"]);
      return { what: `byte ${at} → ${JSON.stringify(c)}`, text: text.slice(0, at) + c + text.slice(at + 1) };
    }
    case 1: {
      const at = int(text.length);
      return { what: `truncated at ${at}`, text: text.slice(0, at) };
    }
    case 2: {
      const at = int(lines.length);
      return { what: `line ${at + 1} deleted`, text: lines.filter((_, i) => i !== at).join("\n") };
    }
    case 3: {
      const at = int(lines.length);
      return { what: `line ${at + 1} duplicated`, text: [...lines.slice(0, at + 1), ...lines.slice(at)].join("\n") };
    }
    case 4: {
      // Swap the values of two `key = "value"` occurrences (anywhere, inline tables too).
      const re = /([A-Za-z_-]+) = ("(?:[^"\\\n]|\\.)*"|\d+|true|false)/g;
      const found = [...text.matchAll(re)];
      if (found.length < 2) return { what: "no values to swap", text };
      const [a, b] = [pick(found), pick(found)] as [RegExpMatchArray, RegExpMatchArray];
      if (a.index === b.index) return { what: "swap with itself", text };
      const [x, y] = (a.index as number) < (b.index as number) ? [a, b] : [b, a];
      const xi = (x.index as number) + (x[1] as string).length + 3;
      const yi = (y.index as number) + (y[1] as string).length + 3;
      const out =
        text.slice(0, xi) +
        y[2] +
        text.slice(xi + (x[2] as string).length, yi) +
        x[2] +
        text.slice(yi + (y[2] as string).length);
      return { what: `swapped ${x[1]} and ${y[1]} values`, text: out };
    }
    case 5:
    case 6: {
      // Replace the value of a key with a nasty string (as a valid TOML string).
      const key = pick(KEYS);
      const found = [...text.matchAll(new RegExp(`(?<![A-Za-z_-])${key} = ("(?:[^"\\\\\\n]|\\\\.)*"|\\d+)`, "g"))];
      if (found.length === 0) return { what: `no ${key}`, text };
      const m = pick(found);
      const nasty = pick(NASTY);
      const at = (m.index as number) + key.length + 3;
      return {
        what: `${key} #${found.indexOf(m)} → ${JSON.stringify(nasty.slice(0, 40))}`,
        text: text.slice(0, at) + JSON.stringify(nasty) + text.slice(at + (m[1] as string).length),
      };
    }
    case 7: {
      // A value of the wrong type.
      const key = pick(KEYS);
      const found = [...text.matchAll(new RegExp(`(?<![A-Za-z_-])${key} = ("(?:[^"\\\\\\n]|\\\\.)*"|\\d+)`, "g"))];
      if (found.length === 0) return { what: `no ${key}`, text };
      const m = pick(found);
      const swap = pick(TYPE_SWAPS);
      const at = (m.index as number) + key.length + 3;
      return {
        what: `${key} #${found.indexOf(m)} → ${swap}`,
        text: text.slice(0, at) + swap + text.slice(at + (m[1] as string).length),
      };
    }
    default: {
      // A table or array of tables where a value was, or an array where a table was.
      const header = pick([
        "[package.dependencies]",
        "[[package.sdist]]",
        "[[requires-python]]",
        "[[version]]",
        "[package.wheels]",
      ]);
      const at = int(lines.length);
      return {
        what: `${header} at line ${at + 1}`,
        text: [...lines.slice(0, at), header, "x = 1", ...lines.slice(at)].join("\n"),
      };
    }
  }
}

/** True when the error names `file` and a line or a dotted key. */
function namesLocation(e: TspackError, file: string): boolean {
  const d = e.details ?? {};
  const names = e.message.includes(file) || d.file === file || d.path === file;
  const where =
    typeof d.line === "number" ||
    /line \d+/.test(e.message) ||
    (typeof d.path === "string" && d.path !== file && d.path !== "") ||
    typeof d.key === "string";
  return names && where;
}

async function runPipeline(lockText: string, pyprojectText: string | undefined, dir: string): Promise<void> {
  const project = projectFromTexts(dir, `${dir}/uv.lock`, { lockText, pyprojectText });
  await plan({ project });
  await exportRequirements({ project });
}

/** Runs one case: its outcome ("ok" or the error code), and what is wrong with it, if anything. */
async function check(
  lock: string,
  pyproject: string | undefined,
  dir: string,
): Promise<{ outcome: string; problem?: string }> {
  try {
    await runPipeline(lock, pyproject, dir);
    return { outcome: "ok" };
  } catch (e) {
    if (!isTspackError(e))
      return { outcome: "other", problem: `not a TspackError: ${String((e as Error)?.stack ?? e).slice(0, 600)}` };
    if (e.code === "TSPACK_INTERNAL")
      return { outcome: e.code, problem: `TSPACK_INTERNAL: ${e.message.slice(0, 300)}` };
    if (!namesLocation(e, `${dir}/uv.lock`) && !namesLocation(e, `${dir}/pyproject.toml`)) {
      const details = JSON.stringify(e.details)?.slice(0, 300);
      return { outcome: e.code, problem: `${e.code} without a location: ${e.message.slice(0, 300)} ${details}` };
    }
    return { outcome: e.code };
  }
}

describe("fuzzed locks", () => {
  it(`${CASES} mutated locks never give TSPACK_INTERNAL and always name a location (seed ${SEED})`, async () => {
    const r = seededRandom(SEED);
    const failures: string[] = [];
    const codes = new Map<string, number>();
    for (let n = 0; n < CASES; n++) {
      const fixture = FIXTURES[n % FIXTURES.length] as (typeof FIXTURES)[number];
      // One to three mutations on top of each other.
      let text = fixture.lock;
      const steps: string[] = [];
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        const m = mutate(text, r);
        text = m.text;
        steps.push(m.what);
      }
      const dir = `/fuzz/${fixture.name}`;
      const { outcome, problem } = await check(text, fixture.pyproject, dir);
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
      if (problem !== undefined) failures.push(`case ${n} (${fixture.name}: ${steps.join("; ")}): ${problem}`);
    }
    console.info(`fuzzed locks (seed ${SEED}): ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    expect(failures).toEqual([]);
    // The mutations reach past the TOML parser: schema and value errors, and successful runs.
    expect(codes.get("TSPACK_LOCK_INVALID") ?? 0).toBeGreaterThan(0);
  });
});

/** The first `key = "..."` value of `text` replaced by `value` (a TOML string). */
function replaceFirst(text: string, key: string, value: string): string {
  const m = new RegExp(`(?<![A-Za-z_-])${key} = "(?:[^"\\\\\\n]|\\\\.)*"`).exec(text);
  if (m === null) throw new Error(`no ${key}`);
  return text.slice(0, m.index) + `${key} = ${JSON.stringify(value)}` + text.slice(m.index + m[0].length);
}

/**
 * Cases the fuzzer found (most of them on the code before this test existed), kept as fixed tests:
 * the fixture, the mutation, and what must come out.
 */
const REGRESSIONS: Array<{
  name: string;
  fixture: string;
  mutate: (text: string) => string;
  expected: { code: string | "ok"; path?: string; line?: number; valueCode?: string };
}> = [
  {
    name: "an edge marker nested 5,000 deep (was a stack overflow: TSPACK_INTERNAL)",
    fixture: "uv-aws-lambda-example",
    mutate: (t) => replaceFirst(t, "marker", DEEP),
    expected: {
      code: "TSPACK_LOCK_INVALID",
      path: "package[3].dependencies[0].marker",
      line: 40,
      valueCode: "TSPACK_MARKER_SYNTAX",
    },
  },
  {
    name: 'requires-python = ">=3.12.[X]" (named neither the file nor the key)',
    fixture: "examples/fastapi-lambda",
    mutate: (t) => replaceFirst(t, "requires-python", ">=3.12.[X]"),
    expected: { code: "TSPACK_LOCK_INVALID", path: "requires-python", line: 2, valueCode: "TSPACK_VERSION_INVALID" },
  },
  {
    name: 'requires-python = "1e400"',
    fixture: "uv-lock/revision-2",
    mutate: (t) => replaceFirst(t, "requires-python", "1e400"),
    expected: { code: "TSPACK_LOCK_INVALID", path: "requires-python", valueCode: "TSPACK_VERSION_INVALID" },
  },
  {
    name: "an edge marker with an unknown variable (was TSPACK_MARKER_SYNTAX without a location)",
    fixture: "plan/big-lock",
    mutate: (t) => replaceFirst(t, "marker", "python_versio >= '3'"),
    expected: { code: "TSPACK_LOCK_INVALID", valueCode: "TSPACK_MARKER_SYNTAX" },
  },
  {
    name: "a version swapped with a size: an unsupported lock version (named no line)",
    fixture: "plan/dependency",
    mutate: (t) => t.replace(/^version = 1$/m, "version = 142737"),
    expected: { code: "TSPACK_LOCK_VERSION_UNSUPPORTED", line: 1 },
  },
  {
    name: "an edge marker of 300 alternatives over distinct extras (prints without a quadratic blow-up)",
    fixture: "uv-aws-lambda-example",
    mutate: (t) => replaceFirst(t, "marker", CHAIN),
    expected: { code: "ok" },
  },
  {
    name: "an edge marker whose diagram is exponential (refused while selecting, naming the edge)",
    fixture: "uv-aws-lambda-example",
    mutate: (t) => replaceFirst(t, "marker", EXPONENTIAL),
    expected: { code: "TSPACK_MARKER_SYNTAX", path: "package[3].dependencies[0].marker", line: 40 },
  },
  {
    name: "a truncated workspace lock without the root package (a selection error that named no file)",
    fixture: "examples/workspace",
    mutate: (t) => t.slice(0, t.indexOf("[[package]]")),
    expected: { code: "TSPACK_SELECTION_INVALID", path: "package" },
  },
];

describe("fuzzed locks: regressions", () => {
  it.each(REGRESSIONS)("$name", async ({ fixture, mutate: change, expected }) => {
    const f = FIXTURES.find((x) => x.name === fixture) as (typeof FIXTURES)[number];
    const dir = `/fuzz/${f.name}`;
    const text = change(f.lock);
    expect(text).not.toBe(f.lock);
    const { outcome, problem } = await check(text, f.pyproject, dir);
    expect(problem).toBeUndefined();
    expect(outcome).toBe(expected.code);
    if (expected.code === "ok") return;
    let error: TspackError | undefined;
    try {
      await runPipeline(text, f.pyproject, dir);
    } catch (e) {
      error = e as TspackError;
    }
    const d = error?.details ?? {};
    if (expected.path !== undefined) expect(d.path).toBe(expected.path);
    if (expected.line !== undefined) expect(d.line).toBe(expected.line);
    if (expected.valueCode !== undefined)
      expect((d.errors as Array<{ code?: string }>)[0]?.code).toBe(expected.valueCode);
  });
});
