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
  /** Other long spellings (uv's), without `--`; parsed into `name`. */
  aliases?: string[];
  /** A `--no-X` spelling: sets the flag `negates` to false (an explicit "no" that beats the environment). */
  negates?: string;
  /**
   * A uv flag tspack accepts but cannot honour: the reason, or a function of the value returning the
   * reason (undefined when that value is fine, e.g. `--no-binary :none:`). Refused before any work.
   */
  refused?: string | ((value: string | boolean | string[]) => string | undefined);
  /** Flags that cannot be combined with this one (usage error naming both). */
  conflicts?: string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments accepted (names, for help); "PROJECT_DIR" is the common one. */
  positionals: string[];
  flags: FlagSpec[];
  /** Where the command sits in the main help's list (default: the command's name). */
  hidden?: boolean;
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
const G_UV = "uv compatibility (accepted with uv's meaning)";
const G_IMAGE = "Container image (--layout image)";

const IMAGE: FlagSpec[] = [
  {
    name: "handler",
    kind: "string",
    value: "MODULE.FUNCTION",
    help: "The Lambda handler: the image's CMD and the Dockerfile's (default: [tool.tspack] handler, else detected)",
    group: G_IMAGE,
  },
  {
    name: "base",
    kind: "string",
    value: "REF",
    help: "Base image: REGISTRY/REPO:TAG, …@sha256:DIGEST or oci:PATH[:TAG] (default: public.ecr.aws/lambda/python:3.X of the target)",
    group: G_IMAGE,
  },
  {
    name: "push",
    kind: "multiple",
    value: "REF",
    help: "Push the image to REGISTRY/REPO[:TAG] after building it (repeatable); prints REF@sha256:…",
    group: G_IMAGE,
  },
  {
    name: "registry-username",
    kind: "string",
    value: "USER",
    help: "User name for the --push registries (with --registry-password-stdin; e.g. AWS for ECR)",
    group: G_IMAGE,
  },
  {
    name: "registry-password-stdin",
    kind: "boolean",
    help: "Read the --push registries' password from stdin (`aws ecr get-login-password | tspack build …`)",
    group: G_IMAGE,
  },
];

const PROJECT: FlagSpec[] = [
  {
    name: "lock",
    kind: "string",
    value: "PATH",
    help: "Path to uv.lock, relative to the current folder (default: the workspace root's uv.lock)",
    group: G_PROJECT,
  },
  {
    name: "project",
    kind: "string",
    value: "DIR",
    help: "Find the project from DIR (and its parents), like uv (env UV_PROJECT)",
    group: G_PROJECT,
  },
  {
    name: "directory",
    kind: "string",
    value: "DIR",
    help: "Run as if started in DIR: every relative path resolves against it (env UV_WORKING_DIR)",
    group: G_PROJECT,
  },
  {
    name: "locked",
    kind: "boolean",
    help: "Refused: checking that uv.lock is up to date needs uv's resolver",
    refused:
      "tspack cannot check that uv.lock is up to date with pyproject.toml (that needs uv's resolver). Run `uv lock --check` first, then use --frozen (tspack always uses uv.lock as it is)",
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
    help: "uv platform triple, e.g. x86_64-manylinux2014 (default), aarch64-manylinux_2_28 (uv: --python-platform)",
    group: G_TARGET,
    aliases: ["python-platform"],
  },
  {
    name: "python",
    short: "p",
    kind: "string",
    value: "VERSION",
    help: "Target Python, e.g. 3.13 (default), 3.13.5, python3.13, cpython@3.13 (env UV_PYTHON)",
    group: G_TARGET,
  },
  {
    name: "python-version",
    kind: "string",
    value: "VERSION",
    help: "uv's spelling of the target Python (same as --python)",
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
  {
    name: "no-extra",
    kind: "multiple",
    value: "EXTRA",
    help: "Leave out this extra (with --all-extras)",
    group: G_SELECT,
  },
  {
    name: "no-emit-project",
    kind: "boolean",
    help: "Leave out the root project itself",
    group: G_SELECT,
    aliases: ["no-install-project"],
  },
  {
    name: "no-emit-workspace",
    kind: "boolean",
    help: "Leave out the root project and all workspace members",
    group: G_SELECT,
    aliases: ["no-install-workspace"],
  },
  {
    name: "no-emit-local",
    kind: "boolean",
    help: "Leave out every local source (workspace members, paths)",
    group: G_SELECT,
    aliases: ["no-install-local"],
  },
  {
    name: "no-emit-package",
    kind: "multiple",
    value: "NAME",
    help: "Leave out this package (its deps stay)",
    group: G_SELECT,
    aliases: ["no-install-package"],
  },
  {
    name: "prune",
    kind: "multiple",
    value: "NAME",
    help: "Leave out this package and what only it needs",
    group: G_SELECT,
  },
  {
    name: "frozen",
    kind: "boolean",
    help: "Use uv.lock as it is: always so, tspack never re-locks (env UV_FROZEN)",
    group: G_SELECT,
  },
];

const OUTPUT: FlagSpec[] = [
  { name: "json", kind: "boolean", help: "Machine-readable JSON on stdout", group: G_OUTPUT },
  { name: "quiet", short: "q", kind: "boolean", help: "Print only errors", group: G_OUTPUT },
  { name: "verbose", short: "v", kind: "boolean", help: "Print more detail (-vv as uv: the same)", group: G_OUTPUT },
  {
    name: "no-progress",
    kind: "boolean",
    help: "No live progress line (env UV_NO_PROGRESS); warnings and errors still print",
    group: G_OUTPUT,
  },
  {
    name: "color",
    kind: "string",
    value: "WHEN",
    help: "auto (default) | always | never (NO_COLOR is honoured too)",
    group: G_OUTPUT,
    refused: (v) =>
      typeof v === "string" && !["auto", "always", "never"].includes(v)
        ? `"${v}" is not one of auto, always, never`
        : undefined,
  },
];

/** A uv flag tspack honours trivially: accepted, and it changes nothing (the help says why). */
function noop(name: string, help: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { name, kind: "boolean", help, group: G_UV, ...extra };
}

/** A uv flag tspack cannot honour: accepted by the parser and refused with the reason. */
function refusedFlag(name: string, reason: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { name, kind: "boolean", help: `Refused: ${reason}`, group: G_UV, refused: reason, ...extra };
}

const NO_RESOLVER =
  "tspack never resolves: it installs exactly the pinned versions of uv.lock or of a requirements.txt written by `uv export`";

/** uv's global flags that have nothing to do for tspack. */
const UV_GLOBAL: FlagSpec[] = [
  noop("no-config", "Ignored: tspack reads no uv.toml"),
  noop("no-python-downloads", "Ignored: tspack never runs or downloads a Python"),
  noop("managed-python", "Ignored: tspack never runs or downloads a Python"),
  noop("no-managed-python", "Ignored: tspack never runs or downloads a Python"),
  noop("python-preference", "Ignored: tspack never runs or downloads a Python", { kind: "string", value: "PREF" }),
  refusedFlag(
    "config-file",
    "tspack reads no uv.toml; put the settings on the command line, in UV_* variables or in [tool.tspack]",
    { kind: "string", value: "FILE" },
  ),
];

/** uv's build, refresh and resolver flags: tspack never builds or resolves. */
const UV_BUILD: FlagSpec[] = [
  noop("no-build", "Always so: tspack never builds source archives (env UV_NO_BUILD)"),
  noop("only-binary", "Always so for every package: tspack installs wheels only", {
    kind: "multiple",
    value: "PKG",
  }),
  {
    name: "no-binary",
    kind: "multiple",
    value: "PKG",
    help: "Refused (except :none:): tspack never builds from source",
    group: G_UV,
    refused: (v) =>
      Array.isArray(v) && v.every((p) => p === ":none:")
        ? undefined
        : "tspack never builds a package from its source archive; it installs wheels only (drop --no-binary)",
  },
  noop("no-build-isolation", "Ignored: tspack runs no build backend"),
  noop("no-build-isolation-package", "Ignored: tspack runs no build backend", { kind: "multiple", value: "PKG" }),
  noop("no-sources", "Ignored: tspack reads uv.lock, not tool.uv.sources"),
  noop("refresh", "Ignored: cache entries are checked by sha256, never stale"),
  noop("refresh-package", "Ignored: cache entries are checked by sha256, never stale", {
    kind: "multiple",
    value: "PKG",
  }),
  noop("upgrade", `Ignored: ${NO_RESOLVER}`, { short: "U" }),
  noop("upgrade-package", `Ignored: ${NO_RESOLVER}`, { short: "P", kind: "multiple", value: "PKG" }),
];

/** uv pip install's flags beyond tspack's own. */
const UV_PIP_INSTALL: FlagSpec[] = [
  noop("no-deps", "Always so: the requirements (or the lock) already list every package"),
  noop("reinstall", "Always so: every planned package is written again"),
  noop("reinstall-package", "Always so: every planned package is written again", { kind: "multiple", value: "PKG" }),
  noop("no-editable", "Always so: local projects are built into wheels and installed, never linked"),
  noop("verify-hashes", "Always so: every file is checked against its hash"),
  noop("strict", "Ignored: the lock is complete by construction"),
  refusedFlag("no-verify-hashes", "tspack always checks each file against the hash in the lock or requirements"),
  refusedFlag(
    "system",
    "tspack installs into --target or --prefix only; it never touches a Python environment (env UV_SYSTEM_PYTHON)",
  ),
  refusedFlag(
    "break-system-packages",
    "tspack installs into --target or --prefix only; it never touches a Python environment",
  ),
  refusedFlag(
    "editable",
    "an editable install links to the source folder, which a Lambda artifact does not have. Give the path without -e: tspack builds it into a wheel",
    { short: "e", kind: "multiple", value: "PATH" },
  ),
  refusedFlag("constraints", NO_RESOLVER, { short: "c", kind: "multiple", value: "FILE", aliases: ["constraint"] }),
  refusedFlag("overrides", NO_RESOLVER, { kind: "multiple", value: "FILE", aliases: ["override"] }),
  refusedFlag("build-constraints", "tspack never builds source archives", {
    short: "b",
    kind: "multiple",
    value: "FILE",
    aliases: ["build-constraint"],
  }),
  refusedFlag("torch-backend", NO_RESOLVER, { kind: "string", value: "BACKEND" }),
  refusedFlag("dry-run", "use `tspack plan` to see what would be installed"),
];

const G_REMOTE = "Remote cache (docs/remote-cache.md)";
/** The shared remote cache's flags: part of NET, so every command that downloads has them. */
const REMOTE_CACHE: FlagSpec[] = [
  {
    name: "remote-cache",
    kind: "string",
    value: "URL",
    help: "Share wheels and warm results in s3://BUCKET[/PREFIX] (env TSPACK_REMOTE_CACHE; [tool.tspack] remote-cache)",
    group: G_REMOTE,
  },
  {
    name: "remote-cache-endpoint",
    kind: "string",
    value: "URL",
    help: "S3 endpoint for MinIO, R2, Ceph… (default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS)",
    group: G_REMOTE,
  },
  {
    name: "remote-cache-path-style",
    kind: "boolean",
    help: "Path-style bucket URLs (default when the endpoint is an IP address or localhost)",
    group: G_REMOTE,
  },
  {
    name: "remote-cache-mode",
    kind: "string",
    value: "MODE",
    help: "readwrite (default) | read: upload nothing, e.g. for pull requests (env TSPACK_REMOTE_CACHE_MODE)",
    group: G_REMOTE,
  },
  {
    name: "remote-cache-required",
    kind: "boolean",
    help: "Fail when the remote cache fails, instead of a warning (env TSPACK_REMOTE_CACHE_REQUIRED=1)",
    group: G_REMOTE,
  },
];

const NET: FlagSpec[] = [
  {
    name: "cache-dir",
    kind: "string",
    value: "DIR",
    help: "Cache directory (env TSPACK_CACHE_DIR, UV_CACHE_DIR/tspack; default ~/.cache/tspack)",
    group: G_NET,
  },
  {
    name: "no-cache",
    short: "n",
    kind: "boolean",
    help: "Use a temporary cache, removed afterwards (env UV_NO_CACHE)",
    group: G_NET,
  },
  {
    name: "offline",
    kind: "boolean",
    help: "Never use the network; fail naming every file not in the cache (env TSPACK_OFFLINE, UV_OFFLINE)",
    group: G_NET,
  },
  {
    name: "concurrency",
    kind: "string",
    value: "N",
    help: "Parallel downloads (env TSPACK_CONCURRENCY, UV_CONCURRENT_DOWNLOADS)",
    group: G_NET,
    aliases: ["concurrent-downloads"],
  },
  {
    name: "index-url",
    short: "i",
    kind: "string",
    value: "URL",
    help: "The default index: registry files come from it instead of the lock's (uv: --default-index; env UV_INDEX_URL, UV_DEFAULT_INDEX)",
    group: G_NET,
    aliases: ["default-index"],
  },
  {
    name: "index",
    kind: "multiple",
    value: "[NAME=]URL",
    help: "Another index, searched before the default one; NAME gives it UV_INDEX_<NAME>_USERNAME/_PASSWORD (env UV_INDEX)",
    group: G_NET,
  },
  {
    name: "extra-index-url",
    kind: "multiple",
    value: "URL",
    help: "Another index, searched after --index (env UV_EXTRA_INDEX_URL)",
    group: G_NET,
  },
  {
    name: "find-links",
    short: "f",
    kind: "multiple",
    value: "PATH|URL",
    help: "A folder of wheels or an HTML page of links to them, searched first (env UV_FIND_LINKS)",
    group: G_NET,
  },
  {
    name: "no-index",
    kind: "boolean",
    help: "Use no index: only --find-links and the lock's local files",
    group: G_NET,
  },
  {
    name: "mirror",
    kind: "multiple",
    value: "FROM=TO",
    help: "Rewrite URLs starting with FROM to TO (repeatable)",
    group: G_NET,
  },
  {
    name: "require-hashes",
    kind: "boolean",
    help: "Fail for files that have no hash in the lock (env UV_REQUIRE_HASHES)",
    group: G_NET,
  },
  {
    name: "no-require-hashes",
    kind: "boolean",
    negates: "require-hashes",
    help: "Undo --require-hashes",
    group: G_NET,
  },
  ...REMOTE_CACHE,
];

const INSTALL: FlagSpec[] = [
  {
    name: "link-mode",
    kind: "string",
    value: "MODE",
    help: "clone (default: reflink, else copy) | copy | hardlink (env TSPACK_LINK_MODE, UV_LINK_MODE)",
    group: G_INSTALL,
  },
  {
    name: "no-installer-metadata",
    kind: "boolean",
    help: "Do not write INSTALLER and REQUESTED (env UV_NO_INSTALLER_METADATA)",
    group: G_INSTALL,
  },
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
    help: "Write hash-based .pyc for the target's Python, compiled by Pyodide (env UV_COMPILE_BYTECODE)",
    group: G_INSTALL,
  },
  {
    name: "no-compile-bytecode",
    kind: "boolean",
    negates: "compile-bytecode",
    help: "No .pyc (install's and zip/layer's default; beats UV_COMPILE_BYTECODE and the dir layout's default)",
    group: G_INSTALL,
  },
  {
    name: "invalidation-mode",
    kind: "string",
    value: "MODE",
    help: "checked-hash (default) | unchecked-hash: how Python checks a .pyc against its source",
    group: G_INSTALL,
  },
  {
    name: "python-interpreter",
    kind: "string",
    value: "PATH",
    help: "Compile .pyc with this CPython (the target's X.Y; or UV_PYTHON=PATH) instead of Pyodide",
    group: G_INSTALL,
  },
];

/** The install flags `build` takes too (bytecode: on by default for --layout dir, see stages/bytecode.ts). */
const BUILD_INSTALL_FLAGS = [
  "shebang",
  "compile-bytecode",
  "no-compile-bytecode",
  "invalidation-mode",
  "python-interpreter",
];

const INSTALL_COMMAND: CommandSpec = {
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
      short: "t",
      kind: "string",
      value: "DIR",
      help: "Install into DIR (function zip / task root layout)",
      group: G_INSTALL,
      conflicts: ["prefix"],
    },
    {
      name: "prefix",
      kind: "string",
      value: "DIR",
      help: "Install under DIR/lib/python3.X/site-packages (layer layout)",
      group: G_INSTALL,
      conflicts: ["target"],
    },
    {
      name: "requirement",
      short: "r",
      kind: "string",
      value: "FILE",
      help: "Install from a requirements.txt as `uv export` writes it (hashes, markers, local paths, index lines)",
      group: G_INSTALL,
      aliases: ["requirements"],
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
    ...UV_PIP_INSTALL,
    ...UV_BUILD,
    ...UV_GLOBAL,
  ],
};

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
      {
        name: "layout",
        kind: "string",
        value: "LAYOUT",
        help: "zip (default) | layer | dir | image (an OCI image; --push sends it to a registry)",
        group: G_BUILD,
      },
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
      ...INSTALL.filter((f) => BUILD_INSTALL_FLAGS.includes(f.name)),
      ...IMAGE,
      {
        name: "bytecode-only",
        kind: "boolean",
        help: "Ship mod.pyc instead of mod.py: smaller, but tracebacks show no source lines",
        group: G_INSTALL,
      },
      ...OUTPUT,
      ...UV_BUILD,
      ...UV_GLOBAL,
    ],
    examples: [
      "tspack build",
      "tspack build --runtime python3.13 --arch arm64",
      "tspack build examples/fastapi-lambda --layout layer --out build/",
      "tspack build --layout image --push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-fn:v1",
    ],
  },
  {
    name: "plan",
    summary: "Show which wheel each package gets for the target (no downloads)",
    usage: "tspack plan [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    description: "Exit status 1 (with the full report) when a package has no compatible wheel.",
    flags: [...PROJECT, ...TARGET, ...SELECTION, ...OUTPUT, ...UV_BUILD, ...UV_GLOBAL],
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
      {
        name: "no-editable",
        kind: "boolean",
        help: "Print editable sources as plain paths (env UV_NO_EDITABLE)",
        group: G_OUTPUT,
      },
      {
        name: "no-editable-package",
        kind: "multiple",
        value: "NAME",
        help: "Print this editable source as a plain path (repeatable)",
        group: G_OUTPUT,
      },
      {
        name: "emit-index-url",
        kind: "boolean",
        help: "Write --index-url / --extra-index-url lines (the default index, then the others)",
        group: G_OUTPUT,
      },
      { name: "emit-find-links", kind: "boolean", help: "Write --find-links lines", group: G_OUTPUT },
      { name: "format", kind: "string", value: "FORMAT", help: "requirements.txt (the only format)", group: G_OUTPUT },
      {
        name: "script",
        kind: "string",
        value: "PATH",
        help: "Export a PEP 723 script's dependencies from its lock, PATH.lock (`uv lock --script PATH`)",
        group: G_PROJECT,
        conflicts: ["all-packages", "package", "no-emit-project", "no-emit-workspace"],
      },
      ...PROJECT,
      ...SELECTION,
      ...NET.filter((f) =>
        [
          "cache-dir",
          "no-cache",
          "offline",
          "index-url",
          "index",
          "extra-index-url",
          "find-links",
          "no-index",
        ].includes(f.name),
      ),
      { name: "quiet", short: "q", kind: "boolean", help: "Do not print to stdout", group: G_OUTPUT },
      ...OUTPUT.filter((f) => f.name === "verbose" || f.name === "no-progress" || f.name === "color"),
      noop("python", "Ignored: uv.lock is universal, the export does not depend on the Python (env UV_PYTHON)", {
        short: "p",
        kind: "string",
        value: "PYTHON",
      }),
      ...UV_BUILD,
      ...UV_GLOBAL,
    ],
    examples: ["tspack export --frozen --no-dev --no-editable -o requirements.txt", "tspack export --script script.py"],
  },
  {
    name: "fetch",
    summary: "Download every planned wheel into the cache (verified against the lock)",
    usage: "tspack fetch [PROJECT_DIR] [options]",
    positionals: ["PROJECT_DIR"],
    flags: [...PROJECT, ...TARGET, ...SELECTION, ...NET, ...OUTPUT, ...UV_BUILD, ...UV_GLOBAL],
  },
  INSTALL_COMMAND,
  {
    ...INSTALL_COMMAND,
    name: "pip install",
    summary: "`tspack install` with uv's spelling: `uv pip install` for Lambda",
    usage: "tspack pip install -r requirements.txt (--target DIR | --prefix DIR) [options]",
    positionals: [],
    description:
      "The uv Lambda guide's command lines run as written with `uv` replaced by `tspack`. Without -r, installs\n" +
      "the project found from the current folder (or --project). Package names on the command line are refused:\n" +
      "tspack never resolves; export pinned requirements first (`tspack export`).",
    examples: [
      "tspack pip install --no-installer-metadata --no-compile-bytecode --python-platform x86_64-manylinux2014 --python 3.13 --target packages -r requirements.txt",
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
