/** The string-valued marker variables (their values are compared as strings, or as versions when both parse). */
export type MarkerStringVariable =
  | "implementation_name"
  | "os_name"
  | "platform_machine"
  | "platform_python_implementation"
  | "platform_release"
  | "platform_system"
  | "platform_version"
  | "sys_platform";

/** The version-valued marker variables. */
export type MarkerVersionVariable = "implementation_version" | "python_full_version" | "python_version";

/** uv's PEP 751 list markers (`'x' in extras`, `'dev' in dependency_groups`). */
export type MarkerListVariable = "extras" | "dependency_groups";

/** Every marker variable, with deprecated aliases already mapped to their modern names. */
export type MarkerVariable = MarkerStringVariable | MarkerVersionVariable | MarkerListVariable | "extra";

/** A comparison operator of a marker expression. */
export type MarkerOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "~=" | "===" | "in" | "not in";

/** One side of a marker expression: a variable or a quoted string. */
export type MarkerValue =
  | { readonly type: "variable"; readonly name: MarkerVariable }
  | { readonly type: "string"; readonly value: string };

/** A single comparison such as `sys_platform == 'linux'` or `'arm' in platform_machine`. */
export interface MarkerExpression {
  readonly kind: "expr";
  readonly left: MarkerValue;
  readonly op: MarkerOperator;
  readonly right: MarkerValue;
}

/** The constant markers (`MARKER_TRUE`, `MARKER_FALSE`). */
export interface MarkerConstant {
  readonly kind: "true" | "false";
}

/** A conjunction or disjunction of at least two sub-markers. */
export interface MarkerJunction {
  readonly kind: "and" | "or";
  readonly children: readonly MarkerTree[];
}

/** A parsed PEP 508 marker: plain, immutable data (safe to serialize, compare, or walk). */
export type MarkerTree = MarkerConstant | MarkerExpression | MarkerJunction;

/** The always-true marker (an absent marker). */
export const MARKER_TRUE: MarkerTree = Object.freeze({ kind: "true" });

/** The always-false marker (printed by uv as `python_version < '0'`). */
export const MARKER_FALSE: MarkerTree = Object.freeze({ kind: "false" });

/** Marker variable spellings accepted by the parser (PEP 508 names, PEP 345 dotted aliases) → modern name. */
export const MARKER_VARIABLE_ALIASES: Readonly<Record<string, MarkerVariable>> = Object.freeze({
  implementation_name: "implementation_name",
  implementation_version: "implementation_version",
  os_name: "os_name",
  "os.name": "os_name",
  platform_machine: "platform_machine",
  "platform.machine": "platform_machine",
  platform_python_implementation: "platform_python_implementation",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation",
  platform_release: "platform_release",
  platform_system: "platform_system",
  platform_version: "platform_version",
  "platform.version": "platform_version",
  python_full_version: "python_full_version",
  python_version: "python_version",
  sys_platform: "sys_platform",
  "sys.platform": "sys_platform",
  extra: "extra",
  extras: "extras",
  dependency_groups: "dependency_groups",
});

const VERSION_VARIABLES: ReadonlySet<string> = new Set([
  "implementation_version",
  "python_full_version",
  "python_version",
]);

/** True for the version-valued variables (`python_version`, `python_full_version`, `implementation_version`). */
export function isVersionVariable(name: MarkerVariable): name is MarkerVersionVariable {
  return VERSION_VARIABLES.has(name);
}
