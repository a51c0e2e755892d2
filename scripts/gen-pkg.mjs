// One-off scaffolder: node scripts/gen-pkg.mjs name "description" dep1,dep2 ext1@ver,ext2@ver pure|effectful
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

const [name, desc, depsArg = "", extArg = "", kind = "pure"] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const deps = depsArg ? depsArg.split(",") : [];
const ext = extArg ? extArg.split(",") : [];
const dependencies = {};
for (const d of deps) dependencies[`@tspack/${d}`] = "workspace:*";
for (const e of ext) {
  const i = e.lastIndexOf("@");
  dependencies[e.slice(0, i)] = e.slice(i + 1);
}
const pkg = {
  name: `@tspack/${name}`,
  version: "0.1.0",
  private: true,
  description: `${desc} (internal, unstable)`,
  type: "module",
  sideEffects: false,
  files: ["dist"],
  exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
  tspack: { pure: kind === "pure" },
  dependencies,
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
const tsconfig = {
  extends: "../../tsconfig.base.json",
  compilerOptions: { rootDir: "src", outDir: "dist", ...(kind === "pure" ? {} : { types: ["node"] }) },
  include: ["src"],
  references: deps.map((d) => ({ path: `../${d}` })),
};
writeFileSync(`${dir}/tsconfig.json`, JSON.stringify(tsconfig, null, 2) + "\n");
if (!existsSync(`${dir}/src/index.ts`))
  writeFileSync(`${dir}/src/index.ts`, `// @tspack/${name}: ${desc}\nexport {};\n`);
writeFileSync(
  `${dir}/README.md`,
  `# @tspack/${name}\n\n**Internal, unstable.** ${desc}. Part of [tspack](../../README.md); see docs/architecture.md.\n`,
);
