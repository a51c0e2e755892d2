#!/usr/bin/env node
// Node ≥ 22.1 can cache compiled code between runs (~30 ms of a warm build); older Nodes just skip it.
import module from "node:module";

module.enableCompileCache?.();
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv.slice(2));
