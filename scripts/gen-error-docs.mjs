// Writes docs/errors.md from packages/errors/src/codes.ts (one row per code, from its doc comment).
// `--check` exits 1 when the file is stale (a test runs this).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = readFileSync(join(root, "packages", "errors", "src", "codes.ts"), "utf8");
const rows = [];
const re = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*\n\s*([A-Z_]+):\s*"([A-Z_]+)"/g;
for (let m = re.exec(src); m; m = re.exec(src)) {
  const doc = m[1].replace(/\n\s*\*\s?/g, " ").trim();
  rows.push(`| \`${m[3]}\` | \`ERROR_CODES.${m[2]}\` | ${doc} |`);
}
const md = `# Error codes

Every error tspack raises is a \`TspackError\` with one of these stable codes (generated from
\`packages/errors/src/codes.ts\` by \`node scripts/gen-error-docs.mjs\`). Match on \`code\`, never on the message:

\`\`\`ts
import { isTspackError } from "tspack";
try { await build(options); } catch (e) { if (isTspackError(e, "TSPACK_NO_COMPATIBLE_WHEEL")) { /* … */ } }
\`\`\`

Messages put the input first (quoted), then the reason; syntax errors add the source line with a caret,
validation errors a dotted path (\`package[12].wheels[3].hash\`). A remedy, when there is one, is in \`hint\`;
structured data for machines is in \`details\`. The CLI prints \`error[CODE]: message\` and \`hint: …\`, and with
\`--json\` \`{"error": {"code", "message", "hint", "details"}}\`. Exit status: 2 for \`TSPACK_USAGE\`, 130 for
\`TSPACK_ABORTED\`, 1 otherwise.

| code | constant | when |
|---|---|---|
${rows.join("\n")}
`;
const path = join(root, "docs", "errors.md");
if (process.argv.includes("--check")) {
  if (readFileSync(path, "utf8") !== md) {
    console.error("docs/errors.md is out of date: run `node scripts/gen-error-docs.mjs`");
    process.exit(1);
  }
} else writeFileSync(path, md);
