import { formatRequirementsTxt, type RequirementsTxtOptions, type SelectOptions, selectPackages } from "@tspack/plan";
import { type ProjectContext, type ProjectOptions, readProject } from "./read-project.js";
import { classified, projectUserPaths } from "./user-paths.js";

/** Options for {@link exportRequirements}: uv export's selection and output flags. */
export interface ExportOptions extends ProjectOptions, RequirementsTxtOptions {
  selection?: SelectOptions;
  project?: ProjectContext;
}

/**
 * requirements.txt exactly as `uv export --frozen` writes it for the same lock and flags; only the two
 * header lines differ (they name tspack and its command line).
 */
export async function exportRequirements(options: ExportOptions = {}): Promise<string> {
  return classified(projectUserPaths(options), undefined, async () => {
    const project = options.project ?? (await readProject(options));
    const selection = selectPackages(project.lock, project.projectInfo, options.selection ?? {});
    return formatRequirementsTxt(selection, options);
  });
}
