/** The build's bytecode stage, with a stand-in compiler (the real ones are tested in packages/bytecode). */
import type { CompileJob, CompileOutcome, PyCompiler } from "@tspack/bytecode";
import { readPycHeader } from "@tspack/bytecode";
import { describe, expect, it } from "vitest";
import { addBytecode, LAYER_ROOT, TASK_ROOT } from "../../src/stages/bytecode.js";

interface F {
  path: string;
  mode: number;
  owner: string;
  data: Uint8Array;
}

/** "Compiles" to the dfile's bytes; a file whose source says "bad" does not compile. */
class EchoCompiler implements PyCompiler {
  readonly minor = 13;
  jobs: CompileJob[] = [];
  async identity() {
    return "echo";
  }
  async compile(jobs: ReadonlyArray<CompileJob>): Promise<CompileOutcome[]> {
    this.jobs.push(...jobs);
    return jobs.map((j) =>
      Buffer.from(j.source).toString() === "bad" ? { error: "SyntaxError: bad" } : { code: Buffer.from(j.dfile) },
    );
  }
  async close() {}
}

const file = (path: string, text = "x = 1\n", owner = "dep"): F => ({
  path,
  mode: 0o644,
  owner,
  data: Buffer.from(text),
});
const read = (f: F) => f.data;
const make = (like: F, path: string, data: Uint8Array): F => ({ ...like, path, data });

describe("addBytecode", () => {
  it("adds a pyc beside each module with its run-time name; scripts, data and broken files get none", async () => {
    const compiler = new EchoCompiler();
    const fn = [file("pkg/__init__.py"), file("pkg/data.txt"), file("bin/tool.py"), file("app.py", "x\n", "project")];
    const layer = [
      file("python/lib/python3.13/site-packages/dep/mod.py"),
      file("python/lib/python3.13/site-packages/dep/bad.py", "bad"),
    ];
    const r = await addBytecode(
      [
        { files: fn, root: TASK_ROOT },
        { files: layer, root: LAYER_ROOT },
      ],
      read,
      make,
      { minor: 13, compiler },
    );
    expect(compiler.jobs.map((j) => j.dfile)).toEqual([
      "/var/task/pkg/__init__.py",
      "/var/task/app.py",
      "/opt/python/lib/python3.13/site-packages/dep/mod.py",
      "/opt/python/lib/python3.13/site-packages/dep/bad.py",
    ]);
    expect(r.groups[0]!.map((f) => f.path)).toEqual([
      "pkg/__init__.py",
      "pkg/data.txt",
      "bin/tool.py",
      "app.py",
      "pkg/__pycache__/__init__.cpython-313.pyc",
      "__pycache__/app.cpython-313.pyc",
    ]);
    const pyc = r.groups[0]!.at(-1)!;
    expect(pyc.owner).toBe("project");
    expect(readPycHeader(pyc.data)).toMatchObject({ minor: 13, mode: "checked-hash" });
    expect(Buffer.from(pyc.data.subarray(16)).toString()).toBe("/var/task/app.py");
    expect(r.groups[1]!.map((f) => f.path)).toContain(
      "python/lib/python3.13/site-packages/dep/__pycache__/mod.cpython-313.pyc",
    );
    expect(r.summary).toMatchObject({ pycs: 3, compiled: 4, fromMemo: 0 });
    expect(r.summary.skipped).toEqual([
      { path: "python/lib/python3.13/site-packages/dep/bad.py", reason: "SyntaxError: bad" },
    ]);
  });

  it("bytecode-only ships mod.pyc in place of mod.py, and keeps the source of a file that does not compile", async () => {
    const r = await addBytecode(
      [{ files: [file("pkg/mod.py"), file("pkg/bad.py", "bad"), file("pkg/x.txt")], root: TASK_ROOT }],
      read,
      make,
      { minor: 13, compiler: new EchoCompiler(), bytecodeOnly: true, mode: "unchecked-hash" },
    );
    expect(r.groups[0]!.map((f) => f.path)).toEqual(["pkg/bad.py", "pkg/x.txt", "pkg/mod.pyc"]);
    expect(readPycHeader(r.groups[0]![2]!.data).mode).toBe("unchecked-hash");
  });
});
