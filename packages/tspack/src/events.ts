/**
 * Progress and diagnostics reported through `onEvent`. The library never prints; the CLI renders these
 * (a TTY line, `--json` events on stderr, or nothing with `-q`).
 */
import type { FetchEvent } from "@tspack/fetch";
import type { ImageEvent } from "@tspack/image";

export type { FetchEvent, ImageEvent };

export type TspackEvent =
  | { type: "warning"; message: string }
  | { type: "plan:done"; packages: number; missing: number; ms: number }
  | FetchEvent
  /** `--layout image`: base blobs pulled (or found in the cache), blobs pushed, a manifest pushed, a retry. */
  | ImageEvent
  | { type: "install:start"; packages: number }
  | { type: "install:done"; packages: number; files: number; bytes: number; ms: number }
  | { type: "build:member"; name: string; filename: string }
  | { type: "install:conflict"; path: string; winner: string; loser: string; identical: boolean }
  | { type: "artifact"; kind: string; path: string; bytes: number }
  /** A stage of `build` began (see build.ts for the stages, in order). */
  | { type: "stage:start"; stage: string }
  /** A stage of `build` ended, `ms` after its start. */
  | { type: "stage"; stage: string; ms: number }
  /** Bytecode of a build: pycs written, how many were compiled now and how many came from the cache. */
  | { type: "bytecode"; pycs: number; compiled: number; fromMemo: number; skipped: number }
  /** A module that ships as source only (it does not compile, or crashed the compiler): shown with -v. */
  | { type: "bytecode:source-only"; path: string; reason: string };
