/**
 * The build's inputs once fetched: the wheels (cached ones read on the thread pool in the background from
 * here on; workspace members and packaged roots built natively in memory) and the project's own files.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { collectProjectFiles, isPackagedProject } from "@tspack/project";
import type { TspackEvent } from "../events.js";
import type { FetchStageResult } from "../fetch.js";
import { buildLocalSources } from "../members.js";
import { type LoadedWheel, openWheels, wheelFromBytes } from "../wheels.js";
import type { FileEntry } from "./types.js";

export interface BuildWheels {
  /** The cached wheels (being read in the background). */
  loaded: LoadedWheel[];
  /** The local sources, built in memory. */
  members: LoadedWheel[];
  /** Members first, then the cached wheels: the order of the zip recipe's sources. */
  all: LoadedWheel[];
}

export async function openBuildWheels(fetched: FetchStageResult, emit: (e: TspackEvent) => void): Promise<BuildWheels> {
  const loaded = openWheels(fetched.wheels);
  const members: LoadedWheel[] = [];
  for (const m of await buildLocalSources(fetched, emit)) {
    members.push(
      wheelFromBytes({ name: m.name, version: m.version, filename: m.filename, sha256: m.sha256, bytes: m.bytes }),
    );
  }
  return { loaded, members, all: [...members, ...loaded] };
}

/** The project's own code, for roots that are not installed as a package (virtual projects). */
export async function readProjectCode(
  fetched: FetchStageResult,
  exclude: readonly string[] | undefined,
  outDir: string,
): Promise<FileEntry[]> {
  const { project } = fetched;
  const cfg = project.pyproject?.tspack ?? {};
  const root = project.projectInfo.name
    ? fetched.plan.packages.find((p) => p.name === project.projectInfo.name)
    : undefined;
  const rootInstalled = root !== undefined && root.source.kind !== "virtual";
  const packaged = project.pyproject ? isPackagedProject(project.pyproject) : false;
  if (rootInstalled && packaged) return [];
  const files = await collectProjectFiles(project.projectDir, {
    ...(cfg.include ? { include: cfg.include } : {}),
    ...(cfg.exclude || exclude?.length ? { exclude: [...(cfg.exclude ?? []), ...(exclude ?? [])] } : {}),
    out: relative(project.projectDir, outDir).split("\\").join("/"),
  });
  // Synchronous: the thread pool is reading wheels, and a project's files are few and small.
  return files.map((f) => ({ path: f.path, mode: f.mode, data: readFileSync(f.abs), owner: "project" }));
}
