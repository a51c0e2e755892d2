/**
 * The small typed context one build passes to its stages: events out (warnings collected for build.json),
 * stage start/end events with their durations (`timings`), and the abort check. No stage shares anything
 * else: each takes its inputs and returns its outputs.
 */
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { TspackEvent } from "../events.js";

export interface BuildRun {
  /** Reports an event to the caller; warnings are also kept for build.json. */
  emit(e: TspackEvent): void;
  warn(message: string): void;
  /** Throws TSPACK_ABORTED once the caller's signal is aborted. */
  checkAborted(): void;
  /**
   * Runs one stage between `stage:start` and `stage` (its duration) events, then checks for an abort.
   * `work` may be synchronous: its result is returned as it is (a promise only when it is one).
   */
  stage<T>(name: string, work: () => T): T;
  readonly signal: AbortSignal | undefined;
  readonly warnings: string[];
  /** Milliseconds per stage (0.1 ms resolution), in the order they ran. */
  readonly timings: Record<string, number>;
}

export function startRun(
  onEvent: ((e: TspackEvent) => void) | undefined,
  signal: AbortSignal | undefined,
  observe?: (e: TspackEvent) => void,
): BuildRun {
  const warnings: string[] = [];
  const timings: Record<string, number> = {};
  const emit = (e: TspackEvent): void => {
    if (e.type === "warning") warnings.push(e.message);
    observe?.(e);
    onEvent?.(e);
  };
  const checkAborted = (): void => {
    if (signal?.aborted) throw new TspackError(ERROR_CODES.ABORTED, "The build was aborted", { cause: signal.reason });
  };
  const end = (name: string, started: number): void => {
    const ms = performance.now() - started;
    timings[name] = Math.round(ms * 10) / 10;
    onEvent?.({ type: "stage", stage: name, ms });
  };
  return {
    emit,
    warn: (message) => emit({ type: "warning", message }),
    checkAborted,
    stage<T>(name: string, work: () => T): T {
      const started = performance.now();
      onEvent?.({ type: "stage:start", stage: name });
      const out = work();
      if (out instanceof Promise)
        return out.then((value) => {
          end(name, started);
          checkAborted();
          return value;
        }) as T;
      end(name, started);
      checkAborted();
      return out;
    },
    signal,
    warnings,
    timings,
  };
}
