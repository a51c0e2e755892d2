import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const packages = fileURLToPath(new URL("./packages/", import.meta.url));
// Tests import every @tspack/* package from its TypeScript source, not its build output.
const alias = Object.fromEntries(
  readdirSync(packages)
    .filter((n) => n !== "tspack")
    .map((n) => [`@tspack/${n}`, `${packages}${n}/src/index.ts`])
    .concat([["tspack", `${packages}tspack/src/index.ts`]]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "bench/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
