import { formatRequirementsTxt, type RequirementsTxtOptions, type SelectOptions, selectPackages } from "@tspack/plan";
import type { UvIndex } from "@tspack/project";
import { declaredIndexes, indexPreamble } from "./indexes.js";
import { type ProjectContext, type ProjectOptions, readProject } from "./read-project.js";
import { readScriptProject } from "./script.js";
import { classified, projectUserPaths } from "./user-paths.js";
import { type IndexArg, indexSettings } from "./uv-env.js";

/** Options for {@link exportRequirements}: uv export's selection and output flags. */
export interface ExportOptions extends ProjectOptions, RequirementsTxtOptions {
  selection?: SelectOptions;
  project?: ProjectContext;
  /** A PEP 723 script: export from its `<script>.lock` instead of a project (uv's `--script`). */
  script?: string;
  /** Write `--index-url`/`--extra-index-url` lines (uv's `--emit-index-url`). */
  emitIndexUrl?: boolean;
  /** Write `--find-links` lines (uv's `--emit-find-links`). */
  emitFindLinks?: boolean;
  /** The default index (`--default-index`/`--index-url`; else UV_DEFAULT_INDEX, UV_INDEX_URL from `env`). */
  indexUrl?: string;
  /** `--index` then `--extra-index-url` (else UV_INDEX, UV_EXTRA_INDEX_URL from `env`). */
  indexes?: readonly IndexArg[];
  /** `--find-links` (else UV_FIND_LINKS from `env`). */
  findLinks?: readonly string[];
  /** The environment for the UV_* index variables (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Warnings uv prints on stderr (an explicit index emitted as `--extra-index-url`). */
  onWarning?: (message: string) => void;
}

/**
 * requirements.txt exactly as `uv export --frozen` writes it for the same lock and flags; only the two
 * header lines differ (they name tspack and its command line).
 */
export async function exportRequirements(options: ExportOptions = {}): Promise<string> {
  return classified(projectUserPaths(options), undefined, async () => {
    let project = options.project;
    let declared: UvIndex[] = [];
    if (project === undefined && options.script !== undefined) {
      const script = readScriptProject(options.script);
      project = script.project;
      declared = script.indexes;
    } else {
      project ??= await readProject(options);
      if (options.emitIndexUrl) declared = declaredIndexes(project);
    }
    const selection = selectPackages(project.lock, project.projectInfo, options.selection ?? {});
    let preamble: string[] = [];
    if (options.emitIndexUrl || options.emitFindLinks) {
      const settings = indexSettings(
        {
          ...(options.indexUrl === undefined ? {} : { defaultIndex: options.indexUrl }),
          ...(options.indexes === undefined
            ? {}
            : { index: options.indexes.map((i) => (i.name ? `${i.name}=${i.url}` : i.url)) }),
          ...(options.findLinks === undefined ? {} : { findLinks: [...options.findLinks] }),
        },
        options.env ?? process.env,
      );
      const result = indexPreamble({
        emitIndexUrl: options.emitIndexUrl === true,
        emitFindLinks: options.emitFindLinks === true,
        defaultIndex: settings.defaultIndex,
        indexes: settings.indexes,
        declared,
        findLinks: settings.findLinks,
      });
      preamble = result.lines;
      if (result.explicitEmitted)
        options.onWarning?.(
          "`requirements.txt` does not support per-package index pinning; explicit indexes were emitted globally via `--extra-index-url`.",
        );
    }
    return formatRequirementsTxt(selection, { ...options, preamble });
  });
}
