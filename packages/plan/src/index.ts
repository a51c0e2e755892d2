// @tspack/plan: Selection like uv export --frozen, best-wheel choice, requirements.txt export
export type { WheelCandidates, WheelChoice } from "./choose-wheel.js";
export { chooseWheel } from "./choose-wheel.js";
export { compareExportOrder, comparePackageIds, compareRustPaths } from "./export-order.js";
export type { RequirementsTxtOptions } from "./format-requirements-txt.js";
export { formatRequirementsTxt, packageHashes } from "./format-requirements-txt.js";
export { markerEnvironmentFor } from "./marker-environment.js";
export type { Marker } from "./markers.js";
export { MarkerCache } from "./markers.js";
export { missingWheelsError } from "./missing-wheels-error.js";
export type {
  InstallPlan,
  PlanInstallOptions,
  PlannedPackage,
  PlannedWheel,
  SkippedPackage,
} from "./plan-install.js";
export { planInstall } from "./plan-install.js";
export type { InstallPlanJSON } from "./plan-json.js";
export { planToJSON } from "./plan-json.js";
export type { ProjectInfo } from "./project-info.js";
export type { SelectOptions } from "./select-options.js";
export type { SelectContext, SelectedPackage, Selection } from "./select-packages.js";
export { selectPackages } from "./select-packages.js";
