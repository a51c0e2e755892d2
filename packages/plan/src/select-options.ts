/**
 * The `uv export` selection flags, as data. Names are normalized by {@link selectPackages}.
 */
export interface SelectOptions {
  /** `--package P` (repeatable): export these workspace members instead of the current project. */
  packages?: readonly string[];
  /** `--all-packages`: every workspace member. */
  allPackages?: boolean;
  /** `--extra X` (repeatable). */
  extras?: readonly string[];
  /** `--no-extra X` (repeatable; wins over `--extra`/`--all-extras`). */
  noExtras?: readonly string[];
  /** `--all-extras`. */
  allExtras?: boolean;
  /** `--dev` (= `--group dev`). */
  dev?: boolean;
  /** `--no-dev` (= `--no-group dev`: removes only `dev`; other default groups stay). */
  noDev?: boolean;
  /** `--only-dev` (= `--only-group dev`). */
  onlyDev?: boolean;
  /** `--group G` (repeatable). */
  groups?: readonly string[];
  /** `--no-group G` (repeatable; exclusion wins). */
  noGroups?: readonly string[];
  /** `--only-group G` (repeatable): only these groups, no production dependencies, no defaults. */
  onlyGroups?: readonly string[];
  /** `--all-groups`. */
  allGroups?: boolean;
  /** `--no-default-groups`. */
  noDefaultGroups?: boolean;
  /** `--no-emit-project`: omit the project itself (its dependencies stay). */
  noEmitProject?: boolean;
  /** `--no-emit-workspace`: omit the project and every workspace member. */
  noEmitWorkspace?: boolean;
  /** `--no-emit-local`: omit path, directory, editable and virtual sources. */
  noEmitLocal?: boolean;
  /** `--no-emit-package P` (repeatable). */
  noEmitPackages?: readonly string[];
  /** `--prune P` (repeatable): drop P and everything reachable only through it. */
  prune?: readonly string[];
}

/** Resolved dependency-group flags (uv's `DependencyGroupsWithDefaults`). */
export interface GroupSpec {
  /** Production dependencies are selected (false under `--only-group`/`--only-dev`). */
  prod: boolean;
  /** Whether `group` is selected (exclusion wins). */
  contains(group: string): boolean;
  /** Selected only because it is a default group. */
  containsBecauseDefault(group: string): boolean;
  /** Group names the user named explicitly (validated against the project). */
  explicit: string[];
}

/** Resolved extras flags (uv's `ExtrasSpecification`). */
export interface ExtraSpec {
  /** Whether `extra` is selected for a root. */
  contains(extra: string): boolean;
  /** Extra names the user named explicitly (validated against the roots). */
  explicit: string[];
}

/** Applies uv's group rules (`DependencyGroups::from_history`) to the flags and default groups. */
export function resolveGroupSpec(
  options: SelectOptions,
  defaults: readonly string[] | "all" | undefined,
  normalize: (s: string) => string,
): GroupSpec {
  const group = (options.groups ?? []).map(normalize);
  const onlyGroup = (options.onlyGroups ?? []).map(normalize);
  const noGroup = (options.noGroups ?? []).map(normalize);
  if (options.dev) group.push("dev");
  if (options.onlyDev) onlyGroup.push("dev");
  if (options.noDev) noGroup.push("dev");
  const only = onlyGroup.length > 0;
  const useDefaults = !options.noDefaultGroups && !only;
  const explicitInclude = new Set([...group, ...onlyGroup]);
  const exclude = new Set(noGroup);
  const allDefaults = defaults === "all";
  const defaultSet = new Set(defaults === undefined ? ["dev"] : defaults === "all" ? [] : defaults.map(normalize));

  const includedWithoutDefaults = (g: string): boolean => !!options.allGroups || explicitInclude.has(g);
  const contains = (g: string): boolean => {
    if (exclude.has(g)) return false;
    if (includedWithoutDefaults(g)) return true;
    return useDefaults && (allDefaults || defaultSet.has(g));
  };
  return {
    prod: !only,
    contains,
    containsBecauseDefault: (g) => contains(g) && !(!exclude.has(g) && includedWithoutDefaults(g)),
    // `--dev`/`--no-dev`/`--only-dev` name `dev` implicitly; uv tolerates an undefined `dev` there.
    explicit: [...(options.groups ?? []), ...(options.noGroups ?? []), ...(options.onlyGroups ?? [])].map(normalize),
  };
}

/** Applies uv's extras rules to the flags. */
export function resolveExtraSpec(options: SelectOptions, normalize: (s: string) => string): ExtraSpec {
  const include = new Set((options.extras ?? []).map(normalize));
  const exclude = new Set((options.noExtras ?? []).map(normalize));
  return {
    contains: (e) => !exclude.has(e) && (!!options.allExtras || include.has(e)),
    explicit: [...include, ...exclude],
  };
}
