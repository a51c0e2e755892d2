import { spawn, spawnSync } from "node:child_process";
import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { CompileJob, CompileOutcome, PyCompiler } from "./compiler.js";
import { PYC_MAGIC } from "./pyc.js";

/**
 * The compiler loop run by a host interpreter: reads framed (dfile, source) pairs on stdin and answers
 * each with a status byte and `marshal.dumps` of the code object (or the error text). `compile()` with
 * `dont_inherit=True` is exactly what py_compile and compileall do (`SourceLoader.source_to_code`).
 */
const LOOP = `
import sys, marshal, struct
r = sys.stdin.buffer
w = sys.stdout.buffer
def take(n):
    b = r.read(n)
    if len(b) != n:
        raise SystemExit(3)
    return b
(count,) = struct.unpack('<I', take(4))
for _ in range(count):
    (dl,) = struct.unpack('<I', take(4))
    dfile = take(dl).decode('utf-8', 'surrogateescape')
    (sl,) = struct.unpack('<I', take(4))
    source = take(sl)
    try:
        out = marshal.dumps(compile(source, dfile, 'exec', dont_inherit=True, optimize=-1))
        status = 0
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as e:
        out = (type(e).__name__ + ': ' + str(e)).encode('utf-8', 'replace')
        status = 1
    w.write(struct.pack('<BI', status, len(out)))
    w.write(out)
w.flush()
`;

/**
 * A CPython on this machine (`--python-interpreter PATH`), for users who want pycs of their exact patch
 * version. Its X.Y must be the target's: checked, with its magic, before the first compile.
 */
export class HostPythonCompiler implements PyCompiler {
  readonly minor: number;
  readonly python: string;
  #identity: string | undefined;

  constructor(python: string, minor: number) {
    this.python = python;
    this.minor = minor;
  }

  /** `cpython <X.Y.Z> <magic>` of the interpreter; TSPACK_TOOL_FAILED when it cannot run or is another X.Y. */
  async identity(): Promise<string> {
    if (this.#identity) return this.#identity;
    const python = this.python;
    const r = spawnSync(
      python,
      ["-I", "-c", "import sys, importlib.util; print(sys.version.split()[0], importlib.util.MAGIC_NUMBER.hex())"],
      { encoding: "utf8" },
    );
    if (r.error || r.status !== 0) {
      throw new TspackError(
        ERROR_CODES.TOOL_FAILED,
        `The interpreter "${python}" for bytecode compilation cannot run: ${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)}`,
        {
          hint: `Install Python 3.${this.minor} or pass its path, or leave --python-interpreter out (tspack compiles with Pyodide)`,
          cause: r.error,
        },
      );
    }
    const [version = "", magic = ""] = r.stdout.trim().split(" ");
    const m = /^3\.(\d+)\./.exec(version);
    if (!m || Number(m[1]) !== this.minor || magic !== PYC_MAGIC[this.minor]) {
      throw new TspackError(
        ERROR_CODES.TOOL_FAILED,
        `The interpreter "${python}" is Python ${version || r.stdout.trim()}, but the target is 3.${this.minor}`,
        {
          hint: `Bytecode must be compiled by the target's Python: pass a python3.${this.minor} interpreter`,
          details: { python, got: version, expected: `3.${this.minor}` },
        },
      );
    }
    this.#identity = `cpython ${version} ${magic}`;
    return this.#identity;
  }

  async compile(jobs: ReadonlyArray<CompileJob>): Promise<CompileOutcome[]> {
    if (jobs.length === 0) return [];
    await this.identity();
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [u32(jobs.length)];
    for (const j of jobs) {
      const d = enc.encode(j.dfile);
      parts.push(u32(d.length), d, u32(j.source.length), j.source);
    }
    const child = spawn(this.python, ["-I", "-c", LOOP], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {});
    child.stdin.end(Buffer.concat(parts));
    const status = await new Promise<number | string>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? signal ?? "?"));
    });
    const data = Buffer.concat(out);
    const outcomes: CompileOutcome[] = [];
    let at = 0;
    while (outcomes.length < jobs.length && at + 5 <= data.length) {
      const st = data[at]!;
      const len = data.readUInt32LE(at + 1);
      const body = data.subarray(at + 5, at + 5 + len);
      if (body.length !== len) break;
      at += 5 + len;
      outcomes.push(st === 0 ? { code: new Uint8Array(body) } : { error: body.toString("utf8") });
    }
    if (outcomes.length < jobs.length) {
      // The interpreter died under a file (a crash, or an error the loop does not catch): that file ships
      // as source only, the files after it are compiled by a fresh process.
      const reason = `${this.python} stopped (${status}): ${Buffer.concat(err).toString("utf8").trim().split("\n").pop() ?? ""}`;
      outcomes.push({ crash: reason });
      if (status === 0) while (outcomes.length < jobs.length) outcomes.push({ crash: reason });
      else if (outcomes.length < jobs.length) outcomes.push(...(await this.compile(jobs.slice(outcomes.length))));
    }
    return outcomes;
  }

  async close(): Promise<void> {}
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
