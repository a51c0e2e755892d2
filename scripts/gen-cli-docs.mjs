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
const commands = ["build", "plan", "export", "fetch", "install", "tags", "cache"];

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
