import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { ProjectInfo, SelectOptions } from "@tspack/plan";
import type { Lock } from "@tspack/uv-lock";
import { parseUvLock } from "@tspack/uv-lock";

const EXPORT_DIR = new URL("../fixtures/export/", import.meta.url);
const EXAMPLE_DIR = new URL("../../../../test/fixtures/uv-aws-lambda-example/", import.meta.url);

/** One golden export case of packages/plan/test/fixtures/export/<name>/cases.json. */
export interface ExportCase {
  args: string;
  /** The selection, for the pure cases (absent for `cli` cases). */
  select?: SelectOptions;
  format?: { editable?: boolean; noEditablePackages?: string[] };
  /** The `tspack` arguments of a case run through the CLI on the fixture's real files. */
  cli?: string[];
  expected: string;
}

/** Parses a lock text (the fixture locks are canonical, so no warnings are expected). */
export function lockFrom(text: string, path = "uv.lock"): Lock {
  return parseUvLock(text, { path }).lock;
}

/** The names of the golden export fixture directories. */
export function exportFixtureNames(): string[] {
  return readdirSync(EXPORT_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Reads one golden export fixture: lock, project info, cases with their expected texts. */
export function readExportFixture(name: string): {
  lock: Lock;
  project: ProjectInfo;
  cases: Array<ExportCase & { text: string }>;
} {
  const dir = new URL(`${name}/`, EXPORT_DIR);
  const read = (f: string) => readFileSync(new URL(f, dir), "utf8");
  const lockFile = existsSync(new URL("uv.lock", dir)) ? "uv.lock" : "script.py.lock";
  const lockText = name === "fastapi-no-dev" ? readExampleLockText() : read(lockFile);
  const cases = JSON.parse(read("cases.json")) as ExportCase[];
  return {
    lock: lockFrom(lockText),
    project: existsSync(new URL("pyproject.toml-info.json", dir))
      ? (JSON.parse(read("pyproject.toml-info.json")) as ProjectInfo)
      : { dependencyGroups: [], optionalDependencies: [] },
    cases: cases.map((c) => ({ ...c, text: read(c.expected) })),
  };
}

/** The real uv.lock of the FastAPI + Mangum example. */
export function readExampleLockText(): string {
  return readFileSync(new URL("uv.lock", EXAMPLE_DIR), "utf8");
}

/** The ProjectInfo of the FastAPI + Mangum example (pyproject.toml: dev group with fastapi[standard]). */
export const EXAMPLE_PROJECT: ProjectInfo = {
  name: "uv-aws-lambda-example",
  dependencyGroups: ["dev"],
  optionalDependencies: [],
};
