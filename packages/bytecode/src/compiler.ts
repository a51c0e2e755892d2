/** One file for a compiler: its source bytes and the file name its code objects carry (`co_filename`). */
export interface CompileJob {
  source: Uint8Array;
  /** Where the file lives at run time (`compileall -d`): `/var/task/app.py`. */
  dfile: string;
}

/**
 * What a compiler says about one file: the marshalled code object, or why the file ships as source only
 * (`error`: it does not compile, like a SyntaxError; `crash`: it crashed the interpreter).
 */
export type CompileOutcome = { code: Uint8Array } | { error: string } | { crash: string };

/** Turns Python sources into marshalled code objects for one CPython minor version. */
export interface PyCompiler {
  /** The Python minor version it compiles for (3.X → X). */
  readonly minor: number;
  /**
   * Names the compiler exactly (its CPython patch version decides the bytes), for the cache key; known
   * without starting the compiler when it can be.
   */
  identity(): Promise<string>;
  /** Compiles the jobs, in order; never throws for a file, only when the compiler itself cannot run. */
  compile(jobs: ReadonlyArray<CompileJob>): Promise<CompileOutcome[]>;
  /** Ends the compiler's thread or process; further use starts it again. */
  close(): Promise<void>;
}
