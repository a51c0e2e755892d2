// The pure core of @tspack/image: no node:* module (Biome's noNodejsModules enforces it).
export * from "./auth.js";
export * from "./gzip.js";
export * from "./manifest.js";
export * from "./media-types.js";
export * from "./platform.js";
export * from "./reference.js";
export * from "./tar.js";
