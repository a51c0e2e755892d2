export {
  type BytecodeOptions,
  type BytecodeResult,
  type BytecodeSessionOptions,
  compileBytecode,
  createCompiler,
  type PycFile,
  pycMemoKey,
  type SkippedFile,
  type SourceFile,
} from "./compile-files.js";
export type { CompileJob, CompileOutcome, PyCompiler } from "./compiler.js";
export { PYODIDE_RELEASES, type PyodideRelease } from "./compilers.js";
export { HostPythonCompiler } from "./host-compiler.js";
export type { MemoStore } from "./memo-store.js";
export {
  INVALIDATION_MODES,
  type InvalidationMode,
  PYC_FLAGS,
  PYC_MAGIC,
  type PycHeaderInfo,
  pycBytes,
  pycHeader,
  pycMagic,
  pycMatchesSource,
  pycPath,
  readPycHeader,
  sourceHash,
} from "./pyc.js";
export { hasPyodide, PyodideCompiler, type PyodideCompilerOptions } from "./pyodide-compiler.js";
export { sipHash } from "./siphash.js";
