// tspack's bytecode compiler thread: CPython compiled to WebAssembly (Pyodide), loaded once per build
// from the npm package named by workerData.pyodide (an alias such as "pyodide-py313", a dependency of the
// package this file ships in). It compiles what the main thread posts, in order, and answers per file:
//   → { id, source: Uint8Array, dfile: string }
//   ← { type: "ready", pyodide, python, magic } once loaded (or { type: "failed", message })
//   ← { id, code: Uint8Array }     marshal.dumps(compile(source, dfile, "exec", dont_inherit=True))
//   ← { id, error: string }        the file does not compile (SyntaxError, RecursionError, ValueError…)
//   ← { id, crash: string }        the interpreter died on this file (a wasm trap on very deep code): no
//                                  later call can succeed, so the main thread ends this thread and starts
//                                  another for the files after it.
// Plain JavaScript on purpose: it runs as it is, from the workspace and from tspack's dist/.
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

// Pyodide reports a fatal error on the console; the main thread decides what the user sees.
const log = [];
const keep = (...args) => {
  log.push(args.map(String).join(" "));
  if (log.length > 20) log.shift();
};
console.log = keep;
console.info = keep;
console.warn = keep;
console.error = keep;
console.debug = keep;

const queue = [];
let compileOne;
let dead = false;

function work() {
  while (compileOne && !dead && queue.length > 0) {
    const { id, source, dfile } = queue.shift();
    let result;
    try {
      result = compileOne(source, dfile);
    } catch (e) {
      if (e?.constructor?.name === "PythonError") {
        const text = String(e.message ?? e).trim();
        const last =
          text
            .split("\n")
            .filter((l) => l.trim() !== "")
            .pop() ?? text;
        parentPort.postMessage({ id, error: last });
      } else {
        dead = true;
        parentPort.postMessage({ id, crash: `${String(e?.message ?? e)}${log.length ? `: ${log.join(" | ")}` : ""}` });
      }
      continue;
    }
    const code = result.toJs();
    result.destroy();
    parentPort.postMessage({ id, code }, [code.buffer]);
  }
}

parentPort.on("message", (m) => {
  queue.push(m);
  work();
});

try {
  const entry = import.meta.resolve(workerData.pyodide);
  const indexURL = fileURLToPath(new URL("./", entry));
  const { loadPyodide, version } = await import(entry);
  const py = await loadPyodide({ indexURL, stdout: () => {}, stderr: () => {}, checkAPIVersion: true });
  const info = py
    .runPython(
      [
        "import marshal, sys, importlib.util",
        "def _tspack_compile(source, dfile):",
        "    return marshal.dumps(compile(source.to_bytes(), dfile, 'exec', dont_inherit=True, optimize=-1))",
        "(sys.version.split()[0], importlib.util.MAGIC_NUMBER.hex())",
      ].join("\n"),
    )
    .toJs();
  const fn = py.globals.get("_tspack_compile");
  compileOne = (source, dfile) => fn(source, dfile);
  parentPort.postMessage({ type: "ready", pyodide: version ?? py.version, python: info[0], magic: info[1] });
  work();
} catch (e) {
  parentPort.postMessage({
    type: "failed",
    message: `${String(e?.message ?? e)}${log.length ? `: ${log.join(" | ")}` : ""}`,
  });
}
