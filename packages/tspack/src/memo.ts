// The memo moved behind the warm seam (warm/memo.ts); this path stays for the modules that import it.
export * from "./warm/memo.js";
