/**
 * The command-line surface as data: every command, its flags and its help text. `args.ts` parses argv
 * against this table and `help.ts` renders help from it, so the two can never disagree.
 */

export type FlagKind = "boolean" | "string" | "multiple";

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Placeholder in help, e.g. "PATH". */
  value?: string;
  help: string;
  /** Help section. */
  group: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments accepted (names, for help); "PROJECT_DIR" is the common one. */
  positionals: string[];
  flags: FlagSpec[];
  description?: string;
  examples?: string[];
}

const G_TARGET = "Target";
const G_SELECT = "Selection (like `uv export --frozen`)";
const G_PROJECT = "Project";
const G_OUTPUT = "Output";
const G_NET = "Downloads and cache";
const G_INSTALL = "Install";
const G_BUILD = "Build";

const PROJECT: FlagSpec[] = [
  {
    name: "lock",
    kind: "string",
    value: "PATH",
    help: "Path to uv.lock, relative to the current folder (default: PROJECT_DIR/uv.lock)",
    group: G_PROJECT,
  },
];

const TARGET: FlagSpec[] = [
  {
    name: "runtime",
    kind: "string",
    value: "NAME",
    help: "Lambda runtime, e.g. python3.13 (sets Python and the runtime's glibc)",
    group: G_TARGET,
  },
  { name: "arch", kind: "string", value: "ARCH", help: "x86_64 (default) or arm64", group: G_TARGET },
  {
    name: "platform",
    kind: "string",
    value: "TRIPLE",
    help: "uv platform triple, e.g. x86_64-manylinux2014 (default), aarch64-manylinux_2_28",
    group: G_TARGET,
  },
  {
    name: "python",
    kind: "string",
    value: "VERSION",
    help: "Target Python, e.g. 3.13 (default) or 3.13.5 for markers",
    group: G_TARGET,
  },
];

const SELECTION: FlagSpec[] = [
  {
    name: "package",
    kind: "multiple",
    value: "NAME",
    help: "Export/install only this workspace member (repeatable)",
    group: G_SELECT,
  },
  { name: "all-packages", kind: "boolean", help: "Use every workspace member as a root", group: G_SELECT },
  { name: "no-dev", kind: "boolean", help: "Leave out the `dev` group", group: G_SELECT },
  {
    name: "dev",
    kind: "boolean",
    help: "Include the `dev` group (Lambda commands leave it out by default)",
    group: G_SELECT,
  },
  { name: "only-dev", kind: "boolean", help: "Only the `dev` group (no project dependencies)", group: G_SELECT },
  { name: "group", kind: "multiple", value: "GROUP", help: "Include a dependency group (repeatable)", group: G_SELECT },
  {
    name: "no-group",
    kind: "multiple",
    value: "GROUP",
    help: "Exclude a dependency group (repeatable)",
    group: G_SELECT,
  },
  {
    name: "only-group",
    kind: "multiple",
    value: "GROUP",
    help: "Only these groups, no project dependencies",
    group: G_SELECT,
  },
  { name: "all-groups", kind: "boolean", help: "Include every dependency group", group: G_SELECT },
  { name: "no-default-groups", kind: "boolean", help: "Ignore tool.uv.default-groups", group: G_SELECT },
  {
    name: "extra",
    kind: "multiple",
    value: "EXTRA",
    help: "Include an optional-dependency extra (repeatable)",
    group: G_SELECT,
  },
  { name: "all-extras", kind: "boolean", help: "Include every extra", group: G_SELECT },
  { name: "no-emit-project", kind: "boolean", help: "Leave out the root project itself", group: G_SELECT },
  {
    name: "no-emit-workspace",
    kind: "boolean",
    help: "Leave out the root project and all workspace members",
    group: G_SELECT,
  },
  {
    name: "no-emit-package",
    kind: "multiple",
    value: "NAME",
    help: "Leave out this package (its deps stay)",
    group: G_SELECT,
  },
  {
    name: "prune",
    kind: "multiple",
    value: "NAME",
    help: "Leave out this package and what only it needs",
    group: G_SELECT,
  },
  { name: "frozen", kind: "boolean", help: "Accepted for uv compatibility (tspack never re-locks)", group: G_SELECT },
];

const OUTPUT: FlagSpec[] = [
  { name: "json", kind: "boolean", help: "Machine-readable JSON on stdout", group: G_OUTPUT },
  { name: "quiet", short: "q", kind: "boolean", help: "Print only errors", group: G_OUTPUT },
  { name: "verbose", short: "v", kind: "boolean", help: "Print more detail", group: G_OUTPUT },
];

const NET: FlagSpec[] = [
  {
    name: "cache-dir",
    kind: "string",
    value: "DIR",
    help: "Cache directory (env TSPACK_CACHE_DIR; default ~/.cache/tspack)",
    group: G_NET,
  },
  {
    name: "offline",
    kind: "boolean",
    help: "Never use the network; fail naming every file not in the cache",
    group: G_NET,
  },
  {
    name: "concurrency",
    kind: "string",
    value: "N",
    help: "Parallel downloads (env TSPACK_CONCURRENCY)",
    group: G_NET,
  },
  {
    name: "index-url",
    kind: "string",
    value: "URL",
    help: "Fetch registry files from this index instead of the lock's",
    group: G_NET,
  },
  {
    name: "mirror",
    kind: "multiple",
    value: "FROM=TO",
    help: "Rewrite URLs starting with FROM to TO (repeatable)",
    group: G_NET,
  },
  { name: "require-hashes", kind: "boolean", help: "Fail for files that have no hash in the lock", group: G_NET },
];

const INSTALL: FlagSpec[] = [
  {
    name: "link-mode",
    kind: "string",
    value: "MODE",
    help: "clone (default: reflink, else copy) | copy | hardlink (env TSPACK_LINK_MODE, UV_LINK_MODE)",
    group: G_INSTALL,
  },
  { name: "no-installer-metadata", kind: "boolean", help: "Do not write INSTALLER and REQUESTED", group: G_INSTALL },
  {
    name: "shebang",
    kind: "string",
    value: "PATH",
    help: "Interpreter for bin/ scripts (default /var/lang/bin/python3.X)",
    group: G_INSTALL,
  },
  {
    name: "compile-bytecode",
    kind: "boolean",
    help: "Write .pyc (unchecked-hash) using --python-interpreter",
    group: G_INSTALL,
  },
  {
    name: "python-interpreter",
    kind: "string",
    value: "PATH",
    help: "Python used by --compile-bytecode (must be the target's X.Y)",
    group: G_INSTALL,
  },
];

export const COMMANDS: CommandSpec[] = [
  {
    name: "build",
    summary: "Build Lambda artifacts (function zip, layer zip or task-root dir) from a uv project",
    usage: "tspack build [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    description:
      "Reads pyproject.toml and uv.lock, chooses a wheel for every package, downloads into the cache,\n" +
      "and writes deterministic artifacts into --out. Nothing is built from source; no Python, uv or Docker.\n" +
      "--out is replaced as a whole, so it must be missing, empty or tspack's previous output (its build.json\n" +
      "lists every entry), and not the project, the workspace, the cache, the current or home folder.",
    flags: [
      { name: "layout", kind: "string", value: "LAYOUT", help: "zip (default) | layer | dir", group: G_BUILD },
      {
        name: "out",
        short: "o",
        kind: "string",
        value: "DIR",
        help: "Output folder, replaced as a whole (default: PROJECT_DIR/dist/lambda)",
        group: G_BUILD,
      },
      {
        name: "exclude",
        kind: "multiple",
        value: "GLOB",
        help: "Leave the project's files matching GLOB out (repeatable; added to [tool.tspack] exclude)",
        group: G_BUILD,
      },
      ...PROJECT,
      ...TARGET,
      ...SELECTION,
      ...NET,
      ...INSTALL.filter((f) => f.name === "shebang"),
      {
        name: "compile-bytecode",
        kind: "boolean",
        help: "Refused: build ships no .pyc (use `tspack install --compile-bytecode`)",
        group: G_INSTALL,
      },
      ...OUTPUT,
    ],
    examples: [
      "tspack build",
      "tspack build --runtime python3.13 --arch arm64",
      "tspack build examples/fastapi-lambda --layout layer --out build/",
    ],
  },
  {
    name: "plan",
    summary: "Show which wheel each package gets for the target (no downloads)",
    usage: "tspack plan [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    description: "Exit status 1 (with the full report) when a package has no compatible wheel.",
    flags: [...PROJECT, ...TARGET, ...SELECTION, ...OUTPUT],
    examples: ["tspack plan --json", "tspack plan --runtime python3.12 --arch arm64"],
  },
  {
    name: "export",
    summary: "Write requirements.txt exactly as `uv export` does",
    usage: "tspack export [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    flags: [
      {
        name: "output-file",
        short: "o",
        kind: "string",
        value: "FILE",
        help: "Also write to FILE (never the project's pyproject.toml or uv.lock)",
        group: G_OUTPUT,
      },
      { name: "no-hashes", kind: "boolean", help: "Omit --hash lines", group: G_OUTPUT },
      { name: "no-header", kind: "boolean", help: "Omit the header comment", group: G_OUTPUT },
      { name: "no-annotate", kind: "boolean", help: "Omit `# via` annotations", group: G_OUTPUT },
      { name: "no-editable", kind: "boolean", help: "Print editable sources as plain paths", group: G_OUTPUT },
      { name: "format", kind: "string", value: "FORMAT", help: "requirements.txt (the only format)", group: G_OUTPUT },
      ...PROJECT,
      ...SELECTION,
      { name: "quiet", short: "q", kind: "boolean", help: "Do not print to stdout", group: G_OUTPUT },
    ],
    examples: ["tspack export --frozen --no-dev --no-editable -o requirements.txt"],
  },
  {
    name: "fetch",
    summary: "Download every planned wheel into the cache (verified against the lock)",
    usage: "tspack fetch [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    flags: [...PROJECT, ...TARGET, ...SELECTION, ...NET, ...OUTPUT],
  },
  {
    name: "install",
    summary: "Install the planned wheels into a --target or --prefix directory",
    usage:
      "tspack install [PROJECT_DIR] (--target DIR | --prefix DIR) [options]\n       tspack install -r requirements.txt (--target DIR | --prefix DIR) [options]",
    positionals: ["PROJECT_DIR"],
    description:
      "Merges into DIR like uv: your files stay, older versions of the same packages are uninstalled.\n" +
      "DIR must not be the project, the workspace, the cache, the current or home folder (nor hold them).\n" +
      "Files come from tspack's unpacked cache as copies (reflinks where the file system supports them).\n" +
      "--link-mode hardlink is faster but shares the cache's files: editing an installed file then changes\n" +
      "the cache and every later install (`tspack cache verify` reports and removes such files).",
    flags: [
      {
        name: "target",
        kind: "string",
        value: "DIR",
        help: "Install into DIR (function zip / task root layout)",
        group: G_INSTALL,
      },
      {
        name: "prefix",
        kind: "string",
        value: "DIR",
        help: "Install under DIR/lib/python3.X/site-packages (layer layout)",
        group: G_INSTALL,
      },
      {
        name: "requirement",
        short: "r",
        kind: "string",
        value: "FILE",
        help: "Install from a requirements.txt with pinned versions and hashes",
        group: G_INSTALL,
      },
      {
        name: "clean",
        kind: "boolean",
        help: "Replace DIR as a whole (only if installed RECORDs list every file in it)",
        group: G_INSTALL,
      },
      ...INSTALL,
      ...PROJECT,
      ...TARGET,
      ...SELECTION,
      ...NET,
      ...OUTPUT,
    ],
  },
  {
    name: "tags",
    summary: "Print the target's compatible wheel tags, best first (like `pip debug --verbose`)",
    usage: "tspack tags [options]",
    positionals: [],
    flags: [...TARGET, ...OUTPUT],
    examples: ["tspack tags --platform aarch64-manylinux2014 --python 3.13"],
  },
  {
    name: "cache",
    summary: "Manage the cache: dir | clean | prune | verify",
    usage: "tspack cache <dir|clean|prune|verify> [options]",
    positionals: ["SUBCOMMAND"],
    description:
      "clean, prune and verify touch only a folder tspack created (its TSPACK-CACHE marker, or an older\n" +
      "tspack's cache); any other folder is refused with TSPACK_NOT_OWNED and left as it is.",
    flags: [NET[0]!, ...OUTPUT],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
