/**
 * The warm seam: everything a warm build reuses from the cache, behind one object. The build's stages ask
 * it, never the cache directly, for: the plan memo, the per-wheel install-plan memo and the compressed-bytes
 * memo (by handing their modules the cache folder, or not), the checked-wheel markers, the zip recipes,
 * the verifier pre-start, and the background cache writes (awaited once, before publishing).
 *
 * `openWarm(cacheDir, false)` (library `memo: false`, CLI `TSPACK_MEMO=0`) turns all of it off: nothing is
 * read from or written to the cache but downloaded wheels, every wheel is checked in full every time, and
 * the build gives the same bytes, slower. The store under the seam is @tspack/cache's `MemoStore`
 * (get/put by kind and key, verified on read): the remote cache layers under the local one there.
 */
import type { MemoStore } from "@tspack/cache";
import type { TspackEvent } from "../events.js";
import { type PlanOptions, type PlanResult, plan } from "../plan.js";
import type { RemoteCacheRun } from "../remote-cache.js";
import { startVerifier, VERIFIER_PRESTART_BYTES } from "../verify-wheels.js";
import { layerStore, memoStoreFor } from "./memo.js";
import { planMemoized } from "./plan-memo.js";
import { readZipRecipe, writeZipRecipe, type ZipRecipe, zipRecipeKey } from "./zip-recipe.js";

export type { RecipeZip, ZipRecipe } from "./zip-recipe.js";

export interface Warm {
  readonly enabled: boolean;
  /** The store (undefined when off). */
  readonly store: MemoStore | undefined;
  /**
   * The cache folder for the modules that keep their own memo or markers in it (install plans, compressed
   * bytes, checked-wheel markers); undefined when off.
   */
  readonly memoDir: string | undefined;
  /** Plans the project: from the plan memo when on. */
  plan(options: PlanOptions): Promise<PlanResult>;
  /** Sees the build's events: starts the wheel verifier while big downloads run. */
  observe(e: TspackEvent): void;
  /** The key of the zips' recipe (undefined when off). */
  recipeKey(input: Parameters<typeof zipRecipeKey>[0]): string | undefined;
  readRecipe(key: string | undefined): Promise<ZipRecipe | undefined>;
  /** Stores a recipe once `when` resolves (a build whose wheels passed their checks), in the background. */
  writeRecipe(key: string | undefined, recipe: () => ZipRecipe, when: Promise<unknown>): void;
  /** A cache write that need not hold up the build (settled by {@link Warm.settle}). */
  later(write: Promise<unknown> | undefined): void;
  /** Waits for every background write (never rejects). */
  settle(): Promise<void>;
}

/** `memo` as the options give it, else the environment's TSPACK_MEMO (`0` is off). */
export function memoEnabled(memo: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return memo ?? env.TSPACK_MEMO !== "0";
}

/**
 * Opens the warm seam of one run. `remote` (the run's remote cache, `--remote-cache`) goes under the local
 * store: a local miss asks the bucket, a computed entry is uploaded in the background.
 */
export function openWarm(cacheDir: string, enabled: boolean, remote?: RemoteCacheRun): Warm {
  const background: Array<Promise<unknown>> = [];
  const later = (write: Promise<unknown> | undefined): void => {
    if (write) background.push(write.catch(() => {}));
  };
  const settle = async (): Promise<void> => {
    await Promise.allSettled(background);
  };
  if (!enabled) {
    return {
      enabled,
      store: undefined,
      memoDir: undefined,
      plan: (options) => plan(options),
      observe: () => {},
      recipeKey: () => undefined,
      readRecipe: async () => undefined,
      writeRecipe: () => {},
      later,
      settle,
    };
  }
  layerStore(cacheDir, remote === undefined ? undefined : (local) => remote.layer(local));
  const store = memoStoreFor(cacheDir);
  return {
    enabled,
    store,
    memoDir: cacheDir,
    plan: (options) => planMemoized(options, cacheDir),
    observe(e) {
      // New wheels are CRC-checked in a worker thread: let it boot while they download.
      if (e.type === "fetch:start" && e.bytesToDownload >= VERIFIER_PRESTART_BYTES) startVerifier();
    },
    recipeKey: (input) => zipRecipeKey(input),
    readRecipe: async (key) => (key === undefined ? undefined : readZipRecipe(store, key)),
    writeRecipe(key, recipe, when) {
      if (key === undefined) return;
      later(
        when.then(
          () => writeZipRecipe(store, key, recipe()),
          () => {},
        ),
      );
    },
    later,
    settle,
  };
}
