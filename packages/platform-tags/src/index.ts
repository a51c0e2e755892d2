// @tspack/platform-tags: targets and ordered compatible wheel tags.
export type { Arch, Target } from "./target.js";
