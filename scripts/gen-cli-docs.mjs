// Writes docs/cli.md from the CLI's own --help output, so the reference can never drift from the code.
// `node scripts/gen-cli-docs.mjs --check` exits 1 when docs/cli.md is out of date (a test runs this).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "packages", "tspack", "bin", "tspack.js");
const help = (...args) =>
  execFileSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const commands = ["build", "plan", "export", "fetch", "install", "pip", "tags", "cache"];

let md = `# CLI reference

Generated from \`tspack --help\` by \`node scripts/gen-cli-docs.mjs\`; a test fails when this file is stale.

Exit status: 0 success; 1 failure (including \`tspack plan\` with packages that have no compatible wheel);
2 usage error; 130 interrupted. With \`--json\`, results (and errors, as \`{"error": {code, message, hint}}\`)
go to stdout and progress events to stderr as JSON lines.

A closed pipe ends the output quietly, as with git and uv: when the reader of stdout or stderr goes away
(\`tspack plan | head -1\`), the command stops (a build publishes nothing half-written) and exits 0, with
no message; an error already being reported keeps its exit status. Any other failure to write stdout
(\`> /dev/full\`) is \`TSPACK_IO\`, exit 1. Failures that are not tspack's own are classified, never
called bugs: a full disk, a read-only mount, a permission, a name too long give \`TSPACK_IO\` naming the
folder you gave (\`--out\`, \`--target\`, \`--cache-dir\`, …) and the fix; DNS, refused, reset, timeout and TLS
errors give \`TSPACK_NETWORK\` after the retries; \`TSPACK_INTERNAL\` is a bug (its stack trace with \`-v\`).

Environment: \`TSPACK_CACHE_DIR\`, \`XDG_CACHE_HOME\` (cache location), \`TSPACK_CONCURRENCY\`, \`TSPACK_OFFLINE=1\`,
uv's \`UV_*\` variables (see "Coming from uv"),
\`SOURCE_DATE_EPOCH\` (zip timestamps), \`TSPACK_LINK_MODE\` / \`UV_LINK_MODE\` (\`install --link-mode\`, in that order),
\`NETRC\`, \`UV_INDEX_<NAME>_USERNAME\`/\`_PASSWORD\` (credentials),
\`UV_HTTP_RETRIES\` (retries of a failed request, default 3), \`HTTPS_PROXY\`/\`HTTP_PROXY\`/\`NO_PROXY\`, \`NO_COLOR\`, \`TSPACK_COMPILE_CACHE_DIR\` / \`TSPACK_NO_COMPILE_CACHE=1\`
(where the CLI keeps V8's compiled code, or turn that off), \`TSPACK_MEMO=0\` (turn the warm path off: no memoized
plans, zip recipes, compressed bytes, checked-wheel markers or unpacked wheels are read or written; the cache
gains only downloaded wheels and the output is the same bytes, slower).

## Private indexes

Declare the index in pyproject.toml as uv does, without credentials, and give them in the environment:

\`\`\`toml
[[tool.uv.index]]
name = "private"
url = "https://pkgs.example.com/simple"
\`\`\`

\`\`\`sh
UV_INDEX_PRIVATE_USERNAME=me UV_INDEX_PRIVATE_PASSWORD=token tspack build
\`\`\`

The variable names are \`UV_INDEX_<NAME>_USERNAME\` / \`_PASSWORD\` with the index name upper-cased and every
character other than a letter or digit written \`_\` (\`my-corp.index\` → \`UV_INDEX_MY_CORP_INDEX_*\`). The
\`[[tool.uv.index]]\` tables of the project's pyproject.toml are read, and those of the workspace root's when
the project is a member (\`--lock\` names the root's uv.lock). A request gets the credentials of the index its
URL is under: same scheme, host and port, and the index URL's path (for an index ending in \`/simple\`, the
folder above it, where its files usually live). That covers the lock's \`source = { registry = ... }\` index
and the wheel URLs below it; other hosts never see them, not even through a redirect.

For each request the first of these wins, in uv's order: credentials in the URL itself
(\`https://user:token@host/...\`); the index's \`UV_INDEX_<NAME>_USERNAME\`/\`_PASSWORD\` (either one set is
enough); credentials in the index's own \`url\`; the \`.netrc\` entry for the host (\`NETRC\`, else \`~/.netrc\`;
\`machine\`, then \`default\`). An index with \`authenticate = "never"\` gets none. A 401 or 403 names the
variables of the index the URL is under, or the \`[[tool.uv.index]]\` table to add when it is under none.

Credentials are never printed or stored: every output (text, \`--json\`, events, errors), build.json and every
file of the cache show \`https://****@host/...\`. \`tspack export\` writes what \`uv export\` writes: a direct
URL keeps its credentials (registry packages are \`name==version\`).

## Coming from uv

\`tspack\` takes the uv AWS Lambda guide's command lines as written, with \`uv\` replaced by \`tspack\`:

\`\`\`sh
tspack export --frozen --no-dev --no-editable -o requirements.txt
tspack pip install --no-installer-metadata --no-compile-bytecode \\
    --python-platform x86_64-manylinux2014 --python 3.13 --target packages -r requirements.txt
tspack pip install ... --prefix packages -r requirements.txt      # the layer
\`\`\`

uv's flags are aliases of tspack's own (which keep their names); uv's \`UV_*\` variables stand in for them.
The order is always: **flag > \`TSPACK_*\` > \`UV_*\` > pyproject.toml > default**. A uv flag tspack cannot honour is
accepted by the parser and refused with the reason (exit 2), never "unknown option"; an unknown flag still
gets "unknown option" with the nearest real one.

| uv | tspack |
|---|---|
| \`uv pip install\` | \`tspack pip install\` = \`tspack install\` (other \`pip\` subcommands are refused: they need a Python environment or a resolver) |
| \`uv export\` | \`tspack export\`: the same bytes, header naming tspack |
| \`--frozen\`, \`UV_FROZEN\` | accepted: tspack always uses uv.lock as it is |
| \`--locked\` | refused: checking the lock against pyproject.toml needs uv's resolver (\`uv lock --check\`, then \`--frozen\`) |
| \`--no-dev\`, \`UV_NO_DEV\`; \`--group\`, \`--no-group\`, \`--only-group\`, \`--all-groups\`, \`--extra\`, \`--no-extra\`, \`--all-extras\` | the same selection |
| \`--no-editable\`, \`UV_NO_EDITABLE\`, \`--no-editable-package\` | export: members as plain paths (\`./library\`); install: always so |
| \`--no-emit-project\`, \`--no-emit-workspace\`, \`--no-emit-local\`, \`--no-emit-package\` (and \`--no-install-*\`), \`--prune\`, \`--package\`, \`--all-packages\` | the same |
| \`-o\`, \`--output-file\`, \`--no-hashes\`, \`--no-header\`, \`--no-annotate\`, \`--format requirements.txt\` | the same |
| \`--emit-index-url\`, \`--emit-find-links\` | the same lines: \`--index-url\` (the default index), \`--extra-index-url\` for the others, \`--find-links\` |
| \`--script PATH\` | export a PEP 723 script from its \`PATH.lock\` (\`uv lock --script\`; tspack never resolves) |
| \`-r\`, \`--requirements\` | what \`uv export\` writes: pins with \`--hash\` and markers, local paths and \`-e\` paths (built natively like workspace members, installed non-editable), \`--index-url\`/\`--extra-index-url\`/\`--find-links\`/\`--no-index\` lines; relative paths from the current folder, as uv |
| \`-t\`, \`--target\`; \`--prefix\` | the same layouts (\`DIR\`, \`DIR/lib/python3.X/site-packages\`); both at once is a usage error |
| \`--python-platform TRIPLE\` | \`--platform\` (the default is the guide's \`x86_64-manylinux2014\`) |
| \`-p\`, \`--python\`, \`--python-version\`, \`UV_PYTHON\` | the target Python (\`3.13\`, \`python3.13\`, \`cpython@3.13\`); a path names an interpreter, used only to compile .pyc instead of Pyodide |
| \`--no-installer-metadata\`, \`UV_NO_INSTALLER_METADATA\` | no INSTALLER and REQUESTED |
| \`--compile-bytecode\`, \`UV_COMPILE_BYTECODE\`; \`--no-compile-bytecode\` | hash-based .pyc (checked-hash; \`--invalidation-mode unchecked-hash\`) compiled by tspack's Pyodide for the target's Python, or by a CPython named by \`--python-interpreter\` (or a path in \`UV_PYTHON\`); \`--no-compile-bytecode\` beats the variable; off by default, except for \`build --layout dir\` |
| \`--link-mode\`, \`UV_LINK_MODE\` | \`TSPACK_LINK_MODE\` first; \`clone\`, \`copy\`, \`hardlink\` (\`symlink\` is refused) |
| \`-i\`, \`--index-url\`, \`--default-index\`, \`UV_INDEX_URL\`, \`UV_DEFAULT_INDEX\` | the default index: registry files come from it instead of the lock's URLs; for \`-r\`, searched after the others |
| \`--index [NAME=]URL\`, \`UV_INDEX\`; \`--extra-index-url\`, \`UV_EXTRA_INDEX_URL\` | for \`-r\`: searched first, in order (the first index that has the project wins, uv's \`first-index\`); a named index gets \`UV_INDEX_<NAME>_USERNAME\`/\`_PASSWORD\`; for a lock: their credentials apply to URLs under them |
| \`[[tool.uv.index]]\` (\`name\`, \`url\`, \`default\`, \`explicit\`) | credentials for URLs under each; \`--emit-index-url\` writes them as uv does |
| \`-f\`, \`--find-links\`, \`UV_FIND_LINKS\` | a folder of wheels or an HTML page of links (URL or file), searched before the indexes |
| \`--no-index\` | only \`--find-links\` |
| \`UV_INDEX_<NAME>_USERNAME\`/\`_PASSWORD\`, \`NETRC\`, URL userinfo | credentials (see "Private indexes"), never printed |
| \`--cache-dir\`, \`UV_CACHE_DIR\` | \`--cache-dir\`; \`TSPACK_CACHE_DIR\`, then \`$UV_CACHE_DIR/tspack\` (a folder of its own inside uv's cache) |
| \`-n\`, \`--no-cache\`, \`UV_NO_CACHE\` | a temporary cache, removed at exit |
| \`--offline\`, \`UV_OFFLINE\` | \`TSPACK_OFFLINE\` first |
| \`UV_CONCURRENT_DOWNLOADS\` | \`--concurrency\`, \`TSPACK_CONCURRENCY\` first |
| \`UV_HTTP_RETRIES\` | retries of a failed request |
| \`--project DIR\`, \`UV_PROJECT\`; \`--directory DIR\`, \`UV_WORKING_DIR\` | as uv: the project is the nearest pyproject.toml at or above the folder, its lock the workspace root's; \`--directory\` changes the current folder first. No pyproject.toml, or no uv.lock at the root, is an error naming the folder and the fix |
| \`-q\`, \`-v\`, \`-vv\`, \`--no-progress\`, \`UV_NO_PROGRESS\`, \`--color\` | the same |
| \`--no-build\`, \`--only-binary\`, \`--no-binary :none:\`, \`--no-build-isolation\`, \`--no-deps\`, \`--reinstall\`, \`--refresh\`, \`-U\`, \`-P\`, \`--no-sources\`, \`--no-config\`, \`--verify-hashes\`, \`--strict\`, \`--no-python-downloads\`, \`--managed-python\` | accepted, nothing to do: tspack installs wheels only, exactly the pinned set, checks every hash, never runs a Python |
| \`--no-binary PKG\`, \`-e\`, \`-c\`, \`--overrides\`, \`-b\`, \`--system\`, \`--break-system-packages\`, \`--no-verify-hashes\`, \`--torch-backend\`, \`--dry-run\`, \`--config-file\` | refused with the reason (building from source, editable installs, resolving, Python environments, uv.toml) |
| \`--require-hashes\`, \`UV_REQUIRE_HASHES\` | fail for a file without a hash |

## tspack

\`\`\`
${help("--help").trimEnd()}
\`\`\`
`;
for (const c of commands) md += `\n## tspack ${c}\n\n\`\`\`\n${help(c, "--help").trimEnd()}\n\`\`\`\n`;

const path = join(root, "docs", "cli.md");
if (process.argv.includes("--check")) {
  const current = readFileSync(path, "utf8");
  if (current !== md) {
    console.error("docs/cli.md is out of date: run `node scripts/gen-cli-docs.mjs`");
    process.exit(1);
  }
} else writeFileSync(path, md);
